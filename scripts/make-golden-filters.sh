#!/usr/bin/env bash
# Regenerate the display-filter oracle test/golden/filters/filters.tsv from tshark.
# Each line: capture (relative to the corpus) TAB filter TAB matching frame numbers (space-separated,
# empty when nothing matches). The filter list below is the test table; add lines, rerun.
#   scripts/make-golden-filters.sh [corpus-dir]
# TZ=UTC so that date literals without a zone mean the same thing here and in the test.
set -euo pipefail
export TZ=UTC

here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${1:-$here/../shared/corpus}"
[ -d "$corpus" ] || corpus=/work/shared/corpus
out="$here/test/golden/filters/filters.tsv"

P=pcapng/wireshark/protohier-with-comments.pcapng   # eth, arp, ip, ipv6, udp, igmp, icmpv6, dns
H=pcap/generated/gen-http11-plain.pcap              # two TCP connections on loopback (HTTP)
D=pcap/wireshark/dhcp.pcap                          # 4 DHCP frames over UDP broadcast
T6=pcap/illustrated-tls12/capture.pcap              # TCP over IPv6 loopback
PF=pcap/tcpdump-tests/print-flags.pcap              # one TCP connection, all flag combinations
DNS=pcap/wireshark/dns_port.pcap                    # DNS on a non-standard port
BE=pcap/tcpdump-tests/pptp.pcap                     # big-endian pcap, TCP 1723

