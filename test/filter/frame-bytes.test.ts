/**
 * `frame contains` / `frame matches` answered by a scan of the file's bytes (filter/frame-bytes.ts)
 * must give exactly what a dissection of every frame and the compiled predicate give: on every
 * corpus pcap and pcapng for a handful of needles and patterns, and on synthetic files built so
 * that needles straddle record boundaries (the frame's end and the next record's header), lie only
 * in record headers, block padding, options or other blocks (no frame holds them), sit at a frame's
 * first or last byte, at the file's end, and in a frame larger than a scan window. The work is
 * counted: bytes read ≈ the file's size, no frame dissected, RE2 run once per frame at most.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frame } from '../../bench/make-pcap.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import { CASELESS_WINDOW, FRAME_WINDOW, frameScanWork, literalPattern } from '../../electron/engine/filter/frame-bytes.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { corpusFiles } from '../engine/corpus.ts';

const enc = new TextEncoder();
const dir = mkdtempSync(join(tmpdir(), 'frame-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The events a dissection of every frame and the compiled predicate keep (today's answer). */
function slowAnswer(capture: Capture, text: string): number[] {
  const c = compileFilterText(text);
  if (!c.ok) throw new Error(`${text}: ${c.errors[0].message}`);
  const d = createDissection();
  const out: number[] = [];
  for (let e = 1; e <= capture.count(); e++) {
    capture.dissect(e, d);
    if (c.predicate(d)) out.push(e);
  }
  return out;
}

async function open(path: string): Promise<Capture> {
  const o = await openCapture(path);
  await o.indexing;
  return o.capture;
}

/** The scan's answer, checked to dissect nothing where no other field needs a dissection. */
async function fastAnswer(capture: Capture, text: string, dissects = false): Promise<number[]> {
  const r = await runFilter(capture, text);
  if (!r.ok) throw new Error(`${text}: ${r.errors[0].message}`);
  if (!dissects) expect(r.dissected, text).toBe(0);
  return [...r.events];
}

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

describe('literal patterns', () => {
  it('only printable ASCII without metacharacters is a literal', () => {
    expect(literalPattern('GET')).toBe('GET');
    expect(literalPattern('HTTP/1\\.1 200')).toBe('HTTP/1.1 200');
    expect(literalPattern('a-b_c:d=e,f')).toBe('a-b_c:d=e,f');
    for (const p of ['^GET', 'a.b', 'a+', 'a?', '(?-i)GET', 'a|b', '[ab]', 'a{2}', '\\d', '\\x41', 'é', 'end$', 'tab\t']) expect(literalPattern(p), p).toBeUndefined();
  });
});

describe('frame byte terms equal a dissection of every frame', () => {
  const FILES = [...corpusFiles('pcap', (n) => /\.(pcap|cap)$/.test(n)), ...corpusFiles('pcapng', (n) => n.endsWith('.pcapng'))];

  it('on every corpus pcap and pcapng', async () => {
    expect(FILES.length).toBeGreaterThan(3);
    let matched = 0;
    for (const file of FILES) {
      const capture = await open(file);
      const n = capture.count();
      const x = capture.internals();
      if (x.kind !== 'packets' || n === 0) continue;
      // Needles from the capture itself: a frame's first and last bytes, and bytes across the
      // boundary of two records (the end of one frame, the start of the next).
      const a = x.frameBytes(1);
      const b = x.frameBytes(n);
      const a2 = x.frameBytes(Math.min(2, n));
      const mine = [
        ...(a.length >= 6 ? [`frame contains ${hex(a.subarray(0, 6))}`] : []),
        ...(b.length >= 5 ? [`frame contains ${hex(b.subarray(b.length - 5))}`] : []),
        ...(a.length >= 2 && a2.length >= 2 ? [`frame contains ${hex(a.subarray(a.length - 2))}:${hex(a2.subarray(0, 2))}`] : []),
      ];
      const filters = [
        ...mine,
        'frame contains "HTTP"',
        'frame contains "GET"',
        'frame contains "\\r\\n\\r\\n"',
        'frame contains 00:00:00:00',
        'frame contains 45:00',
        'frame matches "http/1\\\\.[01]"',
        'frame matches "host"',
        'frame matches "HTTP/1\\\\.1 200"',
        'frame matches "content-length: [0-9]+"',
        'frame matches "^\\\\x00"',
        'frame contains "GET" and tcp.stream == 0',
        'not frame contains "HTTP" and tcp',
        'frame contains "HTTP" or frame matches "dns"',
        'frame contains "HTTP" xor frame.len > 100',
      ];
      for (const f of filters) {
        const want = slowAnswer(capture, f);
        // `tcp` (the protocol) is no column: that filter is dissected, with the term read per frame.
        expect(await fastAnswer(capture, f, f.endsWith('and tcp')), `${file}: ${f}`).toEqual(want);
        matched += want.length;
      }
      // A term beside a field the columns lack: only frames holding the needle are dissected.
      const f = 'frame contains "HTTP" and http.request';
      const r = await runFilter(capture, f);
      if (!r.ok) throw new Error(f);
      expect([...r.events], `${file}: ${f}`).toEqual(slowAnswer(capture, f));
      expect(r.dissected, `${file}: ${f}`).toBe((await fastAnswer(capture, 'frame contains "HTTP"')).length);
      capture.close();
    }
    expect(matched).toBeGreaterThan(1000);
  }, 600_000);
});

