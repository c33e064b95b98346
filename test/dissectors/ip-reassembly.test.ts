/**
 * IPv4/IPv6 fragment reassembly (dissectors/ip-reassembly.ts) on the generated fixture
 * test/fixtures/fidelity/fidelity.pcap (scripts/make-fixture-fidelity.py), against tshark 4.0.17:
 * the field values are the oracle test/golden/fidelity/ip-fragments.tsv (through the CLI, in
 * test/cli/decode-as.test.ts); here the first pass against revisits in any order, the data
 * source of the reassembled bytes, overlaps, and the memory budget.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackets, type Packet } from './golden-fields.ts';
import { createDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { dissectPacket } from '../../electron/engine/dissectors/packet.ts';
import { firstPassContext, revisitContext } from '../../electron/engine/dissectors/context.ts';
import { createConversationTable } from '../../electron/engine/streams/conversations.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { entryBytes, fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { addFragment, createFragmentStore, fragmentStoreOf } from '../../electron/engine/dissectors/ip-reassembly.ts';
import { DEFAULT_LIMITS, ipReassemblyBudget, setEngineLimits } from '../../electron/engine/limits.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';

/** A pcap of `n` first fragments (1480 bytes each, distinct IDs) that never complete. */
function pendingFragments(n: number): Uint8Array {
  const frame = 14 + 20 + 1480;
  const out = new Uint8Array(24 + n * (16 + frame));
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 1, true);
  for (let k = 0; k < n; k++) {
    const p = 24 + k * (16 + frame);
    v.setUint32(p, 1700000000 + k, true);
    v.setUint32(p + 8, frame, true);
    v.setUint32(p + 12, frame, true);
    const e = p + 16;
    v.setUint16(e + 12, 0x0800);
    const ip = e + 14;
    out[ip] = 0x45;
    v.setUint16(ip + 2, 20 + 1480);
    v.setUint16(ip + 4, k & 0xffff);
    v.setUint16(ip + 6, 0x2000); // More Fragments, offset 0
    out[ip + 8] = 64;
    out[ip + 9] = 17;
    out.set([192, 0, 2, 1, 192, 0, 2, (k >> 16) + 2], ip + 12);
  }
  return out;
}

const FIXTURE = join(import.meta.dirname, '../fixtures/fidelity/fidelity.pcap');
const FIELDS = ['frame.protocols', 'ip.fragment', 'ip.reassembled.length', 'ipv6.fragment', 'udp.length', 'dns.id', 'dns.txt', 'icmp.checksum.status', 'udp.stream'];

function line(d: Dissection): string {
  return [d.protocol, d.info, ...FIELDS.map((n) => fieldStrings(d, fieldByName(n)!).join(','))].join('\t');
}

function firstPass(packets: Packet[]) {
  const conv = createConversationTable(packets.length);
  const ctx = firstPassContext(conv, true);
  const d = createDissection();
  const lines = packets.map((p) => {
    dissectPacket(d, p.meta, p.data, ctx);
    return line(d);
  });
  return { conv, lines };
}

