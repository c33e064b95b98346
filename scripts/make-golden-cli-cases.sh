#!/usr/bin/env bash
# Regenerate the oracles of test/golden/{decode-as,fidelity}/NAME.tsv from tshark -T fields: one
# run per line of each folder's cases.tsv (name, corpus capture or test/ fixture, -d value or "-" for none, fields).
# Decode As cases test tshark's -d; fidelity cases single fields of issue 12 item 6.
#   scripts/make-golden-cli-cases.sh [corpus-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$here/../shared/corpus}"
[ -d "$corpus" ] || corpus=/work/shared/corpus
tshark --version 2>/dev/null | head -1 >&2
for out in "$here/test/golden/decode-as" "$here/test/golden/fidelity"; do
  while IFS=$'\t' read -r name capture rule fields; do
    case "$name" in '#'*|'') continue ;; esac
    args=()
    [ "$rule" = "-" ] || args+=(-d "$rule")
    IFS=',' read -ra fs <<<"$fields"
    for f in "${fs[@]}"; do args+=(-e "$f"); done
    # A capture under test/ is a fixture of this repository (made by a script in scripts/).
    case "$capture" in test/*) file="$here/$capture" ;; *) file="$corpus/$capture" ;; esac
    tshark -n -r "$file" -T fields -E separator=/t "${args[@]}" >"$out/$name.tsv" 2>/dev/null || [ -s "$out/$name.tsv" ]
    echo "$name: $(wc -l <"$out/$name.tsv") rows" >&2
  done <"$out/cases.tsv"
done