/** A pcap record: ts_sec, ts_usec, incl_len, orig_len (little-endian, pcap-savefile(5)) and the bytes. */
function record(tsSec: number, bytes: Uint8Array, origLen = bytes.length): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(tsSec, 0);
  h.writeUInt32LE(0, 4);
  h.writeUInt32LE(bytes.length, 8);
  h.writeUInt32LE(origLen, 12);
  return Buffer.concat([h, bytes]);
}

/** The pcap file header: magic, version 2.4, snaplen, LINKTYPE_ETHERNET. */
function pcapHeader(snap: number): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snap, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

// Every record header starts with ts_sec 0x4b4e5352: the bytes "RSNK", found in no frame.
const TS = 0x4b4e5352;
const FRAMES = 20_000;
const BIG = 10_001;
const BIG_BYTES = FRAME_WINDOW + (1 << 20);

describe('a synthetic pcap larger than a window', () => {
  const path = join(dir, 'bytes.pcap');
  const qzrs: number[] = [];
  const parts: Buffer[] = [pcapHeader(16 << 20)];
  for (let e = 1; e <= FRAMES + 1; e++) {
    if (e === BIG) {
      // A raw Ethernet frame (local experimental ethertype 0x88b5) larger than a scan window.
      const big = Buffer.alloc(BIG_BYTES, 0x61);
      big.writeUInt16BE(0x88b5, 12);
      big.write('BIGEND', BIG_BYTES - 6, 'latin1');
      parts.push(record(TS, big));
      continue;
    }
    // Every frame ends in "QZ", so "QZRS" straddles every record boundary; every seventh also
    // holds it inside, after the straddling occurrence before it in the file.
    const inside = e % 7 === 0;
    if (inside) qzrs.push(e);
    const text = `${e % 5 === 0 ? 'GET /x HTTP/1.1\r\n' : 'data '}${e}${inside ? ' QZRS ' : ' '}${'.'.repeat(200 + (e % 13))}${e === FRAMES + 1 ? 'TAIL!' : 'QZ'}`;
    const f = frame(6, 0x0a000001, 0x0a000002, 40000 + (e % 4), 80, enc.encode(text), { seq: e, ack: 1, flags: 0x18 });
    // Frame 3 starts with a destination MAC no other frame has.
    if (e === 3) f.set([0x0e, 0xad, 0xbe, 0xef, 0x00, 0x03], 0);
    parts.push(record(TS, f, e === 9 ? f.length + 100 : f.length));
  }
  writeFileSync(path, Buffer.concat(parts));
  const last = FRAMES + 1;
  const all = Array.from({ length: last }, (_, k) => k + 1);
  const cases: [string, number[]][] = [
    ['frame contains "QZRS"', qzrs],
    ['frame matches "qzrs"', qzrs],
    ['frame matches "q[z]rs"', qzrs],
    ['frame contains "RSNK"', []],
    ['frame matches "rsnk"', []],
    ['frame contains "QZRSNK"', []],
    ['frame contains "QZ"', all.filter((e) => e !== BIG && e !== last)],
    ['frame contains "TAIL!"', [last]],
    ['frame matches "tail!"', [last]],
    ['frame contains 0e:ad:be:ef:00:03', [3]],
    // The end of record 3's header (orig_len's high bytes) then frame 3's first bytes: in no frame.
    ['frame contains 00:00:0e:ad:be:ef', []],
    ['frame contains "BIGEND"', [BIG]],
    ['frame matches "big[e]nd"', [BIG]],
    ['frame contains "QZRS" and tcp.srcport == 40001', qzrs.filter((e) => e % 4 === 1)],
    ['not frame contains "QZRS"', all.filter((e) => !qzrs.includes(e))],
    ['frame contains "GET" or frame contains "BIGEND"', all.filter((e) => (e % 5 === 0 && e !== BIG) || e === BIG)],
  ];

  it('matches exactly the frames holding the needle, as a dissection does', async () => {
    const capture = await open(path);
    expect(capture.count()).toBe(last);
    for (const [f, want] of cases) {
      expect(await fastAnswer(capture, f), f).toEqual(want);
      expect(slowAnswer(capture, f), `${f} (dissected)`).toEqual(want);
    }
    capture.close();
  }, 600_000);

  it('reads the file about once, dissects nothing, and runs RE2 once per frame', async () => {
    const capture = await open(path);
    const size = statSync(path).size;
    for (const f of ['frame contains "QZRS"', 'frame matches "qzrs"', 'frame contains "nowhere"', 'frame matches "q[z]rs"']) {
      Object.assign(frameScanWork, { reads: 0, bytes: 0, searches: 0, regexFrames: 0, probes: 0 });
      const r = await runFilter(capture, f);
      if (!r.ok) throw new Error(f);
      expect(r.dissected, f).toBe(0);
      // The frames' bytes and the headers between them, once: never more than the file.
      expect(frameScanWork.bytes, f).toBeLessThanOrEqual(size);
      expect(frameScanWork.bytes, f).toBeGreaterThan(size - 24 - 16 * last - 1);
      if (f.includes('[')) {
        expect(frameScanWork.regexFrames, f).toBe(last);
        expect(frameScanWork.searches, f).toBe(0);
        continue;
      }
      expect(frameScanWork.regexFrames, f).toBe(0);
      // Windows of FRAME_WINDOW bytes (CASELESS_WINDOW for a caseless literal), and the big frame alone.
      const window = f.includes('matches') ? CASELESS_WINDOW : FRAME_WINDOW;
      expect(frameScanWork.reads, f).toBeLessThanOrEqual(Math.ceil(size / (window - 512)) + 2);
      // A search per match, per straddling occurrence (one a frame here) and one per window.
      expect(frameScanWork.searches, f).toBeLessThanOrEqual(r.events.length + last + frameScanWork.reads);
      if (f.includes('nowhere')) expect(frameScanWork.searches, f).toBe(frameScanWork.reads);
    }
    capture.close();
  }, 600_000);
});