filters=(
  # existence, protocols, logic
  "$P|arp" "$P|ipv6" "$P|ip" "$P|udp" "$P|not ip and not ipv6" "$P|!udp && ip" "$P|arp or ipv6"
  "$P|ip and not udp" "$P|(arp || ipv6) && eth" "$P|not (ip or arp)" "$H|tcp and not ip" "$P|icmpv6 or arp"
  # Ethernet and MAC literal forms
  "$P|eth.dst == ff:ff:ff:ff:ff:ff" "$P|eth.dst eq ff-ff-ff-ff-ff-ff" "$P|eth.dst == ffff.ffff.ffff"
  "$P|eth.src == c0:c1:c0:dc:62:77" "$P|eth.addr == b0:75:0c:c7:ea:fa" "$P|eth.addr != b0:75:0c:c7:ea:fa"
  "$P|eth.dst[0] & 01" "$P|eth.src[0:3] == b0:75:0c" "$P|eth.dst[0:2] == 33:33" "$P|eth.src > b0:75:0c:c7:ea:fa"
  "$D|eth.src == 00:0b:82:01:fc:42" "$D|eth.src == 000b.8201.fc42" "$D|eth.src == 00-0b-82-01-fc-42" "$D|eth.addr == 00:08:74:ad:f1:9b"
  # IPv4 addresses, CIDR, sets and ranges
  "$P|ip.src == 10.0.0.1" "$P|ip.dst == 224.0.0.0/4" "$P|ip.dst in {224.0.0.0/4, 255.255.255.255}" "$P|ip.addr != 10.0.0.0/8"
  "$P|ip.addr == 202.254.101.1" "$P|ip.addr !== 10.0.0.1" "$P|ip.addr === 10.0.0.1" "$P|ip.dst in {10.0.0.3 .. 10.0.0.255}"
  "$P|ip.dst > 230.0.0.0" "$P|ip.src == ip.dst" "$P|any ip.addr == 10.0.0.0/24" "$P|all ip.addr in {10.0.0.0/8, 224.0.0.0/4}"
  "$D|ip.src == 0.0.0.0" "$D|ip.dst == 192.168.0.10" "$H|ip.src == 127.0.0.1 and ip.dst == 127.0.0.1"
  # IPv4 header fields, integer literal forms, booleans
  "$P|ip.ttl == 1" "$P|ip.ttl > 64" "$P|ip.ttl in {1, 128}" "$P|ip.proto == 17" "$P|ip.proto == 2" "$P|ip.proto == UDP"
  "$P|ip.flags.df == 1" "$P|ip.flags.df == True" "$P|ip.flags.df == FALSE" "$P|!ip.flags.df" "$P|ip.len > 200"
  "$P|ip.len >= 0x100" "$P|ip.len < 0b1000000" "$P|ip.len le 0400" "$P|ip.hdr_len > 20" "$P|ip.id == 0"
  # IPv6
  "$P|ipv6.dst == ff02::1" "$P|ipv6.dst == ff02::/16" "$P|ipv6.src == fe80::/10" "$P|ipv6.hlim == 255" "$P|ipv6.plen < 40"
  "$P|ipv6.nxt == 58" "$P|any ipv6.addr == ff02::/16" "$T6|ipv6.src == ::1" "$T6|ipv6.addr == 0:0:0:0:0:0:0:1" "$T6|ipv6 and tcp.len > 100"
  # UDP, arithmetic, functions
  "$P|udp.port == 1900" "$P|udp.dstport == 137" "$P|udp.srcport == udp.dstport" "$P|udp.port in {67, 68}"
  "$P|udp.port in {130..140}" "$P|udp.length > 100 and udp.length <= 300" "$P|udp.srcport + 1 == udp.dstport + 1"
  "$P|udp.dstport - 1 >= 1899" "$P|udp.dstport >= 2 * {udp.srcport - 1000}" "$P|max(udp.srcport, udp.dstport) > 1024"
  "$P|min(udp.srcport, udp.dstport) < 1024" "$P|count(ip.addr) == 2" "$P|udp.stream == 2" "$D|udp.srcport == 67"
  # frame, slices, contains/matches, strings
  "$P|frame.len > 100" "$P|frame.len == 60" "$P|frame.len <= 0x3c" "$P|frame.len == '<'" "$P|frame.number <= 10"
  "$P|frame.number in {1, 3, 5..7}" "$P|string(frame.number) matches \"[13579]\$\"" "$P|frame.number % 10 == 0"
  "$P|frame contains \"NOTIFY\"" "$P|frame contains 4e:4f:54:49:46:59" "$P|frame matches \"notify\""
  "$P|frame matches \"(?-i)notify\"" "$P|frame[0:6] == ff:ff:ff:ff:ff:ff" "$P|frame[12:2] == 08:06" "$P|frame[12-13] == 86:dd"
  "$P|frame[-4:] == 00:00:00:00" "$P|frame[12:2] == \"\\x08\\x00\"" "$P|len(frame) > 500" "$P|frame[500:]" "$P|frame[0:1,12:2] == ff:08:06"
  "$P|eth.src[1:2] contains c1" "$P|frame.cap_len < frame.len"
  "$D|frame.time_epoch >= 1102274184.387" "$D|frame.time_epoch < 1102274184.3175"
  # TCP
  "$H|tcp.port == 8080" "$H|tcp.flags.syn == 1" "$H|tcp.flags.syn == 1 and tcp.flags.ack == 0" "$H|tcp.flags & 0x02"
  "$H|tcp.flags & 0x12 == 0x12" "$H|tcp.flags.fin or tcp.flags.reset" "$H|tcp.len > 0" "$H|tcp.len > 1000" "$H|tcp.stream == 1"
  "$H|tcp.srcport == 8080 && tcp.len > 0" "$H|tcp.payload contains \"HTTP/1.0 200\"" "$H|tcp contains \"GET /big.txt\""
  "$H|tcp.payload matches \"^get /\"" "$H|tcp.payload[0:4] == \"HTTP\"" "$H|tcp.payload[0:3] == 47:45:54" "$H|tcp.seq == 1"
  "$H|tcp.ack == 1 and tcp.len == 0" "$H|tcp.hdr_len == 40" "$H|tcp.options.mss_val == 65495" "$H|tcp.dstport in {8080, 443}"
  "$H|tcp.port != 8080" "$H|all tcp.port != 8080" "$H|tcp.srcport > tcp.dstport" "$H|tcp.port ~= 8080" "$H|tcp.nxtseq > 100000"
  "$H|tcp.window_size_value < 1000" "$H|tcp.flags == 0x018" "$H|tcp.len > 0 && !tcp.flags.push" "$PF|tcp.flags.push == 1"
  "$PF|tcp.payload contains \"GET\"" "$PF|tcp.flags.str" "$BE|tcp.port == 1723" "$BE|tcp.len > 100" "$BE|ip.id > 0x8000"
  # ICMPv6, ARP, DNS
  "$P|icmpv6" "$P|icmpv6.type == 135" "$P|icmpv6.type in {133..136}" "$P|icmpv6.code == 0 and icmpv6.type != 143"
  "$P|arp.opcode == 1" "$P|arp.src.proto_ipv4 == 10.0.0.1" "$P|arp.dst.hw_mac == 00:00:00:00:00:00"
  "$DNS|dns" "$DNS|dns.flags.response == 1" "$DNS|dns.qry.name contains \"pool\"" "$DNS|dns.qry.name matches \"^us\\\\.\""
  "$DNS|dns.a == 66.0.0.0/8" "$DNS|dns.qry.type == 1" "$P|dns.qry.name" "$DNS|udp.port == 53 or dns"
  # the layer operator (field#N, field#[range]: the Nth header of the field's protocol)
  "$P|ip.src#1 == 10.0.0.1" "$P|ip#2" "$P|ip.addr#[1-2] == 224.0.0.0/4" "$H|tcp.port#1 == 8080" "$H|count(tcp.port#1) == 2"
  "$P|udp.port #1 in {67, 68}" "$P|ipv6.src#1 == fe80::/10" "$P|eth.src#1 == c0:c1:c0:dc:62:77" "$P|ip#1[9] == 11"
  "$P|ip.dst#[1:] > 230.0.0.0" "$P|ip.ttl#0 == 1" "$P|ip.ttl#2 == 1" "$P|not ip.src#2" "$P|ipv6.hopopts#1"
  # frame.time with both literal forms (ISO 8601 and Wireshark's own), zones; TZ=UTC here
  "$D|frame.time >= \"2004-12-05 19:16:24.3\"" "$D|frame.time < \"Dec  5, 2004 19:16:24.318\"" "$D|frame.time == \"Dec  5, 2004 19:16:24.317453\""
  "$D|frame.time > \"2004-12-05T19:16:24.3Z\"" "$D|frame.time >= \"Dec 5, 2004 19:16:24.3 UTC\"" "$D|frame.time < \"2004-12-05 20:16:24.318+01:00\""
  "$D|frame.time in {\"2004-12-05 19:16:24.317\" .. \"2004-12-05 19:16:24.3875\"}" "$H|frame.time > \"Nov 21, 2026 19:05:02.7\""
)

