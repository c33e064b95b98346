#!/usr/bin/env bash
# Regenerate the per-packet field oracle (test/golden/fields/*.tsv) from tshark.
# One TSV per capture under the corpus that tshark can read; the file name is the path
# relative to the corpus with "/" replaced by "__". Run from anywhere:
#   scripts/make-golden-fields.sh [corpus-dir]
# The oracle version matters (tshark 4.0.17 here): the header of the run is printed to stderr.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$here/../shared/corpus}"
[ -d "$corpus" ] || corpus=/work/shared/corpus
out="$here/test/golden/fields"
mkdir -p "$out"

fields=(frame.number frame.len frame.time_epoch eth.src eth.dst ip.src ip.dst ip.proto ip.ttl
  ipv6.src ipv6.dst tcp.srcport tcp.dstport tcp.stream tcp.seq tcp.ack tcp.len
  tcp.flags.syn tcp.flags.ack tcp.flags.fin tcp.flags.reset udp.srcport udp.dstport udp.stream
  dns.id dns.qry.name dns.a dns.aaaa)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done

tshark --version 2>/dev/null | head -1 >&2
n=0
skipped=0
cd "$corpus"
while IFS= read -r -d '' file; do
  rel="${file#./}"
  name="${rel//\//__}.tsv"
  tmp="$(mktemp)"
  # tshark prints a "Running as root" notice and read errors on stderr; a file it cannot open
  # at all exits non-zero with no output and is skipped. A truncated last record still gives
  # the readable packets (and a non-zero exit), which is what we want to compare.
  if tshark -n -r "$rel" -T fields -E separator=/t "${args[@]}" >"$tmp" 2>/dev/null || [ -s "$tmp" ]; then
    mv "$tmp" "$out/$name"
    n=$((n + 1))
  else
    rm -f "$tmp"
    echo "skipped (tshark cannot read): $rel" >&2
    skipped=$((skipped + 1))
  fi
done < <(find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) -print0 | sort -z)
echo "wrote $n golden files to $out ($skipped skipped)" >&2
