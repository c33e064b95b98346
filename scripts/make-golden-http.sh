#!/bin/sh
# Golden HTTP fields for test/http: tshark 4.0.17, two-pass (-2, so requests know their
# response frame) with out-of-order TCP segments reassembled for dissection
# (tcp.reassemble_out_of_order, off by default in 4.0: without it tshark parses HTTP from
# segments in capture order), over the corpus's plaintext HTTP/1.x captures. Run from the repo root.
set -eu
CORPUS=${1:-/work/shared/corpus}
OUT=test/http/golden
mkdir -p "$OUT"
for f in pcap/generated/gen-http11-plain.pcap pcap/generated/gen-strace-http11-plain.pcap pcap/wireshark/http.pcap \
  pcap/wireshark/http-ooo.pcap pcap/wireshark/http-ooo2.pcap pcapng/wireshark/http-ooo-fuzzed.pcapng \
  pcap/tcpdump-tests/print-flags.pcap pcapng/wireshark/http-brotli.pcapng pcapng/wireshark/websocket.pcapng.gz \
  pcapng/wireshark/grpc_web.pcapng.gz; do
  name=$(echo "$f" | sed 's|/|__|g')
  tshark -2 -o tcp.reassemble_out_of_order:TRUE -n -r "$CORPUS/$f" -Y 'http.request or http.response' -T fields \
    -e frame.number -e http.request.method -e http.request.uri -e http.request.version -e http.response.version \
    -e http.response.code -e http.response.phrase -e http.host -e http.user_agent -e http.content_type \
    -e http.content_length -e http.content_encoding -e http.request_in -e http.response_in -e http.time \
    2>/dev/null > "$OUT/$name.tsv" || true
done
