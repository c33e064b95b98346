/**
 * fd streams are built from the byte range of each I/O event's buffer (strace: the quoted data
 * argument the index placed; scap: the buffer parameter), not from a dissection per event: the
 * bytes are the ones the dissection gives, the HTTP scan over an N-event log dissects no event,
 * and the head of a stream reads each of its events once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { straceLog } from '../../bench/shapes/gen-strace.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { entryValue } from '../../electron/engine/dissectors/values.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { fdStreamHead, fdStreamWork, listFdStreams } from '../../electron/engine/streams/fd-streams.ts';
import { SF } from '../../electron/engine/syscalls/fields.ts';
import { corpusFiles } from '../engine/corpus.ts';
import { scannedSession, sessionExchanges } from '../http/session-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-iobytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(path: string): Promise<Capture> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return capture;
}

async function openLog(syscalls: number): Promise<Capture> {
  const path = join(dir, `h-${syscalls}.strace`);
  straceLog(path, syscalls);
  return open(path);
}

function bufferOf(d: Dissection): Uint8Array | null {
  for (let k = 0; k < d.n; k++) {
    if (d.fid[k] !== SF.buffer.id) continue;
    const v = entryValue(d, k);
    if (v instanceof Uint8Array) return v;
  }
  return null;
}

const ioEvents = (c: Capture): number[] => listFdStreams(c).flatMap((s) => {
  const out: number[] = [];
  for (let e = s.firstEvent; e <= s.lastEvent; e++) out.push(e);
  return out;
});

/** Events whose bytes came from their range, per format (checked after the per-file tests). */
const known = { strace: 0, scap: 0 };

const syscallFiles = [
  ...corpusFiles('strace', (n) => !n.endsWith('.oracle.txt') && !n.endsWith('.md')),
  ...corpusFiles('scap', (n) => n.endsWith('.scap')),
];

describe('I/O bytes from the buffer range', () => {
  it.each(syscallFiles.map((p) => [p.split('/').slice(-2).join('/'), p]))('%s: the same bytes as the dissection of every event', async (_name, path) => {
    let c: Capture;
    try {
      c = await open(path);
    } catch {
      return; // not a capture (notes kept beside the logs)
    }
    const i = c.internals();
    if (i.kind !== 'syscalls') throw new Error('not a syscall capture');
    const ix = i.index;
    expect(ix.ioBytes).toBeDefined();
    const d = createDissection();
    for (const e of new Set(ioEvents(c))) {
      const got = ix.ioBytes?.(e);
      if (got === undefined) continue;
      known[path.endsWith('.scap') ? 'scap' : 'strace']++;
      c.dissect(e, d);
      const want = bufferOf(d);
      expect(got === null ? null : Buffer.from(got).toString('hex'), `event ${e}`).toBe(want === null ? null : Buffer.from(want).toString('hex'));
    }
    c.close();
  }, 120_000);

  it('the corpus has such events in both formats', () => {
    expect(known.strace).toBeGreaterThan(100);
    expect(known.scap).toBeGreaterThan(100);
  });

  it('the HTTP scan over an strace log of N syscalls dissects no event, and finds what it found before', async () => {
    for (const syscalls of [3000, 12000]) {
      const c = await openLog(syscalls);
      const io = listFdStreams(c).reduce((a, s) => a + s.events, 0);
      fdStreamWork.read = 0;
      fdStreamWork.dissected = 0;
      const s = scannedSession(c);
      const exchanges = sessionExchanges(s);
      expect(exchanges.length).toBeGreaterThan(syscalls / 10);
      expect(exchanges.every((x) => x.request && x.response)).toBe(true);
      // Each I/O event read into a chunk (once per stream build), none dissected.
      expect(fdStreamWork.dissected).toBe(0);
      expect(fdStreamWork.read).toBeGreaterThanOrEqual(io);
      c.close();
    }
  }, 120_000);

  it('the HTTP scan over a scap file dissects no event', async () => {
    const path = corpusFiles('scap', (n) => n === '502Error.scap')[0];
    const c = await open(path);
    fdStreamWork.dissected = 0;
    const exchanges = sessionExchanges(scannedSession(c));
    expect(exchanges.length).toBeGreaterThan(0);
    expect(fdStreamWork.dissected).toBe(0);
    c.close();
  }, 60_000);

  it('the head of a stream reads each of its events once, dissecting none', async () => {
    const c = await openLog(3000);
    const sock = listFdStreams(c).filter((s) => s.name.includes('->')).sort((a, b) => b.events - a.events)[0];
    expect(sock.events).toBeGreaterThan(20);
    fdStreamWork.read = 0;
    fdStreamWork.dissected = 0;
    const head = fdStreamHead(c, sock.id, [1e9, 1e9], 16);
    expect(head?.stream.chunks.length).toBe(16);
    expect(head?.whole).toBe(false);
    expect(fdStreamWork.dissected).toBe(0);
    expect(fdStreamWork.read).toBe(16);
    // It stops at the first event that gives both directions what they need.
    fdStreamWork.read = 0;
    const short = fdStreamHead(c, sock.id, [1, 1], 64);
    const chunks = short?.stream.chunks ?? [];
    expect(fdStreamWork.read).toBe(chunks.length);
    const last = chunks[chunks.length - 1];
    expect(new Set(chunks.filter((x) => x.bytes.length > 0).map((x) => x.dir)).size).toBe(2);
    expect(chunks.slice(0, -1).some((x) => x.dir === last.dir && x.bytes.length > 0)).toBe(false);
    c.close();
  }, 60_000);
});
