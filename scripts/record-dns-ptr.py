#!/usr/bin/env python3
"""Record test/fixtures/dns-ptr/dns-ptr.pcap: reverse lookups (PTR, RFC 1035 §3.5, RFC 3596 §2.5)
asked by dig of a tiny DNS server on loopback, port 19653 (UDP, 127.0.0.1 and ::1; nothing else is
contacted), recorded by tcpdump -i lo (root). The server answers:
  - dig -x 127.0.0.1        1.0.0.127.in-addr.arpa PTR loopback-v4.ptr.test
  - dig -6 -x ::1           1.0…0.ip6.arpa PTR loopback-v6.ptr.test (the query over ::1)
  - dig -x 192.0.2.7        7.2.0.192.IN-ADDR.ARPA PTR doc-net.ptr.test (owner upper-cased)
  - dig -x 2001:db8::1:2    its ip6.arpa name PTR doc-v6.ptr.test
  - dig _http._tcp.ptr.test PTR   a service PTR (not a reverse name: names no address)
  - dig 1.2.in-addr.arpa PTR      a partial reverse name (a /16 zone: names no address)
  - dig 300.2.0.192.in-addr.arpa PTR  an octet over 255 (names no address)
The oracles are tshark's on the committed file (test/names/ptr.test.ts says which).
    python3 scripts/record-dns-ptr.py [out.pcap]
"""
import os, signal, socket, struct, subprocess, sys, threading, time

OUT = sys.argv[1] if len(sys.argv) > 1 else 'test/fixtures/dns-ptr/dns-ptr.pcap'
PORT = 19653

ANSWERS = {
    '1.0.0.127.in-addr.arpa': 'loopback-v4.ptr.test',
    '1.' + '0.' * 31 + 'ip6.arpa': 'loopback-v6.ptr.test',
    '7.2.0.192.in-addr.arpa': 'doc-net.ptr.test',
    '2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': 'doc-v6.ptr.test',
    '_http._tcp.ptr.test': 'web._http._tcp.ptr.test',
    '1.2.in-addr.arpa': 'partial.ptr.test',
    '300.2.0.192.in-addr.arpa': 'bad-octet.ptr.test',
}

def name(n):
    return b''.join(bytes([len(p)]) + p.encode() for p in n.split('.') if p) + b'\0'

def qname(m, p):
    labels = []
    while m[p]:
        labels.append(m[p + 1:p + 1 + m[p]].decode()); p += 1 + m[p]
    return '.'.join(labels), p + 1

def respond(q):
    qid, = struct.unpack('!H', q[:2])
    n, end = qname(q, 12)
    question = q[12:end + 4]
    target = ANSWERS.get(n.lower())
    # Owner: a compression pointer to the question (RFC 1035 §4.1.4); 192.0.2.7's upper-cased instead.
    owner = name(n.upper()) if n.startswith('7.2.0.192') else b'\xc0\x0c'
    rrs = [] if target is None else [owner + struct.pack('!HHIH', 12, 1, 300, len(name(target))) + name(target)]
    flags = 0x8580 if target is not None else 0x8583
    return struct.pack('!6H', qid, flags, 1, len(rrs), 0, 0) + question + b''.join(rrs)

def serve(sock, stop):
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            q, peer = sock.recvfrom(4096)
        except socket.timeout:
            continue
        sock.sendto(respond(q), peer)

def main():
    os.makedirs(os.path.dirname(OUT) or '.', exist_ok=True)
    dump = subprocess.Popen(['tcpdump', '-i', 'lo', '-U', '-w', OUT, f'udp port {PORT}'], stderr=subprocess.DEVNULL)
    stop = threading.Event()
    threads = []
    try:
        time.sleep(1.0)
        for fam, addr in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.bind((addr, PORT))
            t = threading.Thread(target=serve, args=(s, stop)); t.start(); threads.append(t)
        dig = ['dig', '-p', str(PORT), '+tries=1', '+time=2', '+noedns', '+nocookie']
        for args in (['@127.0.0.1', '-x', '127.0.0.1'], ['@::1', '-x', '::1'], ['@127.0.0.1', '-x', '192.0.2.7'],
                     ['@127.0.0.1', '-x', '2001:db8::1:2'], ['@127.0.0.1', '_http._tcp.ptr.test', 'PTR'],
                     ['@127.0.0.1', '1.2.in-addr.arpa', 'PTR'], ['@127.0.0.1', '300.2.0.192.in-addr.arpa', 'PTR']):
            subprocess.run(dig + args, check=True, stdout=subprocess.DEVNULL)
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads: t.join()
        dump.send_signal(signal.SIGINT); dump.wait()
    print(f'wrote {OUT}')

if __name__ == '__main__':
    main()