/** A pcapng block: type, total length, body padded to 32 bits, total length again (little-endian). */
function block(type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const b = Buffer.alloc(12 + padded.length);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(b.length, 4);
  padded.copy(b, 8);
  b.writeUInt32LE(b.length, b.length - 4);
  return b;
}

/** An option: code, length, value padded to 32 bits. */
function option(code: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(code, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

describe('a synthetic pcapng', () => {
  it('finds no needle in headers, padding, options or other blocks, and every one in frames', async () => {
    const path = join(dir, 'bytes.pcapng');
    const shb = Buffer.alloc(16);
    shb.writeUInt32LE(0x1a2b3c4d, 0);
    shb.writeUInt16LE(1, 4);
    shb.writeBigInt64LE(-1n, 8);
    const idb = Buffer.alloc(8);
    idb.writeUInt16LE(1, 0);
    idb.writeUInt32LE(65535, 4);
    const parts = [block(0x0a0d0d0a, shb), block(1, idb)];
    const frames: Buffer[] = [];
    for (let e = 1; e <= 40; e++) {
      // Odd lengths (the block pads them); frames end in "QZ" before the padding.
      const f = Buffer.from(frame(17, 0x0a000001, 0x0a000003, 40000, 9999, enc.encode(`pkt ${e} ${'-'.repeat(e % 4)}${e % 6 === 0 ? 'SPOT' : ''}QZ`)));
      frames.push(f);
      if (e === 20) {
        // A simple packet block (original length, then the bytes), and an interface statistics
        // block whose comment holds "SECRET" between two packets.
        const spb = Buffer.alloc(4);
        spb.writeUInt32LE(f.length, 0);
        parts.push(block(3, Buffer.concat([spb, f])));
        parts.push(block(5, Buffer.concat([Buffer.alloc(12), option(1, Buffer.from('SECRET SECRET')), option(0, Buffer.alloc(0))])));
        continue;
      }
      const epb = Buffer.alloc(20);
      epb.writeUInt32LE(0, 0);
      epb.writeUInt32LE(0, 4);
      epb.writeUInt32LE(1000 + e, 8);
      epb.writeUInt32LE(f.length, 12);
      epb.writeUInt32LE(f.length, 16);
      const padded = Buffer.concat([f, Buffer.alloc((4 - (f.length % 4)) % 4)]);
      // opt_comment "SECRET" after some frames; opt_endofopt.
      const opts = e % 3 === 0 ? Buffer.concat([option(1, Buffer.from('SECRET')), option(0, Buffer.alloc(0))]) : Buffer.alloc(0);
      parts.push(block(6, Buffer.concat([epb, padded, opts])));
    }
    writeFileSync(path, Buffer.concat(parts));
    const capture = await open(path);
    expect(capture.count()).toBe(40);
    const spot = frames.flatMap((_, k) => ((k + 1) % 6 === 0 ? [k + 1] : []));
    const cases: [string, number[]][] = [
      ['frame contains "SECRET"', []],
      ['frame matches "secret"', []],
      ['frame contains "SPOT"', spot],
      ['frame matches "spotqz"', spot],
      ['frame contains "QZ"', frames.map((_, k) => k + 1)],
      // "QZ" then padding zeros or the block's trailing length: never inside a frame.
      ['frame contains 51:5a:00', []],
      ['frame matches "pkt 2[0]"', [20]],
      ['frame contains "pkt 20 "', [20]],
    ];
    for (const [f, want] of cases) {
      expect(await fastAnswer(capture, f), f).toEqual(want);
      expect(slowAnswer(capture, f), `${f} (dissected)`).toEqual(want);
    }
    capture.close();
  }, 120_000);
});
