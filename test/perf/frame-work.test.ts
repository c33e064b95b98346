/**
 * The work of column- and byte-answered packet filters, counted, not timed (issue 10): TCP
 * header and stream filters dissect nothing; `frame contains` reads the file in large windows and
 * searches each natively a bounded number of times (not once per frame), and an occurrence that
 * crosses a record boundary matches neither frame; `-e` values of column fields come packed
 * (three objects per page, whatever its rows) and equal the unpacked ones; as `-T fields` lines
 * they are written to one byte page straight from the columns, equal to fieldsLine of the values
 * in every -E style.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePcapWriter, createPcapWriter, frame, writePacket } from '../../bench/make-pcap.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import { createExtractor } from '../../electron/engine/filter/extract.ts';
import { FRAME_WINDOW as CONTAINS_WINDOW, frameScanWork as containsWork } from '../../electron/engine/filter/frame-bytes.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { fieldByName, type FieldDef } from '../../electron/engine/fields/registry.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { createPackedBuilder, packedValues, unpackRows } from '../../shared/packed-values.ts';
import { createLinesBuilder, fieldsLine, linesBytes, type LineStyle } from '../../shared/field-lines.ts';

const A = 0x0a000001;
const B = 0x0a000002;
const PACKETS = 20_000;
const enc = new TextEncoder();
let dir = '';
let path = '';
let capture: Capture;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perf-frame-work-'));
  path = join(dir, 'work.pcap');
  const w = createPcapWriter(path);
  for (let k = 0; k < PACKETS; k++) {
    const stream = k % 16;
    // Every third frame carries a request; every frame's payload ends in "XY" and the next
    // record starts with its header, so "XY" + header bytes occur only across a boundary.
    const body = k % 3 === 0 ? `GET /${k} HTTP/1.1\r\nHost: h\r\n\r\nXY` : `data ${k} XY`;
    const flags = k < 16 ? 0x02 : 0x18;
    writePacket(w, 1000 + k, frame(6, A, B, 40000 + stream, 80, enc.encode(body), { seq: 1 + k, ack: 1, flags }));
  }
  closePcapWriter(w);
  const opened = await openCapture(path);
  await opened.indexing;
  capture = opened.capture;
});

afterAll(() => {
  capture?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('packet filters count their work', () => {
  it('TCP header and stream filters dissect no packet', async () => {
    for (const f of ['tcp.flags.syn == 1', 'tcp.len > 20', 'tcp.stream == 5', 'tcp.port == 40003 and tcp.flags.push == 1', 'ip.src == 10.0.0.1']) {
      const r = await runFilter(capture, f);
      if (!r.ok) throw new Error(f);
      expect(r.dissected, f).toBe(0);
      expect(r.indexed, f).toBe(true);
    }
  });

  it('frame contains reads each window once and searches it a bounded number of times', async () => {
    const bytes = statSync(path).size;
    const d = createDissection();
    for (const [f, needle] of [['frame contains "GET"', 'GET'], ['frame contains "nothing here"', 'nothing here'], ['frame contains "XY"', 'XY']] as const) {
      containsWork.reads = 0;
      containsWork.searches = 0;
      containsWork.probes = 0;
      const r = await runFilter(capture, f);
      if (!r.ok) throw new Error(f);
      expect(r.dissected, f).toBe(0);
      expect(containsWork.reads, f).toBeLessThanOrEqual(Math.ceil(bytes / CONTAINS_WINDOW) + 1);
      // One search per match and one per window at most, not one per frame (a frame without the
      // needle after the last occurrence of a window costs nothing).
      expect(containsWork.searches, f).toBeLessThanOrEqual(r.events.length + containsWork.reads + 1);
      // An occurrence is placed by probing data offsets from the frame its search began at: a few
      // probes when it lies a few frames on, not log2 of the window's frames (~15 here).
      expect(containsWork.probes, f).toBeLessThanOrEqual(4 * containsWork.searches);
      const c = compileFilterText(f);
      if (!c.ok) throw new Error(f);
      const slow: number[] = [];
      for (let e = 1; e <= capture.count(); e++) {
        capture.dissect(e, d);
        if (c.predicate(d)) slow.push(e);
      }
      expect([...r.events], `${f} (${needle})`).toEqual(slow);
    }
  });

  it('an occurrence across a record boundary matches neither frame', async () => {
    // "XY" then the next record's header (ts_sec 0, little-endian): in the file, never in a frame.
    const needle = Buffer.from([0x58, 0x59, 0, 0, 0, 0]);
    expect(readFileSync(path).indexOf(needle)).toBeGreaterThan(0);
    const r = await runFilter(capture, 'frame contains 58:59:00:00:00:00');
    if (!r.ok) throw new Error('filter');
    expect([...r.events]).toEqual([]);
    // …while the part inside the frames is found in every one.
    const xy = await runFilter(capture, 'frame contains 58:59');
    expect(xy.ok && xy.events.length).toBe(PACKETS);
  });

  it('packed -e values equal the unpacked ones, and column fields dissect nothing', () => {
    const defs = ['frame.number', 'tcp.srcport', 'tcp.stream', 'tcp.port'].map((n) => fieldByName(n) as FieldDef);
    const ex = createExtractor(capture, defs);
    const b = createPackedBuilder();
    const rows = capture.count();
    const plain: string[][][] = [];
    for (let e = 1; e <= rows; e++) {
      ex.pack(e, undefined, b);
      plain.push(ex.values(e));
    }
    const p = packedValues(b);
    expect(ex.dissected).toBe(0);
    expect(unpackRows(p, rows, defs.length)).toEqual(plain);
    // tcp.port has two values per row: the packed page holds 5 values a row in 3 objects.
    expect(p.ends.length).toBe(5 * rows);
    expect(p.counts.length).toBe(4 * rows);
  });

  it('-e lines equal fieldsLine of the values in every style, and column fields dissect nothing', () => {
    const base: LineStyle = { separator: '\t', aggregator: ',', quote: '', occurrence: 'a' };
    const styles: LineStyle[] = [
      base,
      { ...base, separator: ',', aggregator: ';', quote: '"' },
      { ...base, quote: "'", occurrence: 'f' },
      { ...base, separator: '|', occurrence: 'l', aggregator: '/' },
      { ...base, quote: '"', occurrence: 'l' },
      // A quote in the aggregator is doubled inside a quoted cell.
      { ...base, quote: '"', aggregator: '"' },
    ];
    // Decimal, two-valued, address, hex (tcp.flags: text) and boolean columns.
    const columns = ['frame.number', 'tcp.port', 'ip.src', 'ip.addr', 'tcp.flags', 'tcp.flags.syn', 'tcp.len', 'udp.stream'];
    // …and fields a dissection answers (a request line with a tab-free value, the time since the previous displayed).
    const mixed = ['frame.number', 'http.request.uri', 'tcp.port', 'frame.time_delta_displayed'];
    const dec = new TextDecoder();
    for (const names of [columns, mixed]) {
      const defs = names.map((n) => fieldByName(n) as FieldDef);
      for (const style of styles) {
        const ex = createExtractor(capture, defs, (e) => BigInt(e) * 1000n);
        const b = createLinesBuilder(16);
        let want = '';
        // The first 2,000 frames: SYNs, requests, data (the whole capture takes seconds per style).
        const events = 2000;
        for (let e = 1; e <= events; e++) {
          const previous = e > 1 ? e - 1 : null;
          ex.line(e, previous, style, b);
          want += `${fieldsLine(ex.values(e, previous), style)}\n`;
        }
        expect(dec.decode(linesBytes(b)), `${names.join(' ')} ${JSON.stringify(style)}`).toBe(want);
        expect(b.lines).toBe(events);
      }
    }
    const ex = createExtractor(capture, columns.map((n) => fieldByName(n) as FieldDef));
    const b = createLinesBuilder();
    for (let e = 1; e <= capture.count(); e++) ex.line(e, undefined, styles[0], b);
    expect(ex.dissected).toBe(0);
  });
});
