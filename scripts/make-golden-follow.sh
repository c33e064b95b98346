#!/bin/sh
# Golden follow output for test/streams: for every TCP stream of every corpus packet capture,
# `tshark -q -z follow,tcp,raw,N` (tshark 4.0.17), concatenated per capture into
# test/streams/golden/follow/<capture path with / → __>.txt. Run from the repo root:
#   sh scripts/make-golden-follow.sh [/work/shared/corpus]
set -eu
CORPUS=${1:-/work/shared/corpus}
OUT=test/streams/golden/follow
mkdir -p "$OUT"
cd "$CORPUS"
find pcap pcapng -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' -o -name '*.pcapng.[0-9]' \) | sort | while read -r f; do
  streams=$(tshark -n -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -un | grep . || true)
  [ -z "$streams" ] && continue
  name=$(echo "$f" | sed 's|/|__|g')
  : > "$OLDPWD/$OUT/$name.txt"
  for n in $streams; do
    tshark -n -r "$f" -q -z "follow,tcp,raw,$n" 2>/dev/null >> "$OLDPWD/$OUT/$name.txt" || echo "tshark failed on $f stream $n" >&2
  done
done
