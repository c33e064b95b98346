/**
 * HTTP in a packets + syscalls set (sets/set-http.ts): each exchange once — from the packets when
 * both saw it, from the fd stream when only the syscalls did — with its process; the window's
 * page (filter, search) and bodies of either part.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOk } from '../cli/run-cli.ts';
import { inProcessEngine } from '../engine/in-process-engine.ts';
import { fdOfStream, tcpOfStream } from '../../electron/engine/sets/set-http.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const STRACE = join(SEED, 'upload-413.strace');
const KEYS = join(SEED, 'upload-413.keys');
const OTHER = join(import.meta.dirname, '../fixtures/multi-client/multi-client.pcap');

const jsonl = (s: string): Record<string, unknown>[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('HTTP listing of a capture set', () => {
  it('the seed upload: each part alone has the 413 exchange; the set lists it once, from the packets, with pid 3914', async () => {
    const wire = jsonl(await cliOk('http', PCAP, '--keylog', KEYS));
    const fd = jsonl(await cliOk('http', STRACE, '--keylog', KEYS));
    expect(wire.map((r) => [r.stream, r.status])).toEqual([['tls:tcp:0', 413]]);
    expect(fd.map((r) => [r.stream, r.status])).toEqual([['tls:fd:3914:4:7', 413]]);
    const set = jsonl(await cliOk('http', PCAP, STRACE, '--keylog', KEYS));
    expect(set.length).toBe(1);
    const r = set[0];
    expect([r.stream, r.method, r.uri, r.status, r.pid, r.requestBodyBytes]).toEqual(['tls:tcp:0', 'POST', '/api/asciicasts', 413, 3914, wire[0].requestBodyBytes]);
    // Its events are the set's: the request and response are packets of the pcap.
    for (const ev of [r.request, r.response]) {
      expect((await cliOk('list', PCAP, STRACE, '-f', `frame.number == ${String(ev)}`, '-e', 'frame.file', '-e', 'tcp.stream')).trim()).toBe('upload-413.pcap\t0');
    }
  });

  it('a connection only the syscalls saw is listed from its fd stream, with its process', async () => {
    // The multi-client run's pcap has none of the seed's connections: its exchange is the fd stream's.
    const set = jsonl(await cliOk('http', OTHER, STRACE, '--keylog', KEYS));
    expect(set.map((r) => [r.stream, r.status, r.pid])).toEqual([['tls:fd:3914:4:7', 413, 3914]]);
    expect((await cliOk('list', OTHER, STRACE, '-f', `frame.number == ${String(set[0].request)}`, '-e', 'frame.file', '-e', 'evt.type')).trim()).toBe('upload-413.strace\twrite');
  });

  it('the HTTP view\'s page: a display filter over the set\'s events, the search reads the pid; bodies from either part', async () => {
    const c = inProcessEngine();
    const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
    const info = await c.call('open', { path: PCAP, more: [STRACE] });
    if (!info.done) await done;
    await c.call('addKeylog', { path: KEYS });
    const all = await c.call('httpPage', { start: 0, count: 100 });
    expect([all.total, all.all, all.rows[0].stream, all.rows[0].pid]).toEqual([1, 1, 'tls:tcp:0', 3914]);
    expect((await c.call('httpPage', { start: 0, count: 100, filter: 'proc.pid == 3914' })).total).toBe(1);
    expect((await c.call('httpPage', { start: 0, count: 100, filter: 'proc.pid == 1' })).total).toBe(0);
    expect((await c.call('httpPage', { start: 0, count: 100, search: '3914' })).total).toBe(1);
    expect((await c.call('httpPage', { start: 0, count: 100, search: 'nothing-like-this' })).total).toBe(0);
    const body = await c.call('httpBody', { stream: 'tls:tcp:0', index: all.rows[0].index, message: 'response' });
    expect(body.startLine).toMatch(/^HTTP\/1\.1 413/);
    const fdBody = await c.call('httpBody', { stream: 'tls:fd:3914:4:7', index: 0, message: 'response' });
    expect(fdBody.startLine).toBe(body.startLine);
  });

  it('stream ids: the TCP stream under a packet exchange, the fd stream under an fd exchange', () => {
    expect(['tcp:3', 'tls:tcp:3', 'tls:3', 'h2:tcp:3:5', 'h2:tls:tcp:3:5', 'fd:1:2:3'].map(tcpOfStream)).toEqual([3, 3, 3, 3, 3, null]);
    expect(['tls:fd:3914:4:7', 'h2:fd:3914:4:7:1', 'fd:-1:4:0', 'tls:tcp:0'].map(fdOfStream)).toEqual(['fd:3914:4:7', 'fd:3914:4:7', 'fd:-1:4:0', null]);
  });
});
