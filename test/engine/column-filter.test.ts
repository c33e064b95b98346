/**
 * Filters answered from index columns give exactly the events that re-dissection gives
 * (re-dissection itself is checked against tshark -Y in test/filter/golden.test.ts), and
 * dissect only the events the columns do not describe; `-e` values from the columns are the
 * dissection's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePcapWriter, createPcapWriter, frame, writePacket } from '../../bench/make-pcap.ts';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { compileColumnFilter, columnFields } from '../../electron/engine/filter/column-filter.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import { createExtractor } from '../../electron/engine/filter/extract.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { IP_OTHER, TCP_OTHER } from '../../electron/engine/index/packet-index.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from './corpus.ts';

/** TCP header fields held as columns (packet-index.ts hdrFlags, tcpLen, tcpPorts). */
const TCP_FILTERS = [
  'tcp.flags.syn == 1', 'tcp.flags.syn == 1 and tcp.flags.ack == 0', 'tcp.flags.fin or tcp.flags.reset', 'tcp.flags == 0x018',
  'tcp.flags.push', 'not tcp.flags.ack == 1', 'tcp.flags.ece == 1 or tcp.flags.cwr == 1 or tcp.flags.res == 1 or tcp.flags.ae == 1',
  'tcp.len > 0', 'tcp.len == 0', 'tcp.len > 1000 and tcp.srcport == 80', 'tcp.port == 80', 'tcp.port != 80', 'tcp.port ~= 80',
  'tcp.port in {80, 8080, 443}', 'tcp.port not in {80}', 'tcp.dstport >= 1024', 'tcp.srcport', 'tcp.len', 'tcp.flags.urg == 0',
  'ip.src == 10.0.0.1', 'ip.addr == 192.168.0.0/16', 'ip.dst != 10.0.0.0/8', 'ip.addr ~= 127.0.0.1', 'ip.addr != 127.0.0.1', 'ip.src', 'not ip.dst',
  'ip.src in {10.0.0.1, 192.168.1.1 .. 192.168.1.200}', 'ip.dst > 128.0.0.0 and tcp.srcport < 1024',
];

const CASES: [string, string[]][] = [
  ['pcap/generated/gen-http11-plain.pcap', ['tcp.stream == 1', 'tcp.stream != 0', 'frame.len > 1000', 'frame.number in {1..5, 9}', 'not tcp.stream == 0', 'tcp.stream == 0 xor frame.len < 100', 'udp.stream', 'frame.cap_len <= 66']],
  ['pcap/wireshark/http.pcap', TCP_FILTERS],
  ['pcap/wireshark/dns-ooo.pcap', TCP_FILTERS],
  ['pcap/wireshark/dhcp.pcap', TCP_FILTERS],
  ['pcap/wireshark/gitOverTCP.pcap', TCP_FILTERS],
  ['pcap/wireshark/ipv6.pcap', TCP_FILTERS],
  ['pcap/wireshark/http-ooo.pcap', TCP_FILTERS],
  ['pcap/tcpdump-tests/print-flags.pcap', TCP_FILTERS],
  ['pcap/tcpdump-tests/tcp_header_heapoverflow.pcap', TCP_FILTERS],
  ['pcap/tcpdump-tests/heapoverflow-tcp_print.pcap', TCP_FILTERS],
  ['pcap/tcpdump-tests/pptp.pcap', TCP_FILTERS],
  ['pcap/wireshark/dns-ooo.pcap', ['udp.stream == 0', 'udp.stream in {0, 1}', 'tcp.stream', '!udp.stream == 3']],
  ['scap/xxradar-stratoshark/docker-curl-https.scap', ['evt.type == connect', 'evt.type == connect or evt.type == sendto or evt.type == recvfrom', 'proc.name in {"curl", "wget"}', 'fd.num == 6', 'evt.rawres < 0', 'thread.tid > 0 and evt.cpu == 1', 'fd.name', 'not proc.name == "curl"', 'evt.type != read']],
  ['strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt', ['evt.type == connect', 'fd.num == 5', 'evt.latency > 1000', 'evt.type in {"read", "write"}', 'proc.pid == 12167']],
];

describe('index-column filters agree with re-dissection', () => {
  for (const [rel, filters] of CASES) {
    it(rel, async () => {
      const { capture, indexing } = await openCapture(join(CORPUS, rel));
      await indexing;
      const cols = columnFields(capture.internals());
      const d = createDissection();
      for (const f of filters) {
        const c = compileFilterText(f);
        if (!c.ok) throw new Error(`${f}: ${c.errors[0].message}`);
        expect(compileColumnFilter(c.ast, cols), `${f} should be answered from columns`).not.toBeNull();
        const slow: number[] = [];
        for (let e = 1; e <= capture.count(); e++) {
          capture.dissect(e, d);
          if (c.predicate(d)) slow.push(e);
        }
        const fast = await runFilter(capture, f);
        if (!fast.ok) throw new Error('filter failed');
        expect(fast.indexed, f).toBe(true);
        expect([...fast.events], f).toEqual(slow);
        // Only packets whose TCP headers the columns do not describe are dissected.
        expect(fast.dissected, f).toBe(others(capture, c.fields));
      }
      capture.close();
    });
  }
});

/** Packets whose TCP (fields `tcp.*`) or IPv4 (`ip.*`) headers the columns do not describe. */
function others(capture: Capture, fields: readonly string[]): number {
  const x = capture.internals();
  if (x.kind !== 'packets') return 0;
  const mark = (fields.some((f) => f.startsWith('tcp.')) ? TCP_OTHER : 0) | (fields.some((f) => f.startsWith('ip.')) ? IP_OTHER : 0);
  let n = 0;
  for (let i = 0; i < x.index.hdrFlags.length; i++) if (x.index.hdrFlags.data[i] & mark) n++;
  return n;
}