describe('IP fragment reassembly', () => {
  const packets = readPackets(FIXTURE);

  it('the completing frame carries the upper layers, as tshark 4.0 shows it', () => {
    const { lines } = firstPass(packets);
    // tshark -r fidelity.pcap: frames 1-2 fragments, 3 the DNS response over three fragments.
    expect(lines[0].split('\t').slice(0, 2)).toEqual(['IPv4', 'Fragmented IP protocol (proto=UDP 17, off=0, ID=0a01)']);
    expect(lines[2].split('\t').slice(0, 7)).toEqual(['DNS', 'Standard query response 0xbeef TXT big.example TXT', 'eth:ethertype:ip:udp:dns', '1,2,3', '3061', '', '3061']);
    // Out of order (last, first, middle): the list is in offset order, #5(1200), #6(1200), #4(600).
    expect(lines[5].split('\t').slice(0, 4)).toEqual(['ICMP', 'Echo (ping) request  id=0x4242, seq=1/256, ttl=64', 'eth:ethertype:ip:icmp:data', '5,6,4']);
    expect(lines[5].split('\t')[9]).toBe('1'); // the checksum is verified over the reassembled message
    expect(lines[6].split('\t')[1]).toBe('Fragmented IP protocol (proto=UDP 17, off=0, ID=0a03)'); // never completed
    expect(lines[10].split('\t').slice(0, 2)).toEqual(['DNS', 'Standard query response 0xcafe TXT big.example TXT']);
    expect(lines[10].split('\t')[5]).toBe('10,11');
  });

  it('revisits in any order give the first pass values', () => {
    const { conv, lines } = firstPass(packets);
    const d = createDissection();
    for (let i = packets.length - 1; i >= 0; i--) {
      dissectPacket(d, packets[i].meta, packets[i].data, revisitContext(conv));
      expect(line(d), `frame ${i + 1}`).toBe(lines[i]);
    }
  });

  it('the upper layers point into a "Reassembled IPv4" data source', () => {
    const { conv } = firstPass(packets);
    const d = createDissection();
    dissectPacket(d, packets[2].meta, packets[2].data, revisitContext(conv));
    const src = d.sources.findIndex((s) => s.name === 'Reassembled IPv4');
    expect(src).toBeGreaterThan(0);
    expect(d.sources[src].bytes.length).toBe(3061);
    const id = d.fid.indexOf(fieldByName('dns.id')!.id);
    expect(d.src[id]).toBe(src);
    // The DNS ID is bytes 8-9 of the UDP datagram: 0xbeef.
    expect([...entryBytes(d, id)]).toEqual([0xbe, 0xef]);
    const udp = d.fid.indexOf(fieldByName('udp.srcport')!.id);
    expect(d.src[udp]).toBe(src);
    // The IP header stays on the frame.
    expect(d.src[d.fid.indexOf(fieldByName('ip.id')!.id)]).toBe(0);
  });

  it('overlapping fragments: the lower offset keeps its bytes, the later one is flagged', () => {
    const s = createFragmentStore(1 << 20);
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(16).fill(2);
    expect(addFragment(s, 'k', 1, 0, true, 17, a, 0, 16, 0, 4, 4)).toBeUndefined();
    const r = addFragment(s, 'k', 2, 8, false, 17, b, 0, 16, 0, 4, 4)!;
    expect(r.length).toBe(24);
    expect([...r.buf.subarray(0, 24)]).toEqual([...new Array(16).fill(1), ...new Array(8).fill(2)]);
    expect(r.pieces.map((p) => [p.frame, p.overlap, p.conflict])).toEqual([[1, false, false], [2, true, true]]);
    // The datagram is no longer pending: the same key starts a new one.
    expect(s.pending.size).toBe(0);
    expect(addFragment(s, 'k', 3, 0, true, 17, a, 0, 16, 0, 4, 4)).toBeUndefined();
    expect(s.pending.size).toBe(1);
  });

  it('the same bytes in an overlap are not a conflict (fixture frames 8-9)', () => {
    const { conv } = firstPass(packets);
    const d = createDissection();
    dissectPacket(d, packets[8].meta, packets[8].data, revisitContext(conv));
    expect(fieldStrings(d, fieldByName('ip.fragment.overlap')!)).toEqual(['1']);
    expect(fieldStrings(d, fieldByName('ip.fragment.overlap.conflict')!)).toEqual([]);
  });

  it('holds at most its budget, then says so and shows later fragments unreassembled', () => {
    expect(ipReassemblyBudget({ maxMemoryMb: 1024, maxTempBytes: 1 })).toBe(64 * 1024 * 1024);
    const conv = createConversationTable(packets.length);
    const store = fragmentStoreOf(conv);
    // Room for the first datagram (3061 bytes and its addresses), not for the echo's 3000 more.
    store.budget = 5000;
    const ctx = firstPassContext(conv, true);
    const d = createDissection();
    const rows = packets.map((p) => {
      dissectPacket(d, p.meta, p.data, ctx);
      return d.protocol;
    });
    expect(rows[2]).toBe('DNS');
    expect(rows[5]).toBe('IPv4');
    expect(store.stopped).toMatch(/^IP fragment reassembly stopped at frame \d+: .* passed 5000 bytes .*--max-memory/);
    expect(store.held).toBeLessThanOrEqual(5000);
    // What was reassembled before the budget ran out is still there on a revisit.
    dissectPacket(d, packets[2].meta, packets[2].data, revisitContext(conv));
    expect(d.protocol).toBe('DNS');
  });

  it('a capture over the budget says so in its warnings and keeps every frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracelens-frag-'));
    try {
      // 64 MB memory limit: a 4 MiB budget, less than 3000 × 1480 bytes of pending fragments.
      setEngineLimits({ maxMemoryMb: 64 });
      const path = join(dir, 'pending.pcap');
      writeFileSync(path, pendingFragments(3000));
      const { capture, indexing } = await openCapture(path);
      await indexing;
      expect(capture.count()).toBe(3000);
      const w = capture.info().warnings.filter((m) => m.startsWith('IP fragment reassembly stopped'));
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/^IP fragment reassembly stopped at frame 2834: .* passed 4 MiB \(1\/16 of the memory limit\)/);
      const d = createDissection();
      capture.dissect(3000, d);
      expect(d.info).toBe('Fragmented IP protocol (proto=UDP 17, off=0, ID=0bb7)');
      capture.close();
    } finally {
      setEngineLimits({ ...DEFAULT_LIMITS, tempDir: undefined });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
