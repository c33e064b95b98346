/**
 * http.* display filters over a packets + syscalls set (layers/http-filter.ts): answered from
 * the parts' HTTP indexes, renumbered as the set's events, with a key log added after open —
 * the same events the set's dissect gives http.* fields (extract, a filter that dissects).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOk } from '../cli/run-cli.ts';
import { inProcessEngine } from '../engine/in-process-engine.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const STRACE = join(SEED, 'upload-413.strace');
const KEYS = join(SEED, 'upload-413.keys');

const lines = (s: string): string[] => s.trim().split('\n').filter(Boolean);

describe('http.* filters of a capture set', () => {
  it('CLI: -f http, http.response, http.response.code == 413 give the events -e http.response.code marks (the packet and the fd read)', async () => {
    const set = [PCAP, STRACE, '--keylog', KEYS];
    // The set's dissect adds the parts' fields: which events carry the 413, and where they are from.
    const marked = lines(await cliOk('list', ...set, '-e', 'frame.number', '-e', 'frame.file', '-e', 'http.response.code'))
      .map((l) => l.split('\t')).filter((r) => r[2] === '413');
    expect(marked.map((r) => r[1])).toEqual(['upload-413.pcap', 'upload-413.strace']);
    const events = marked.map((r) => r[0]);
    for (const f of ['http', 'http.response', 'http.response.code == 413']) {
      expect(lines(await cliOk('list', ...set, '-f', f, '-e', 'frame.number')), f).toEqual(events);
    }
    // A filter naming another field dissects every event: the same answer.
    expect(lines(await cliOk('list', ...set, '-f', 'http || frame.number == 0', '-e', 'frame.number'))).toEqual(events);
    expect(await cliOk('list', ...set, '-f', 'http.response.code == 200')).toBe('');
    // The pcap's response (frame 14 alone, as tshark -Y http shows it) is the set's packet event.
    expect(lines(await cliOk('list', PCAP, '--keylog', KEYS, '-f', 'http', '-e', 'frame.number'))).toEqual(['14']);
  });

  it('window: the filter with the key log added after open, and extract over its view', async () => {
    const c = inProcessEngine();
    const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
    const info = await c.call('open', { path: PCAP, more: [STRACE] });
    if (!info.done) await done;
    expect((await c.call('filter', { text: 'http' })).matched).toBe(0);
    await c.call('addKeylog', { path: KEYS });
    for (const text of ['http', 'http.response', 'http.response.code == 413', 'http || frame.number == 0']) {
      const r = await c.call('filter', { text });
      expect([r.ok, r.matched], text).toEqual([true, 2]);
      const page = await c.call('extract', { start: 0, count: 10, fields: ['frame.file', 'http.response.code'] });
      expect(page.values.map((v) => [v[0][0], v[1][0]]), text).toEqual([['upload-413.pcap', '413'], ['upload-413.strace', '413']]);
    }
  });
});
