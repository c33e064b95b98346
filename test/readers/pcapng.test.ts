/** pcapng specifics on real corpus files: interfaces, sections, NRB, DSB, block sequences. */
import { describe, expect, it } from 'vitest';
import { formatIpv6 } from '../../electron/engine/fields/format.ts';
import { blockTypeName, BT_CB, BT_DCB, createPcapngParser, tsresolUnits } from '../../electron/engine/readers/pcapng.ts';
import { isCaptureName, listCorpus, loadCapture, loadText, run } from './helpers.ts';

/** Interfaces and section facts from the capinfos section of a corpus oracle file. */
function capinfos(text: string): {
  interfaces: { name?: string; linkType: number; snapLen: number; ticks: number }[];
  comments: string[];
  applications: string[];
  ipv4: number;
  ipv6: number;
} | undefined {
  const start = text.indexOf('$ capinfos');
  if (start < 0) return undefined;
  const lines = text.slice(start).split('\n');
  const interfaces: { name?: string; linkType: number; snapLen: number; ticks: number }[] = [];
  const comments: string[] = [];
  const applications: string[] = [];
  let ipv4 = 0;
  let ipv6 = 0;
  let cur: { name?: string; linkType: number; snapLen: number; ticks: number } | undefined;
  let seenIfaces = new Set<number>();
  for (let li = 0; li < lines.length; li++) {
    let line = lines[li];
    if (line.startsWith('###')) break;
    // A name with a CR LF inside continues on the next line.
    while (line.endsWith('\r') && li + 1 < lines.length) line += '\n' + lines[++li];
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^Interface #(\d+) info:/))) {
      // capinfos repeats the whole list for every section: keep the first listing.
      const k = Number(m[1]);
      cur = seenIfaces.has(k) ? undefined : { linkType: -1, snapLen: -1, ticks: -1 };
      seenIfaces.add(k);
      if (cur) interfaces.push(cur);
    } else if (cur && (m = line.match(/^\s+Name = ([^]*)$/))) cur.name = m[1];
    else if (cur && (m = line.match(/^\s+Encapsulation = .*\((\d+) - /))) cur.linkType = Number(m[1]);
    else if (cur && (m = line.match(/^\s+Capture length = (\d+)/))) cur.snapLen = Number(m[1]);
    else if (cur && (m = line.match(/^\s+Time ticks per second = (\d+)/))) cur.ticks = Number(m[1]);
    else if ((m = line.match(/^Capture comment:\s+(.*)$/))) comments.push(m[1]);
    else if ((m = line.match(/^Capture application:\s+(.*)$/))) applications.push(m[1]);
    else if ((m = line.match(/^Number of resolved IPv4 addresses in file: (\d+)/))) ipv4 = Number(m[1]);
    else if ((m = line.match(/^Number of resolved IPv6 addresses in file: (\d+)/))) ipv6 = Number(m[1]);
    else if (line.startsWith('Section ')) seenIfaces = new Set(seenIfaces);
  }
  return { interfaces, comments, applications, ipv4, ipv6 };
}

/** Link type → Wireshark WTAP_ENCAP_* (wiretap/pcap-common.c pcap_to_wtap_map) for the types in the corpus. */
const WTAP_ENCAP: Record<number, number> = { 1: 1, 0: 15, 12: 7, 101: 7, 113: 25 };
const WTAP_FROM: Record<number, boolean> = Object.fromEntries(Object.values(WTAP_ENCAP).map((v) => [v, true]));

const pcapngFiles = listCorpus('pcapng', isCaptureName);

