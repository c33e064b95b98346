#!/usr/bin/env python3
"""Record test/fixtures/dns-tcp/dns-tcp.pcap: DNS over TCP on loopback (RFC 1035 §4.2.2, RFC 7766
§6.2.1 pipelining) with messages cut across segments. A tiny server and client on 127.0.0.1:53
(nothing else is contacted); every write is a segment of its own (TCP_NODELAY and a pause):
  - a query whose 2-byte length goes alone, then its message;
  - a 3 kB answer in three writes, the first inside the length prefix;
  - three pipelined queries: two whole and 5 bytes of the third, then its rest;
  - their answers: one whole, then one whole plus 20 bytes of the last, then the rest.
tcpdump -i lo records it (root). Timestamps and ports differ per run; the oracles are tshark's
on the committed file (scripts/make-golden-cli-cases.sh).
    python3 scripts/record-dns-tcp.py [out.pcap]
"""
import os, signal, socket, struct, subprocess, sys, threading, time

OUT = sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/dns-tcp/dns-tcp.pcap'

def name(n):
    return b''.join(bytes([len(p)]) + p.encode() for p in n.split('.')) + b'\0'

def query(qid, qname, qtype):
    return struct.pack('!6H', qid, 0x0100, 1, 0, 0, 0) + name(qname) + struct.pack('!2H', qtype, 1)

def answer(q, rrs):
    qid = struct.unpack('!H', q[:2])[0]
    body = q[12:]
    out = struct.pack('!6H', qid, 0x8180, 1, len(rrs), 0, 0) + body
    for rtype, rdata in rrs:
        out += struct.pack('!HHHIH', 0xc00c, rtype, 1, 300, len(rdata)) + rdata
    return out

def txt(s):
    b = s.encode()
    return bytes([len(b)]) + b

def framed(m):
    return struct.pack('!H', len(m)) + m

def send_parts(sock, data, cuts):
    last = 0
    for c in cuts + [len(data)]:
        sock.sendall(data[last:c]); last = c
        time.sleep(0.03)

def read_msg(f):
    n = struct.unpack('!H', f.read(2))[0]
    return f.read(n)

def server(ls):
    c, _ = ls.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = c.makefile('rb')
    q1 = read_msg(f)
    # A 3 kB answer: 24 TXT records of 120 bytes, sent in three writes (one cut inside the length prefix).
    r1 = framed(answer(q1, [(16, txt('record %02d ' % i + 'x' * 110)) for i in range(24)]))
    send_parts(c, r1, [1, 1400])
    q2 = read_msg(f); q3 = read_msg(f); q4 = read_msg(f)
    r2 = framed(answer(q2, [(1, bytes([192, 0, 2, 10]))]))
    r3 = framed(answer(q3, [(28, bytes.fromhex('20010db8000000000000000000000010'))]))
    r4 = framed(answer(q4, [(1, bytes([192, 0, 2, 11])), (1, bytes([192, 0, 2, 12]))]))
    # r2 whole, then r3 and the start of r4 in one segment, then the rest of r4.
    send_parts(c, r2 + r3 + r4, [len(r2), len(r2) + len(r3) + 20])
    f.close(); c.close(); ls.close()

def run():
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 53)); ls.listen(1)
    t = threading.Thread(target=server, args=(ls,)); t.start()
    s = socket.create_connection(('127.0.0.1', 53))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    time.sleep(0.05)
    q1 = framed(query(0x1201, 'big.example.test', 16))
    send_parts(s, q1, [2])  # the length prefix alone, then the message
    time.sleep(0.05)
    q2 = framed(query(0x1202, 'a.example.test', 1))
    q3 = framed(query(0x1203, 'b.example.test', 28))
    q4 = framed(query(0x1204, 'c.example.test', 1))
    send_parts(s, q2 + q3 + q4, [len(q2) + len(q3) + 5])  # two and a bit, then the rest
    f = s.makefile('rb')
    for _ in range(4): read_msg(f)
    time.sleep(0.05)
    s.close(); t.join()


dump = subprocess.Popen(['tcpdump', '-i', 'lo', '-U', '-w', OUT, 'tcp port 53'], stderr=subprocess.DEVNULL)
try:
    time.sleep(1.5)
    run()
    time.sleep(0.5)
finally:
    os.kill(dump.pid, signal.SIGTERM)
    dump.wait(10)
