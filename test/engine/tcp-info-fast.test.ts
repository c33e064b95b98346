/**
 * The Info page's TCP rows without a dissection (index/packet-capture.ts internals().tcpInfo,
 * dissectors/fixed-tcp.ts fixedTcpInfo) on frames made for the edges of TCP's Info text: the
 * options (MSS, WS, SACK_PERM, SACK blocks, timestamps, NOP/EOL, a bad option length), Urg, a
 * window scaled after the handshake, Ethernet padding, a zero IPv4 total length (TSO), a header
 * cut by the snap length, DNS over TCP and a Decode As rule (whose payload dissector writes its
 * own Info). Every row's page Info equals `cells`'; the rows that must be dissected are, and
 * only they.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { infoWork, openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { setDecodeAs } from '../../electron/engine/dissectors/table.ts';

interface Seg {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  win?: number;
  urg?: number;
  options?: number[];
  payload?: number[];
  /** Bytes after the IP datagram (Ethernet padding). */
  pad?: number;
  /** IPv4 total length written as 0 (a TSO capture). */
  zeroTotal?: boolean;
  /** Bytes captured of the frame (the rest is on the wire only). */
  snap?: number;
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;
const URG = 0x20;

/** Ethernet II → IPv4 (20 bytes) → TCP with `options` (padded to 4 bytes) and `payload`. */
function tcpFrame(s: Seg): { bytes: Buffer; origLen: number } {
  const opts = [...(s.options ?? [])];
  while (opts.length % 4 !== 0) opts.push(0);
  const payload = s.payload ?? [];
  const tcpLen = 20 + opts.length + payload.length;
  const b = Buffer.alloc(14 + 20 + tcpLen + (s.pad ?? 0));
  b.set([2, 0, 0, 0, 0, 0x0a, 2, 0, 0, 0, 0, 0x0b], 0);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(s.zeroTotal ? 0 : 20 + tcpLen, 16);
  b[22] = 64;
  b[23] = 6;
  b.writeUInt32BE(s.src >>> 0, 26);
  b.writeUInt32BE(s.dst >>> 0, 30);
  const t = 34;
  b.writeUInt16BE(s.sport, t);
  b.writeUInt16BE(s.dport, t + 2);
  b.writeUInt32BE(s.seq >>> 0, t + 4);
  b.writeUInt32BE(s.ack >>> 0, t + 8);
  b[t + 12] = ((20 + opts.length) / 4) << 4;
  b[t + 13] = s.flags;
  b.writeUInt16BE(s.win ?? 1000, t + 14);
  b.writeUInt16BE(s.urg ?? 0, t + 18);
  b.set(opts, t + 20);
  b.set(payload, t + 20 + opts.length);
  return { bytes: s.snap === undefined ? b : b.subarray(0, s.snap), origLen: b.length };
}

/** A classic pcap (µs, Ethernet) of the frames, with their captured and wire lengths. */
function writePcap(path: string, frames: { bytes: Buffer; origLen: number }[]): void {
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16);
  hdr.writeUInt32LE(1, 20);
  const parts: Uint8Array[] = [hdr];
  frames.forEach((f, k) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000, 0);
    rec.writeUInt32LE(k, 4);
    rec.writeUInt32LE(f.bytes.length, 8);
    rec.writeUInt32LE(f.origLen, 12);
    parts.push(rec, f.bytes);
  });
  writeFileSync(path, Buffer.concat(parts));
}