describe('pcapng vs capinfos', () => {
  const withCapinfos = pcapngFiles.filter((f) => {
    try {
      return capinfos(loadText(f + '.oracle.txt')) !== undefined;
    } catch {
      return false;
    }
  });
  it('has oracle files with capinfos', () => {
    expect(withCapinfos.length).toBeGreaterThan(40);
  });
  for (const rel of withCapinfos) {
    it(rel, () => {
      const exp = capinfos(loadText(rel + '.oracle.txt'))!;
      const out = run(loadCapture(rel), 0);
      expect(out.interfaces.map((i) => i.id)).toEqual(out.interfaces.map((_, k) => k));
      // capinfos prints Wireshark's encapsulation numbers, not link types; compare the common ones.
      const encap = (lt: number): number => WTAP_ENCAP[lt] ?? -1;
      expect(out.interfaces.map((i) => ({ name: i.name, encap: encap(i.linkType), snapLen: i.snapLen, ticks: i.tsUnitsPerSec }))).toEqual(
        exp.interfaces.map((i) => ({ name: i.name, encap: i.linkType in WTAP_FROM ? i.linkType : -1, snapLen: i.snapLen, ticks: i.ticks })),
      );
      expect(out.sections.flatMap((s) => s.comments)).toEqual(exp.comments);
      expect(out.names.filter(([a]) => !a.includes(':')).length).toBe(exp.ipv4);
      expect(out.names.filter(([a]) => a.includes(':')).length).toBe(exp.ipv6);
    });
  }
});

const SHORT: Record<string, string> = { 'custom block': 'CB', 'custom block (do not copy)': 'DCB' };

