/**
 * rowsPage looks the capture's index up once a page (internals() builds an object and closures at
 * every call), and takes a row's previous-event times from the previous row when that row is the
 * event captured just before. Counted: internals() and time() calls; the times checked against
 * eventTimeNs one event at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { eventTimeNs, rowsPage } from '../../electron/engine/host/rows-page.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'rows-page-lookups-'));
const path = join(dir, 'a.pcap');
let capture: Capture;

beforeAll(async () => {
  SHAPES.find((s) => s.id === 'a')!.generate(path, 3000);
  const opened = await openCapture(path);
  await opened.indexing;
  capture = opened.capture;
}, 60_000);

afterAll(() => {
  capture?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `c` with its internals() and time() calls counted. */
function counted(c: Capture): { c: Capture; calls: { internals: number; time: number } } {
  const calls = { internals: 0, time: 0 };
  const proxy = new Proxy(c, {
    get(target, key, receiver) {
      const v: unknown = Reflect.get(target, key, receiver);
      if (key === 'internals' || key === 'time') {
        const f = v as (...args: never[]) => unknown;
        return (...args: never[]) => {
          calls[key]++;
          return f.apply(target, args);
        };
      }
      return v;
    },
  });
  return { c: proxy, calls };
}

describe('rowsPage index look-ups', () => {
  it('all events in order: one internals() a page, one time() a row', () => {
    const { c, calls } = counted(capture);
    const n = Math.min(capture.count(), 2000);
    const page = rowsPage(c, undefined, 1, 0, n);
    expect(page.events.length).toBe(n);
    expect(calls.internals).toBe(1);
    expect(calls.time).toBe(n);
    for (let r = 0; r < n; r++) {
      const ev = page.events[r];
      expect(page.timesNs[r]).toBe(eventTimeNs(capture, ev));
      expect(page.prevTimesNs[r]).toBe(ev > 1 ? eventTimeNs(capture, ev - 1) : eventTimeNs(capture, ev));
      expect(page.prevTimes[r]).toBe(ev > 1 ? capture.time(ev - 1) : NaN);
    }
  });

  it('a view with gaps: the previous event is read only where it is not the previous row', () => {
    // Events 1..600, then every third event: runs and gaps.
    const picked: number[] = [];
    for (let ev = 1; ev <= 600; ev++) picked.push(ev);
    for (let ev = 602; ev <= capture.count(); ev += 3) picked.push(ev);
    const view = Uint32Array.from(picked);
    const { c, calls } = counted(capture);
    const page = rowsPage(c, view, 1, 0, view.length);
    const n = page.events.length;
    expect(calls.internals).toBe(1);
    // 600 rows in a run read their own time only; each later row reads its previous event too.
    expect(calls.time).toBe(600 + 2 * (n - 600));
    for (let r = 0; r < n; r++) {
      const ev = page.events[r];
      expect(page.prevTimesNs[r]).toBe(ev > 1 ? eventTimeNs(capture, ev - 1) : eventTimeNs(capture, ev));
      expect(page.prevTimes[r]).toBe(ev > 1 ? capture.time(ev - 1) : NaN);
    }
  });
});