describe('-e values from the columns are the dissection\'s', () => {
  const FIELDS = ['frame.number', 'frame.len', 'tcp.stream', 'udp.stream', 'tcp.flags', 'tcp.flags.syn', 'tcp.len', 'tcp.srcport', 'tcp.port', 'ip.src', 'ip.addr'];
  for (const rel of ['pcap/wireshark/http.pcap', 'pcap/wireshark/dns-ooo.pcap', 'pcap/tcpdump-tests/tcp_header_heapoverflow.pcap', 'pcap/tcpdump-tests/print-flags.pcap', 'pcap/wireshark/ipv6.pcap']) {
    it(rel, async () => {
      const { capture, indexing } = await openCapture(join(CORPUS, rel));
      await indexing;
      const defs = FIELDS.map((f) => fieldByName(f)!);
      const ex = createExtractor(capture, defs);
      const d = createDissection();
      for (let e = 1; e <= capture.count(); e++) {
        capture.dissect(e, d);
        expect(ex.values(e), `${rel} event ${e}`).toEqual(defs.map((f) => fieldStrings(d, f)));
      }
      expect(ex.dissected).toBe(others(capture, FIELDS));
      capture.close();
    });
  }
  it('dissects only what the asked fields need', async () => {
    const { capture, indexing } = await openCapture(join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    await indexing;
    const ex = createExtractor(capture, [fieldByName('frame.number')!, fieldByName('tcp.stream')!]);
    for (let e = 1; e <= capture.count(); e++) ex.values(e);
    expect(ex.dissected).toBe(0);
    const withIp = createExtractor(capture, [fieldByName('frame.number')!, fieldByName('ip.ttl')!]);
    for (let e = 1; e <= capture.count(); e++) withIp.values(e);
    expect(withIp.dissected).toBe(capture.count());
    capture.close();
  });
});

describe('packets with headers the columns do not describe are re-dissected, only they', () => {
  it('an ICMP error quoting an IPv4 + TCP header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracelens-colf-'));
    try {
      const path = join(dir, 'icmp-quote.pcap');
      const w = createPcapWriter(path);
      const A = 0x0a000001;
      const B = 0xc0a80102;
      const syn = frame(6, A, B, 40000, 80, new Uint8Array(0), { seq: 1, ack: 0, flags: 0x02 });
      writePacket(w, 1, syn);
      writePacket(w, 2, frame(6, B, A, 80, 40000, new TextEncoder().encode('hello'), { seq: 9, ack: 2, flags: 0x18 }));
      // ICMP destination unreachable (RFC 792) from B's router quoting the whole SYN's IP + TCP headers.
      const quoted = syn.subarray(14, 14 + 40);
      const icmp = frame(17, 0xc0a80101, A, 0, 0, new Uint8Array(8 + quoted.length));
      icmp[14 + 9] = 1; // protocol ICMP instead of UDP
      icmp.set([3, 3, 0, 0, 0, 0, 0, 0], 14 + 20);
      icmp.set(quoted, 14 + 28);
      writePacket(w, 3, icmp.subarray(0, 14 + 28 + quoted.length));
      writePacket(w, 4, frame(17, A, B, 5353, 53, new Uint8Array(12)));
      closePcapWriter(w);
      const { capture, indexing } = await openCapture(path);
      await indexing;
      const d = createDissection();
      for (const f of ['ip.src == 10.0.0.1', 'ip.addr == 192.168.1.2', 'ip.dst == 10.0.0.1', 'ip.src == 192.168.0.0/16', 'tcp.flags.syn == 1', 'tcp.port == 80', 'tcp.len == 0']) {
        const c = compileFilterText(f);
        if (!c.ok) throw new Error(f);
        const slow: number[] = [];
        for (let e = 1; e <= capture.count(); e++) {
          capture.dissect(e, d);
          if (c.predicate(d)) slow.push(e);
        }
        const fast = await runFilter(capture, f);
        if (!fast.ok) throw new Error(f);
        expect([...fast.events], f).toEqual(slow);
        // Two IPv4 headers in the ICMP error: its ip.* values are not the columns'.
        expect(fast.dissected, f).toBe(f.startsWith('ip.') ? 1 : 0);
      }
      capture.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('frame contains LITERAL searches the captured bytes without dissecting', () => {
  for (const rel of ['pcap/wireshark/http.pcap', 'pcap/generated/gen-http11-plain.pcap', 'pcap/wireshark/dns-ooo.pcap', 'pcap/tcpdump-tests/tcp_header_heapoverflow.pcap']) {
    it(rel, async () => {
      const { capture, indexing } = await openCapture(join(CORPUS, rel));
      await indexing;
      const d = createDissection();
      for (const f of ['frame contains "GET"', 'frame contains "HTTP/1.1 200"', 'frame contains 00:50', 'frame contains "\\x0d\\x0a\\x0d\\x0a"']) {
        const c = compileFilterText(f);
        if (!c.ok) throw new Error(`${f}: ${c.errors[0].message}`);
        const slow: number[] = [];
        for (let e = 1; e <= capture.count(); e++) {
          capture.dissect(e, d);
          if (c.predicate(d)) slow.push(e);
        }
        const fast = await runFilter(capture, f);
        if (!fast.ok) throw new Error(f);
        expect([...fast.events], f).toEqual(slow);
        expect(fast.dissected, f).toBe(0);
      }
      capture.close();
    });
  }
});