tshark --version 2>/dev/null | head -1 >&2
tmp="$(mktemp)"
n=0
for entry in "${filters[@]}"; do
  file="${entry%%|*}"
  filter="${entry#*|}"
  if ! frames="$(cd "$corpus" && tshark -n -r "$file" -Y "$filter" -T fields -e frame.number 2>/tmp/golden-filter-err.txt)"; then
    echo "tshark rejected: $file: $filter: $(grep -v 'Running as' /tmp/golden-filter-err.txt | head -2)" >&2
    exit 1
  fi
  printf '%s\t%s\t%s\n' "$file" "$filter" "$(echo $frames)" >>"$tmp"
  n=$((n + 1))
done
mv "$tmp" "$out"
echo "wrote $n filters to $out" >&2

# Date literals without a zone are local time: the same dates in Tokyo (UTC+9, no DST) select
# other frames. Each line: capture, filter, frames, and the frame.time tshark prints there.
tokyo=(
  "$D|frame.time >= \"2004-12-06 04:16:24.3\"" "$D|frame.time < \"Dec  6, 2004 04:16:24.318\"" "$D|frame.time < \"2004-12-06 04:00:00\""
  "$D|frame.time < \"2004-12-05 19:16:24.318 UTC\""
)
out_tokyo="$here/test/golden/filters/filters-tokyo.tsv"
tmp="$(mktemp)"
for entry in "${tokyo[@]}"; do
  file="${entry%%|*}"
  filter="${entry#*|}"
  frames="$(cd "$corpus" && TZ=Asia/Tokyo tshark -n -r "$file" -Y "$filter" -T fields -e frame.number 2>/dev/null)"
  printf '%s\t%s\t%s\n' "$file" "$filter" "$(echo $frames)" >>"$tmp"
done
printf '%s\t%s\t%s\n' "$D" "-e frame.time" "$(cd "$corpus" && TZ=Asia/Tokyo tshark -n -r "$D" -T fields -e frame.time 2>/dev/null | head -1)" >>"$tmp"
mv "$tmp" "$out_tokyo"
echo "wrote ${#tokyo[@]} Asia/Tokyo filters to $out_tokyo" >&2

# Times against other frames (frame.time_delta, _relative, _delta_displayed): the engine adds
# them in the capture session, so they are tested through it (test/filter/time-filters.test.ts).
times=(
  "$H|frame.time_delta_displayed < 0.0001" "$H|frame.time_delta_displayed == 0 or frame.number == 3"
  "$H|frame.number == 5 or frame.time_delta_displayed > 0.00005" "$P|udp and frame.time_delta_displayed > 0.5"
  "$H|frame.time_delta > 0.001" "$P|frame.time_delta < 0.0001" "$P|frame.time_relative > 30" "$P|frame.time_relative <= 2.5 and ip"
)
out_times="$here/test/golden/filters/filters-times.tsv"
tmp="$(mktemp)"
for entry in "${times[@]}"; do
  file="${entry%%|*}"
  filter="${entry#*|}"
  frames="$(cd "$corpus" && tshark -n -r "$file" -Y "$filter" -T fields -e frame.number 2>/dev/null)"
  printf '%s\t%s\t%s\n' "$file" "$filter" "$(echo $frames)" >>"$tmp"
done
mv "$tmp" "$out_times"
echo "wrote ${#times[@]} frame-time filters to $out_times" >&2
