#!/usr/bin/env python3
"""Write test/fixtures/fidelity/fidelity.pcap: IPv4/IPv6 fragments (in order, out of order,
overlapping, never completed), 802.1ad-tagged frames, ICMP/ICMPv6 with good and bad checksums
and quoted datagrams. tshark 4.0 reads it for the oracles (test/golden/fidelity/cases.tsv).
Deterministic: run it again to get the same bytes.
    python3 scripts/make-fixture-fidelity.py [out.pcap]
"""
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/fidelity/fidelity.pcap'
MAC_A = bytes.fromhex('020000000001')
MAC_B = bytes.fromhex('020000000002')
A4 = bytes([192, 0, 2, 1])
B4 = bytes([198, 51, 100, 7])
R4 = bytes([203, 0, 113, 254])
A6 = bytes.fromhex('20010db8000000000000000000000001')
B6 = bytes.fromhex('20010db8000000000000000000000002')


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(payload, etype=0x0800, tags=()):
    h = MAC_B + MAC_A
    for tpid, tci in tags:
        h += struct.pack('!HH', tpid, tci)
    return h + struct.pack('!H', etype) + payload


def ipv4(proto, payload, src=A4, dst=B4, ident=0x1234, off=0, mf=False, ttl=64, total=None):
    flags = (0x2000 if mf else 0) | (off // 8)
    ln = total if total is not None else 20 + len(payload)
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, ln, ident, flags, ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload


def udp(sport, dport, payload, src=A4, dst=B4, v6=False):
    ln = 8 + len(payload)
    if v6:
        pseudo = src + dst + struct.pack('!IxxxB', ln, 17)
    else:
        pseudo = src + dst + struct.pack('!xBH', 17, ln)
    h = struct.pack('!HHHH', sport, dport, ln, 0)
    c = csum(pseudo + h + payload) or 0xffff
    return struct.pack('!HHHH', sport, dport, ln, c) + payload


def icmp(type_, code, rest, payload, bad=False):
    h = struct.pack('!BBH', type_, code, 0) + rest
    c = csum(h + payload)
    if bad:
        c ^= 0x0101
    return struct.pack('!BBH', type_, code, c) + rest + payload


def ipv6(nxt, payload, src=A6, dst=B6, hlim=64):
    return struct.pack('!IHBB', 6 << 28, len(payload), nxt, hlim) + src + dst + payload


def icmpv6(type_, code, rest, payload, src=A6, dst=B6, bad=False):
    body = struct.pack('!BBH', type_, code, 0) + rest + payload
    pseudo = src + dst + struct.pack('!IxxxB', len(body), 58)
    c = csum(pseudo + body)
    if bad:
        c ^= 0x0101
    return struct.pack('!BBH', type_, code, c) + rest + payload


def dns_txt_response(qid, chunks):
    """A DNS response (RFC 1035 §4.1) to a TXT query for big.example with one TXT answer."""
    name = b'\x03big\x07example\x00'
    q = name + struct.pack('!HH', 16, 1)
    rdata = b''.join(bytes([len(c)]) + c for c in chunks)
    ans = b'\xc0\x0c' + struct.pack('!HHIH', 16, 1, 300, len(rdata)) + rdata
    return struct.pack('!HHHHHH', qid, 0x8180, 1, 1, 0, 0) + q + ans


def fragments(datagram_payload, size):
    """Split an IP payload into (offset, bytes, more) pieces of `size` bytes (a multiple of 8)."""
    out = []
    for o in range(0, len(datagram_payload), size):
        piece = datagram_payload[o:o + size]
        out.append((o, piece, o + size < len(datagram_payload)))
    return out


frames = []


def add(pkt):
    frames.append(pkt)


# 1-3: a DNS response over UDP in three IPv4 fragments, in order.
dns = udp(53, 40000, dns_txt_response(0xbeef, [bytes([65 + k % 26]) * 250 for k in range(12)]))
for o, piece, more in fragments(dns, 1480):
    add(eth(ipv4(17, piece, src=B4, dst=A4, ident=0x0a01, off=o, mf=more)))
# 4-6: an ICMP echo request of 3000 bytes, fragments out of order (last, first, middle).
echo = icmp(8, 0, struct.pack('!HH', 0x4242, 1), bytes(range(256)) * 11 + bytes(184))
pieces = fragments(echo, 1200)
for k in (2, 0, 1):
    o, piece, more = pieces[k]
    add(eth(ipv4(1, piece, ident=0x0a02, off=o, mf=more)))
# 7: a first fragment that is never completed.
add(eth(ipv4(17, udp(5000, 5001, bytes(2000))[:1000], ident=0x0a03, off=0, mf=True)))
# 8-9: overlapping fragments with the same bytes in the overlap (UDP to a data port).
ov = udp(6000, 6001, bytes((k * 7) & 0xff for k in range(1592)))
add(eth(ipv4(17, ov[:1000], ident=0x0a04, off=0, mf=True)))
add(eth(ipv4(17, ov[800:], ident=0x0a04, off=800, mf=False)))
# 10-11: IPv6 UDP (DNS) in two fragments (RFC 8200 §4.5 Fragment header).
dns6 = udp(53, 40001, dns_txt_response(0xcafe, [b'x' * 200] * 8), src=B6, dst=A6, v6=True)
for o, piece, more in fragments(dns6, 1232):
    fh = struct.pack('!BBHI', 17, 0, o | (1 if more else 0), 0x00c0ffee)
    add(eth(ipv6(44, fh + piece, src=B6, dst=A6), etype=0x86dd))
# 12: 802.1ad outer tag, 802.1Q inner tag, IPv4/UDP.
add(eth(ipv4(17, udp(7000, 7001, b'qinq payload')), tags=((0x88a8, 0x2064), (0x8100, 0x00c8))))
# 13: 802.1ad alone.
add(eth(ipv4(17, udp(7000, 7001, b'one tag')), tags=((0x88a8, 0xe00a),)))
# 14: ICMP echo request with a good checksum, 15: with a bad one.
add(eth(ipv4(1, icmp(8, 0, struct.pack('!HH', 7, 1), b'abcdefgh' * 4))))
add(eth(ipv4(1, icmp(8, 0, struct.pack('!HH', 7, 2), b'abcdefgh' * 4, bad=True))))
# 16: port unreachable quoting the IPv4 header and the UDP header + 8 bytes of a DNS query.
q = udp(40002, 53, struct.pack('!HHHHHH', 0x1111, 0x0100, 1, 0, 0, 0) + b'\x03www\x07example\x00\x00\x01\x00\x01', src=A4, dst=B4)
quoted = ipv4(17, q, src=A4, dst=B4, ident=0x0b01)
add(eth(ipv4(1, icmp(3, 3, bytes(4), quoted[:28 + 8]), src=B4, dst=A4)))
# 17: time exceeded quoting an IPv4 header and the first 8 bytes of a TCP SYN.
syn = struct.pack('!HHIIBBHHH', 40003, 80, 1000, 0, 0x50, 0x02, 64240, 0, 0)
add(eth(ipv4(1, icmp(11, 0, bytes(4), ipv4(6, syn, ident=0x0b02, ttl=1)[:28]), src=R4, dst=A4)))
# 18: ICMPv6 echo request good, 19: bad checksum.
add(eth(ipv6(58, icmpv6(128, 0, struct.pack('!HH', 9, 1), b'ping6' * 4)), etype=0x86dd))
add(eth(ipv6(58, icmpv6(128, 0, struct.pack('!HH', 9, 2), b'ping6' * 4, bad=True)), etype=0x86dd))
# 20: ICMPv6 port unreachable quoting IPv6 + UDP.
q6 = udp(40004, 53, b'\x22\x22\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01', src=A6, dst=B6, v6=True)
add(eth(ipv6(58, icmpv6(1, 4, bytes(4), ipv6(17, q6), src=B6, dst=A6), src=B6, dst=A6), etype=0x86dd))

with open(OUT, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n, p in enumerate(frames):
        f.write(struct.pack('<IIII', 1700000000 + n, 1000 * n, len(p), len(p)))
        f.write(p)
print(f'{OUT}: {len(frames)} frames', file=sys.stderr)


# ---- test/fixtures/fidelity/tcp-reuse.pcap: TCP port reuse and window scaling ----

def tcp(sport, dport, seq, ack, flags, payload=b'', win=1000, ws=None, src=A4, dst=B4):
    opts = b''
    if ws is not None:
        opts = b'\x02\x04\x05\xb4' + b'\x01\x03\x03' + bytes([ws])
    hl = 20 + len(opts)
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, (hl // 4) << 4, flags, win, 0, 0) + opts
    pseudo = src + dst + struct.pack('!xBH', 6, len(h) + len(payload))
    c = csum(pseudo + h + payload)
    return h[:16] + struct.pack('!H', c) + h[18:] + payload


SYN, ACK, FIN, PSH = 0x02, 0x10, 0x01, 0x08


def conv(frames_out, sport, isn_c, isn_s, ws_c, ws_s, syn=True, close=True, data=b'hello'):
    """A connection from A:sport to B:80 (a SYN unless `syn` is false), one request, maybe closed."""
    c, s = isn_c, isn_s
    if syn:
        frames_out.append(eth(ipv4(6, tcp(sport, 80, c, 0, SYN, win=64240, ws=ws_c))))
    frames_out.append(eth(ipv4(6, tcp(80, sport, s, c + 1, SYN | ACK, win=65160, ws=ws_s, src=B4, dst=A4), src=B4, dst=A4)))
    c += 1
    s += 1
    frames_out.append(eth(ipv4(6, tcp(sport, 80, c, s, ACK, win=502))))
    frames_out.append(eth(ipv4(6, tcp(sport, 80, c, s, ACK | PSH, data, win=502))))
    c += len(data)
    frames_out.append(eth(ipv4(6, tcp(80, sport, s, c, ACK, win=509, src=B4, dst=A4), src=B4, dst=A4)))
    if close:
        frames_out.append(eth(ipv4(6, tcp(sport, 80, c, s, FIN | ACK, win=502))))
        frames_out.append(eth(ipv4(6, tcp(80, sport, s, c + 1, FIN | ACK, win=509, src=B4, dst=A4), src=B4, dst=A4)))
        frames_out.append(eth(ipv4(6, tcp(sport, 80, c + 1, s + 1, ACK, win=502))))


reuse = []
# A connection on 1000 → 80 (window scale 7 both ways), then one on the same ports whose SYN
# was not captured: its SYN/ACK (another ISN, scale 2) must not change the first connection's.
conv(reuse, 1000, 1_000_000, 2_000_000, 7, 7)
conv(reuse, 1000, 3_000_000, 777_000, 2, 2, syn=False)
# The same with the first connection left open (no FIN or RST).
conv(reuse, 1001, 10_000, 20_000, 7, 8, close=False)
conv(reuse, 1001, 50_000, 900_000, None, None, syn=False)
# A retransmitted SYN/ACK (same ISN) is not a new connection.
conv(reuse, 1002, 5_000, 6_000, 6, 6, close=False)
reuse.append(reuse[-4])
# A new SYN after a FIN on 1003, without window scaling the second time.
conv(reuse, 1003, 70_000, 80_000, 5, 5)
conv(reuse, 1003, 70_000, 90_000, None, None)

REUSE_OUT = OUT.replace('fidelity.pcap', 'tcp-reuse.pcap')
with open(REUSE_OUT, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n, p in enumerate(reuse):
        f.write(struct.pack('<IIII', 1700001000 + n, 0, len(p), len(p)))
        f.write(p)
print(f'{REUSE_OUT}: {len(reuse)} frames', file=sys.stderr)
