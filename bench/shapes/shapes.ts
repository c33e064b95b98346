/** The nine capture shapes of the shapes suite: how each file is generated and what it is queried with. */
import { writeFileSync } from 'node:fs';
import { closePcapWriter, createPcapWriter, rng } from '../make-pcap.ts';
import { makeScap } from '../make-scap.ts';
import { dnsHeavy } from './gen-dns.ts';
import { http2Connection } from './gen-h2.ts';
import { keepAlive, reordered, shortConnections, upload } from './gen-http.ts';
import { straceLog } from './gen-strace.ts';
import { tlsKeepAlive } from './gen-tls.ts';
import type { Net } from './net.ts';

export interface Generated {
  description: string;
  /** NSS key log written beside the capture, if the shape has one. */
  keylog?: string;
}

export interface Shape {
  id: string;
  name: string;
  ext: 'pcap' | 'strace' | 'scap';
  /** Write about `events` events to `path`. */
  generate(path: string, events: number): Generated;
  /** Source address for the IP filter when the longest stream names none (the suite uses its client's). */
  ipSrc: string;
  /** A process of the generated capture for the proc.name filter (syscall shapes). */
  procName?: string;
  /** Extra tshark options for this shape (decode-as, key log), given the key log path. */
  tshark?(keylog: string | undefined): string[];
}

function pcapShape(path: string, seed: number, body: (net: Net) => string): Generated {
  const w = createPcapWriter(path);
  const net: Net = { w, t: 1_764_572_400_000_000, rnd: rng(seed) };
  const description = body(net);
  closePcapWriter(w);
  return { description };
}

export const SHAPES: Shape[] = [
  { id: 'a', name: 'HTTP/1.1 keep-alive (wrk-like)', ext: 'pcap', ipSrc: '10.1.0.3', generate: (p, n) => pcapShape(p, 1, (net) => keepAlive(net, n)) },
  { id: 'b', name: 'short connections', ext: 'pcap', ipSrc: '10.1.0.3', generate: (p, n) => pcapShape(p, 2, (net) => shortConnections(net, n)) },
  { id: 'c', name: 'one large upload', ext: 'pcap', ipSrc: '10.1.0.1', generate: (p, n) => pcapShape(p, 3, (net) => upload(net, n)) },
  {
    id: 'd',
    name: 'HTTP/2 h2c, one connection',
    ext: 'pcap',
    ipSrc: '10.1.0.1',
    generate: (p, n) => pcapShape(p, 4, (net) => http2Connection(net, n)),
    tshark: () => ['-d', 'tcp.port==8080,http2'],
  },
  {
    id: 'e',
    name: 'TLS 1.3 keep-alive + key log',
    ext: 'pcap',
    ipSrc: '10.1.0.3',
    generate: (p, n) => {
      const keylog: string[] = [];
      const g = pcapShape(p, 5, (net) => tlsKeepAlive(net, n, keylog));
      const keys = p.replace(/\.pcap$/, '.keys');
      writeFileSync(keys, `${keylog.join('\n')}\n`);
      return { ...g, keylog: keys };
    },
    tshark: (keylog) => (keylog ? ['-o', `tls.keylog_file:${keylog}`] : []),
  },
  {
    id: 'f',
    name: 'TCP reordered / retransmitted',
    ext: 'pcap',
    ipSrc: '10.1.0.4',
    generate: (p, n) => pcapShape(p, 6, (net) => reordered(net, n)),
    // tshark reassembles out-of-order segments only when asked to (off by default in 4.0).
    tshark: () => ['-o', 'tcp.reassemble_out_of_order:TRUE'],
  },
  { id: 'g', name: 'DNS-heavy UDP', ext: 'pcap', ipSrc: '10.2.0.3', generate: (p, n) => pcapShape(p, 7, (net) => dnsHeavy(net, n)) },
  { id: 'h', name: 'strace -f -ttt -T -yy -xx', ext: 'strace', ipSrc: '10.1.0.1', generate: (p, n) => ({ description: straceLog(p, n) }) },
  {
    id: 'i',
    name: 'scap (corpus events repeated)',
    ext: 'scap',
    ipSrc: '192.168.0.3',
    procName: 'haproxy',
    generate: (p, n) => ({ description: `${makeScap(p, n, true)} events: 502Error.scap's event blocks repeated, time shifted` }),
  },
];
