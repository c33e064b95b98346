#!/usr/bin/env bash
# Regenerate the Decode As oracle (test/golden/decode-as/NAME.tsv) from tshark's -d: one run per
# line of test/golden/decode-as/cases.tsv (name, corpus capture, -d value, fields).
#   scripts/make-golden-decode-as.sh [corpus-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$here/../shared/corpus}"
[ -d "$corpus" ] || corpus=/work/shared/corpus
out="$here/test/golden/decode-as"
tshark --version 2>/dev/null | head -1 >&2
while IFS=$'\t' read -r name capture rule fields; do
  case "$name" in '#'*|'') continue ;; esac
  args=()
  IFS=',' read -ra fs <<<"$fields"
  for f in "${fs[@]}"; do args+=(-e "$f"); done
  tshark -n -r "$corpus/$capture" -d "$rule" -T fields -E separator=/t "${args[@]}" >"$out/$name.tsv" 2>/dev/null || [ -s "$out/$name.tsv" ]
  echo "$name: $(wc -l <"$out/$name.tsv") rows" >&2
done <"$out/cases.tsv"
