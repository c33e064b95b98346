#!/usr/bin/env python3
"""Write test/fixtures/darwin/darwin-pib.pcapng: an Apple-style pcapng (as macOS `tcpdump -k`
writes) with two Darwin Process Information Blocks and TCP packets pointing at them.

Layout (little-endian, one section, one Ethernet interface):
  PIB 0: pid 4242 "curl"            PIB 1: pid 88 "nsurlsessiond"
  frame 1 SYN      curl -> server   pib 0
  frame 2 SYN/ACK  server -> curl   pib 0
  frame 3 ACK      curl -> server   pib 1, effective pib 0 (sent by nsurlsessiond for curl)
  frame 4 ACK+data curl -> server   pib 7: no such block (the reader warns, the packet stays)
  frame 5 FIN      curl -> server   no process options
Block and option codes: Wireshark wiretap/pcapng_module.h (BLOCK_TYPE_LEGACY_DPIB 0x80000001)
and wiretap/pcapng-darwin-custom.c (OPT_DPIB_NAME 2, OPT_PKT_DARWIN_PIB_ID 0x8001,
OPT_PKT_DARWIN_EFFECTIVE_PIB_ID 0x8003, OPT_PKT_DARWIN_SVC_CODE 0x8002).
Deterministic: run it again to get the same bytes.
    python3 scripts/make-fixture-darwin-pib.py [out.pcapng]
"""
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/darwin/darwin-pib.pcapng'
MAC_C = bytes.fromhex('020000000001')
MAC_S = bytes.fromhex('020000000002')
IP_C = bytes([192, 0, 2, 10])
IP_S = bytes([198, 51, 100, 80])
T0 = 1767225600  # 2026-01-01T00:00:00Z


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


def opt(code, value):
    return struct.pack('<HH', code, len(value)) + pad4(value)


def opts(*items):
    return b''.join(items) + struct.pack('<HH', 0, 0) if items else b''


def block(btype, body):
    body = pad4(body)
    n = 12 + len(body)
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b''):
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    dmac, smac = (MAC_S, MAC_C) if src == IP_C else (MAC_C, MAC_S)
    return dmac + smac + b'\x08\x00' + ip + tcp


def epb(usec, frame, options):
    ts = T0 * 1000000 + usec
    body = struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, len(frame), len(frame)) + pad4(frame)
    return block(0x00000006, body + options)


def u32(v):
    return struct.pack('<I', v)


def pib(pid, name):
    return block(0x80000001, u32(pid) + opts(opt(2, name.encode())))


shb = block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1) + opts(opt(4, b'make-fixture-darwin-pib.py')))
idb = block(0x00000001, struct.pack('<HHI', 1, 0, 65535) + opts(opt(2, b'en0')))
CP, SP = 51000, 80
req = b'GET / HTTP/1.1\r\nHost: example\r\n\r\n'
frames = [
    epb(0, tcp_frame(IP_C, IP_S, CP, SP, 1000, 0, 0x02), opts(opt(0x8001, u32(0)), opt(0x8002, u32(0)))),
    epb(1500, tcp_frame(IP_S, IP_C, SP, CP, 5000, 1001, 0x12), opts(opt(0x8001, u32(0)))),
    epb(1600, tcp_frame(IP_C, IP_S, CP, SP, 1001, 5001, 0x10), opts(opt(0x8001, u32(1)), opt(0x8003, u32(0)))),
    epb(1700, tcp_frame(IP_C, IP_S, CP, SP, 1001, 5001, 0x18, req), opts(opt(0x8001, u32(7)))),
    epb(2000, tcp_frame(IP_C, IP_S, CP, SP, 1001 + len(req), 5001, 0x11), b''),
]
with open(OUT, 'wb') as f:
    f.write(shb + idb + pib(4242, 'curl') + pib(88, 'nsurlsessiond') + b''.join(frames))