describe('pcapng-test-generator block sequences (testNNN.txt)', () => {
  for (const rel of pcapngFiles.filter((f) => f.includes('pcapng-test-generator'))) {
    it(rel, () => {
      const desc = loadText(rel.replace(/\.pcapng$/, '.txt'));
      const seq = desc.match(/Block sequence: (.*)/)![1].split(', ');
      const out = run(loadCapture(rel), 0);
      expect(out.blocks.map((t) => SHORT[blockTypeName(t)] ?? blockTypeName(t))).toEqual(seq);
      const counts = Object.fromEntries([...desc.matchAll(/^\t(\w+): (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
      expect(out.lines.length).toBe((counts.EPB ?? 0) + (counts.SPB ?? 0));
      expect(out.interfaces.length).toBe(counts.IDB ?? 0);
      expect(out.sections.length).toBe(counts.SHB);
      // Custom blocks are delivered as raw-data records, with a warning naming type, number and offset.
      const custom = out.blocks.filter((t) => t === BT_CB || t === BT_DCB).length;
      expect(out.customBlocks).toBe(custom);
      expect(out.warnings.filter((w) => /^block \d+ \(custom block.*type 0x(00000BAD|40000BAD)\) at byte \d+: custom block of enterprise \d+ shown as raw data/.test(w)).length).toBe(custom);
      if (rel.includes('output_be') && !rel.includes('test202')) expect(out.sections.every((s) => !s.littleEndian)).toBe(true);
      if (rel.includes('output_le') && !rel.includes('test202')) expect(out.sections.every((s) => s.littleEndian)).toBe(true);
    });
  }
  it('test202 mixes byte orders across sections and numbers interfaces globally', () => {
    const out = run(loadCapture('pcapng/pcapng-test-generator/output_le/difficult/test202.pcapng'), 0);
    expect(new Set(out.sections.map((s) => s.littleEndian)).size).toBe(2);
    expect(out.interfaces.map((i) => i.id)).toEqual([0, 1, 2, 3, 4]);
    // Packets of later sections refer to later (global) interface ids (last field of `full`).
    const ids = out.full.map((l) => Number(l.split('\t').at(-1)));
    expect(Math.max(...ids)).toBeGreaterThanOrEqual(2);
  });
});

describe('pcapng blocks', () => {
  it('delivers the Decryption Secrets Blocks of tls12-dsb.pcapng as TLS key logs', () => {
    const got: [number, string][] = [];
    const p = createPcapngParser({ packet() {}, warning() {}, secrets: (t, d) => got.push([t, new TextDecoder().decode(d)]) });
    p.push(loadCapture('pcapng/wireshark/tls12-dsb.pcapng'));
    p.end();
    expect(got.length).toBe(2);
    for (const [type, text] of got) {
      expect(type).toBe(0x544c534b); // 'TLSK' (pcapng draft §4.7 Secrets Types)
      expect(text).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
    }
  });

  it('reports packet comments as tshark does (comments.pcapng)', () => {
    const out = run(loadCapture('pcapng/wireshark/comments.pcapng'), 0);
    expect(out.lines.map((l) => l.split('\t')[4])).toEqual(['', '', 'hello hello', 'goodbye goodbye', '']);
  });

  it('formats IPv6 per RFC 5952', () => {
    const b = new Uint8Array(16);
    expect(formatIpv6(b)).toBe('::');
    b[15] = 1;
    expect(formatIpv6(b)).toBe('::1');
    const c = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(formatIpv6(c)).toBe('2001:db8::1:0:0:1');
  });

  it('knows both if_tsresol forms', () => {
    expect(tsresolUnits(6)).toBe(1e6);
    expect(tsresolUnits(9)).toBe(1e9);
    expect(tsresolUnits(0x80 | 20)).toBe(2 ** 20);
  });
});

// ---- synthetic files for what the corpus lacks: power-of-2 and sub-nanosecond resolutions, offsets

function block(type: number, body: number[]): number[] {
  while (body.length % 4) body.push(0);
  const len = body.length + 12;
  return [...u32(type), ...u32(len), ...body, ...u32(len)];
}
function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
function u16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}
function opt(code: number, value: number[]): number[] {
  const v = [...value];
  while (v.length % 4) v.push(0);
  return [...u16(code), ...u16(value.length), ...v];
}
function shb(): number[] {
  return block(0x0a0d0d0a, [...u32(0x1a2b3c4d), ...u16(1), ...u16(0), ...u32(0xffffffff), ...u32(0xffffffff)]);
}
function idb(tsresol: number, tsoffset: bigint): number[] {
  const off: number[] = [];
  for (let i = 0n; i < 8n; i++) off.push(Number((BigInt.asUintN(64, tsoffset) >> (8n * i)) & 0xffn));
  return block(1, [...u16(1), ...u16(0), ...u32(0), ...opt(9, [tsresol]), ...opt(14, off), ...opt(0, [])]);
}
function epb(iface: number, ts: bigint, data: number[]): number[] {
  return block(6, [...u32(iface), ...u32(Number(ts >> 32n)), ...u32(Number(ts & 0xffffffffn)), ...u32(data.length), ...u32(data.length), ...data]);
}

describe('pcapng timestamps (synthetic)', () => {
  const cases: [number, bigint, bigint][] = [
    [6, 1700000000123456n, 0n],
    [9, 1700000000123456789n, 0n],
    [0x80 | 20, 1700000000n * 1048576n + 524287n, 0n],
    [0x80 | 30, 0xffffffffffffffffn, 0n],
    [0x80 | 40, (1000000n << 40n) + 123456789n, 0n],
    [12, 1700000000123456789012n & 0xffffffffffffffffn, 0n],
    [3, 1700000000123n, -3600n],
    [0, 1700000000n, 86400n],
  ];
  for (const [resol, ts, offset] of cases) {
    it(`if_tsresol 0x${resol.toString(16)} ts ${ts} offset ${offset}`, () => {
      const bytes = Uint8Array.from([...shb(), ...idb(resol, offset), ...epb(0, ts, [1, 2, 3])]);
      const out = run(bytes, 0);
      expect(out.warnings).toEqual([]);
      const units = BigInt(tsresolUnits(resol)!);
      const sec = ts / units + offset;
      const nsec = ((ts % units) * 1000000000n) / units;
      expect(out.lines[0].split('\t')[0]).toBe(`${sec}.${String(nsec).padStart(9, '0')}`);
      expect(run(bytes, 1).full).toEqual(out.full);
    });
  }
});
