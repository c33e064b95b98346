#!/usr/bin/env bash
# Goldens for names from PTR answers (tshark 4.0.17) on test/fixtures/dns-ptr/dns-ptr.pcap
# (scripts/record-dns-ptr.py; its DNS is on udp port 19653, hence -d), in test/golden/names-ptr/:
#   ptr.tsv     tshark -T fields -e dns.resp.name -e dns.ptr.domain_name of each PTR answer
#               (the owner and target as tshark reads them)
#   columns.tsv tshark -2 -N n -T fields -e frame.number -e _ws.col.Source -e _ws.col.Destination,
#               with a personal `hosts` file (WIRESHARK_CONFIG_DIR) holding ADDRESS NAME for the
#               reverse names dig asked (record-dns-ptr.py): tshark 4.0 does not learn names from
#               PTR records itself, so this is how its columns look with those names.
# Read by test/names/ptr.test.ts. Run from the repo root: scripts/make-golden-ptr.sh
set -euo pipefail
IN=test/fixtures/dns-ptr/dns-ptr.pcap
OUT=test/golden/names-ptr
mkdir -p "$OUT"
tshark -r "$IN" -d udp.port==19653,dns -Y 'dns.flags.response == 1' -T fields -e dns.resp.name -e dns.ptr.domain_name > "$OUT/ptr.tsv"
CONF=$(mktemp -d)
trap 'rm -rf "$CONF"' EXIT
# The addresses dig -x asked for, by the record-dns-ptr.py lines; each one's name is tshark's PTR target.
while IFS=$'\t' read -r owner target; do
  case "$owner" in
    1.0.0.127.in-addr.arpa) echo "127.0.0.1 $target" ;;
    1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa) echo "::1 $target" ;;
    7.2.0.192.in-addr.arpa|7.2.0.192.IN-ADDR.ARPA) echo "192.0.2.7 $target" ;;
    2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa) echo "2001:db8::1:2 $target" ;;
  esac
done < "$OUT/ptr.tsv" > "$CONF/hosts"
WIRESHARK_CONFIG_DIR=$CONF tshark -2 -N n -r "$IN" -d udp.port==19653,dns -T fields -e frame.number -e _ws.col.Source -e _ws.col.Destination > "$OUT/columns.tsv"
cp "$CONF/hosts" "$OUT/hosts"
echo "names-ptr: $(wc -l < "$OUT/ptr.tsv") PTR answers, $(wc -l < "$OUT/hosts") hosts -> $OUT/" >&2
