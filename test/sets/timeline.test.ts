/**
 * A connection's timeline in a capture set (sets/timeline.ts), through the engine's RPC: the
 * seed upload with its key log reads "write … write (413 arrives) … write → EPIPE". The facts
 * checked come from outside the timeline: tshark's frame of the 413 and the strace's EPIPE line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { resultText } from '../../electron/engine/sets/timeline.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';
import { cli } from '../cli/run-cli.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const STRACE = join(SEED, 'upload-413.strace');
const KEYS = join(SEED, 'upload-413.keys');

function engine(): EngineClient {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  const enginePort: Port = { postMessage: (m) => setTimeout(() => toClient(m), 0), onMessage: (h) => (toEngine = h), close() {} };
  const clientPort: Port = { postMessage: (m) => setTimeout(() => toEngine(m), 0), onMessage: (h) => (toClient = h), close() {} };
  serveEngine(enginePort);
  return createEngineClient(clientPort);
}

function rows(out: string): string[][] {
  return out.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}

describe('timeline of the seed upload', () => {
  it('has every packet of the connection and the client\'s fd-4 syscalls, in set order, with the 413 between writes and the EPIPE after the RST', async () => {
    const c = engine();
    await c.call('open', { path: PCAP, more: [STRACE] });
    await c.call('addKeylog', { path: KEYS });
    const list = rows((await cli('list', PCAP, STRACE, '-f', 'tcp.stream == 0', '-e', 'frame.number', '-e', 'frame.file', '-e', 'evt.type', '-e', 'evt.rawres')).out);
    const epipe = list.find((r) => r[2] === 'write' && r[3] === '-32');
    expect(epipe).toBeDefined();
    const tl = await c.call('timeline', { event: Number(epipe?.[0]) });
    expect(tl.stream).toBe('tcp:0');
    expect(tl.owners[0]).toBe('pid 3914 fd 4');
    expect(tl.owners[1]).toMatch(/^unmatched: /);
    // The same events as tcp.stream == 0 (the filter answers from the set's columns, the timeline from the correlation).
    expect(tl.entries.map((e) => String(e.event))).toEqual(list.map((r) => r[0]));
    expect(tl.entries.filter((e) => e.kind === 'packet').length).toBe(list.filter((r) => r[1] === 'upload-413.pcap').length);
    for (let i = 1; i < tl.entries.length; i++) expect(tl.entries[i].t).toBeGreaterThanOrEqual(tl.entries[i - 1].t);
    // tshark names the 413's frame in the pcap; the timeline's HTTP landmark is that packet.
    const f413 = execFileSync('tshark', ['-r', PCAP, '-o', `tls.keylog_file:${KEYS}`, '-Y', 'http.response.code == 413', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const packets = tl.entries.filter((e) => e.kind === 'packet');
    const http = tl.entries.filter((e) => e.mark === 'http');
    expect(http.length).toBe(1);
    expect(http[0]).toBe(packets[Number(f413) - 1]);
    expect(http[0].dir).toBe(1);
    expect(http[0].text).toMatch(/^HTTP\/1\.1 413 /);
    // write … write (413 arrives) … write → EPIPE
    const at = (e: { event: number }): number => tl.entries.indexOf(e as (typeof tl.entries)[number]);
    const i413 = at(http[0]);
    const writes = tl.entries.filter((e) => e.kind === 'syscall' && e.what === 'write' && e.bytes > 0);
    expect(writes.some((w) => at(w) < i413)).toBe(true);
    expect(writes.some((w) => at(w) > i413)).toBe(true);
    const fail = tl.entries.find((e) => e.mark === 'error');
    expect(fail?.event).toBe(Number(epipe?.[0]));
    expect(fail?.text).toBe('= -1 EPIPE (Broken pipe)');
    const rst = tl.entries.find((e) => e.mark === 'reset');
    expect(rst && fail && at(rst) < at(fail)).toBe(true);
    // Bytes: the client's writes add up to the strace's successful write results.
    const text = readFileSync(STRACE, 'latin1');
    const wrote = [...text.matchAll(/^\d+ +\S+ write\(4<TCP:\[127\.0\.0\.1:56714->[^\n]* = (\d+) </gm)].reduce((a, m) => a + Number(m[1]), 0);
    expect(writes.reduce((a, w) => a + w.bytes, 0)).toBe(wrote);
    expect(writes.every((w) => w.dir === 0)).toBe(true);
    // From a packet: the same timeline.
    const fromPacket = await c.call('timeline', { event: http[0].event });
    expect(fromPacket.entries.length).toBe(tl.entries.length);
  });

  it('refuses an event on no socket, naming it', async () => {
    const c = engine();
    await c.call('open', { path: PCAP, more: [STRACE] });
    await expect(c.call('timeline', { event: 1 })).rejects.toThrow(/event 1 is on no socket/);
  });

  it('a syscall result is the text after its last " = "', () => {
    expect(resultText('write 4<TCP:[a->b]>, "x = y", 5 = 5')).toBe('= 5');
    expect(resultText('write 4, "…" = -1 EPIPE (Broken pipe)')).toBe('= -1 EPIPE (Broken pipe)');
    expect(resultText('exit_group 0')).toBe('');
  });
});