const A = 0x0a000001;
const B = 0x0a000002;
const MSS = [2, 4, 0x05, 0xb4];
const WS7 = [3, 3, 7];
const SACK_PERM = [4, 2];
const ts = (v: number, e: number): number[] => [8, 10, v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255, e >>> 24, (e >>> 16) & 255, (e >>> 8) & 255, e & 255];
const be32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** The frames, and for each whether its Info must come from a dissection. */
function frames(): { seg: Seg; dissected: boolean }[] {
  const c = { src: A, dst: B, sport: 40000, dport: 8080 };
  const s = { src: B, dst: A, sport: 8080, dport: 40000 };
  const fast = (seg: Seg): { seg: Seg; dissected: boolean } => ({ seg, dissected: false });
  return [
    fast({ ...c, seq: 1000, ack: 0, flags: SYN, win: 64240, options: [...MSS, ...SACK_PERM, ...ts(11, 0), 1, ...WS7] }),
    fast({ ...s, seq: 5000, ack: 1001, flags: SYN | ACK, win: 65160, options: [...MSS, ...SACK_PERM, ...ts(22, 11), 1, ...WS7] }),
    fast({ ...c, seq: 1001, ack: 5001, flags: ACK, win: 502, options: [1, 1, ...ts(12, 22)] }),
    fast({ ...c, seq: 1001, ack: 5001, flags: PSH | ACK, win: 502, payload: [...Buffer.from('hello\n')] }),
    // SACK blocks acknowledge the client's bytes: relative to its base.
    fast({ ...s, seq: 5001, ack: 1001, flags: ACK, win: 509, options: [1, 1, 5, 18, ...be32(1007), ...be32(1010), ...be32(1020), ...be32(1030)] }),
    fast({ ...c, seq: 1007, ack: 5001, flags: URG | ACK, urg: 3, payload: [1, 2, 3] }),
    fast({ ...s, seq: 5001, ack: 1010, flags: ACK, pad: 6 }),
    fast({ ...c, seq: 1010, ack: 5001, flags: PSH | ACK, payload: [...Buffer.from('world\n')], zeroTotal: true }),
    // An option of bad length ends the option texts (and the tree's options) there.
    fast({ ...s, seq: 5001, ack: 1016, flags: ACK, options: [...ts(23, 12), 1, 3, 9, 0] }),
    // EOL ends the list: the timestamp after it is not an option.
    fast({ ...c, seq: 1016, ack: 5001, flags: ACK, options: [1, 0, 0, 0, ...ts(13, 23)] }),
    fast({ ...c, seq: 1016, ack: 5001, flags: FIN | ACK }),
    fast({ ...s, seq: 5001, ack: 1017, flags: FIN | ACK }),
    // Cut by the snap length inside the options: dissected (the tree shows what was captured).
    { seg: { ...c, seq: 1017, ack: 5002, flags: ACK, options: [1, 1, ...ts(14, 24)], snap: 14 + 20 + 24 }, dissected: true },
    // DNS over TCP: its dissector writes the Info.
    { seg: { src: A, dst: B, sport: 40001, dport: 53, seq: 1, ack: 1, flags: PSH | ACK, payload: [0, 12, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0] }, dissected: true },
    fast({ src: B, dst: A, sport: 53, dport: 40001, seq: 1, ack: 15, flags: ACK }),
  ];
}

async function pageAndCells(path: string): Promise<{ page: string[]; cells: string[]; tcp: number; dissected: number }> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  try {
    const s = openSession(capture);
    scanHttpNow(s);
    const n = s.capture.count();
    const info = s.capture.columns().findIndex((c) => c.id === 'info');
    const tcp0 = infoWork.tcp;
    const cells0 = infoWork.cells;
    const p = s.capture.cellTexts?.('info', 0, n);
    if (!p) throw new Error('no Info page');
    const tcp = infoWork.tcp - tcp0;
    const dissected = infoWork.cells - cells0;
    const row: string[] = [];
    const cells: string[] = [];
    for (let ev = 1; ev <= n; ev++) {
      s.capture.cells(ev, row);
      cells.push(row[info]);
    }
    return { page: [...p.ids].map((id) => p.dict[id]), cells, tcp, dissected };
  } finally {
    capture.close();
  }
}

describe('TCP Info rows without a dissection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracelens-tcpinfo-'));
  afterEach(() => setDecodeAs([]));

  it('equal the dissection on every edge of the text; the others are dissected', async () => {
    const fs = frames();
    const path = join(dir, 'edges.pcap');
    writePcap(path, fs.map((f) => tcpFrame(f.seg)));
    const r = await pageAndCells(path);
    expect(r.page).toEqual(r.cells);
    expect(r.dissected).toBe(fs.filter((f) => f.dissected).length);
    expect(r.tcp).toBe(fs.filter((f) => !f.dissected).length);
    // The texts the cases are for, as tshark 4.0 prints them (after any analysis tags).
    const own = r.cells.map((t) => t.replace(/^(\[TCP [^\]]+\] )+/, ''));
    expect(own[0]).toBe('40000 \u2192 8080 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=11 TSecr=0 WS=128');
    expect(own[2]).toBe('40000 \u2192 8080 [ACK] Seq=1 Ack=1 Win=64256 Len=0 TSval=12 TSecr=22');
    expect(own[4]).toBe('8080 \u2192 40000 [ACK] Seq=1 Ack=1 Win=65152 Len=0 SLE=7 SRE=10 SLE=20 SRE=30');
    expect(own[5]).toBe('40000 \u2192 8080 [ACK, URG] Seq=7 Ack=1 Win=128000 Urg=3 Len=3');
    expect(own[7]).toMatch(/ Len=6$/);
    expect(own[8]).toMatch(/ TSval=23 TSecr=12$/);
    expect(own[9]).toMatch(/ Len=0$/);
  });

  it('a Decode As rule on the port sends the rows with payload to the dissection', async () => {
    const fs = frames();
    const path = join(dir, 'decode-as.pcap');
    writePcap(path, fs.map((f) => tcpFrame(f.seg)));
    expect(setDecodeAs([{ table: 'tcp.port', value: 8080, protocol: 'data' }])).toEqual([]);
    const r = await pageAndCells(path);
    expect(r.page).toEqual(r.cells);
    // The client's three data segments to port 8080: dissected now.
    const withPayload = fs.filter((f) => f.dissected || (f.seg.payload?.length ?? 0) > 0).length;
    expect(r.dissected).toBe(withPayload);
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
