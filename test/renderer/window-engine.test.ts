// @vitest-environment happy-dom
/**
 * The window's session against the real engine (served in-process over a Port): field
 * references read the selected event, Follow ▸ HTTP/2 Stream resolves a row to its own HTTP/2
 * stream, File → Export TLS Session Keys saves the secrets, and nanosecond captures show
 * relative / delta times with 9 digits (tshark 4.0.17 values in the comments).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RowsPage } from '../../shared/rpc.ts';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, shownCount, useApp } from '../../renderer/app/store.ts';
import { exportKeys } from '../../renderer/keys/keylog.ts';
import { parsePathList, runCommand } from '../../renderer/app/App.tsx';
import { h2StreamOfEvent, resolveFollowId } from '../../renderer/streams/FollowPane.tsx';
import { displayCell } from '../../renderer/table/EventTable.tsx';
import { createRowCache } from '../../renderer/table/row-cache.ts';
import { secondsNs, type TimeFormat } from '../../renderer/table/format.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessHost } from './in-process-host.ts';

async function untilDone(): Promise<void> {
  for (let i = 0; i < 600 && !useApp.getState().info?.done; i++) await new Promise((r) => setTimeout(r, 10));
  expect(useApp.getState().info?.done).toBe(true);
}

async function openDone(path: string, more?: string[], host = inProcessHost()): Promise<Session> {
  useApp.setState({ ...initialState });
  const s = createSession(host);
  await s.open({ kind: 'path', path, ...(more ? { more } : {}) }, true);
  await untilDone();
  return s;
}

const ff = (pid: number): string => join(CORPUS, `strace/generated/strace-ff-sh-curl.${pid}`);
// A scap merges with strace logs into one syscall capture.
const SCAP = join(CORPUS, 'scap/falcosecurity-libs/curl_google.scap');

let session: Session | null = null;
afterEach(() => {
  session?.close();
  session = null;
});

const H2 = join(CORPUS, 'pcapng/generated/gen-tls13-h2.pcapng');
const H2_KEYS = join(CORPUS, 'keys/generated/gen-tls13-h2.keys');

describe('the window over the real engine', () => {
  it('strace -ff logs chosen together open as one capture, merged by time', async () => {
    session = await openDone(ff(12368));
    const alone = useApp.getState().info!.events;
    session.close();
    session = await openDone(ff(12368), [ff(12369), ff(12371)]);
    const info = useApp.getState().info!;
    expect(useApp.getState().phase).toBe('open');
    expect(info.format).toBe('strace');
    expect(info.events).toBeGreaterThan(alone);
    const ex = await session.client()!.call('extract', { start: 0, count: info.events, fields: ['proc.pid'] });
    expect(new Set(ex.values.map((v) => v[0][0]))).toEqual(new Set(['12368', '12369', '12371']));
  }, 60_000);

  it('desktop: an strace log and a scap chosen together open as one capture in this window, merged by time', async () => {
    const opened: string[] = [];
    session = await openDone(ff(12368), [SCAP], inProcessHost('desktop', opened));
    expect(useApp.getState().phase).toBe('open');
    expect(opened).toEqual([]);
    const info = useApp.getState().info!;
    expect(info.kind).toBe('syscalls');
    expect(info.events).toBe(1609);
    expect(info.warnings.join('\n')).toMatch(/strace times of day \(-t\/-tt\) read as 2018-08-17 /);
    // The File column (the engine's last) names each row's file; the rows are in time order.
    const cols = await session.client()!.call('columns', null);
    expect(cols.at(-1)?.field).toBe('frame.file');
    const ex = await session.client()!.call('extract', { start: 0, count: info.events, fields: ['frame.file', 'proc.pid', 'evt.rawtime'] });
    const perFile = new Map<string, Set<string>>();
    for (const v of ex.values) perFile.set(v[0][0], (perFile.get(v[0][0]) ?? new Set()).add(v[1][0] ?? ''));
    expect([...perFile.keys()].sort()).toEqual(['curl_google.scap', 'strace-ff-sh-curl.12368']);
    expect(perFile.get('strace-ff-sh-curl.12368')).toEqual(new Set(['12368']));
    expect(perFile.get('curl_google.scap')?.has('17497')).toBe(true);
    const t = ex.values.map((v) => BigInt(v[2][0]));
    expect(t.every((x, i) => i === 0 || t[i - 1] <= x)).toBe(true);
    // A filter over both readers' events.
    expect((await session.applyFilter('proc.pid == 12368 or proc.pid == 17497'))?.matched).toBe(73 + 1221);
  }, 60_000);

  it('desktop: when the engine refuses to merge (a file that is no capture), the first file opens here and each other in its own window', async () => {
    const opened: string[] = [];
    const a = ff(12368);
    const b = join(CORPUS, 'MANIFEST.md');
    session = await openDone(a, [b], inProcessHost('desktop', opened));
    expect(useApp.getState().phase).toBe('open');
    expect(useApp.getState().info!.path).toBe(a);
    expect(opened).toEqual([b]);
  }, 60_000);

  it('browser mode: several FILEs of `npm run web` arrive as open-paths and open as one capture (a scap and an strace log too); a refused merge is an error in the window', async () => {
    expect(parsePathList('["/a","/b"]')).toEqual(['/a', '/b']);
    expect(parsePathList('/a')).toEqual([]);
    expect(parsePathList('[1]')).toEqual([]);
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    runCommand(session, 'open-paths', JSON.stringify([ff(12368), ff(12371)]), () => {});
    for (let i = 0; i < 600 && useApp.getState().phase !== 'open'; i++) await new Promise((r) => setTimeout(r, 10));
    await untilDone();
    const pids = await session.client()!.call('extract', { start: 0, count: useApp.getState().info!.events, fields: ['proc.pid'] });
    expect(new Set(pids.values.map((v) => v[0][0]))).toEqual(new Set(['12368', '12371']));
    await session.open({ kind: 'path', path: ff(12368), more: [SCAP] }, true);
    await untilDone();
    expect(useApp.getState().phase).toBe('open');
    const files = await session.client()!.call('extract', { start: 0, count: useApp.getState().info!.events, fields: ['frame.file'] });
    expect(new Set(files.values.map((v) => v[0][0]))).toEqual(new Set(['strace-ff-sh-curl.12368', 'curl_google.scap']));
    await session.open({ kind: 'path', path: ff(12368), more: [join(CORPUS, 'MANIFEST.md')] }, true);
    expect(useApp.getState().phase).toBe('error');
    expect(useApp.getState().error?.detail).toMatch(/MANIFEST\.md: not a capture Tracelens can read/);
  }, 60_000);

  it('a filter with field references reads the selected event', async () => {
    session = await openDone(join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    const c = session.client()!;
    const literal = async (text: string): Promise<number> => (await c.call('filter', { text })).matched;
    // Event 1 is the client's SYN, event 2 the server's SYN/ACK: `tcp.srcport == ${tcp.srcport}` keeps one side.
    const [p1, p2] = (await c.call('extract', { start: 0, count: 2, fields: ['tcp.srcport'] })).values.map((v) => v[0][0]);
    const want1 = await literal(`tcp.srcport == ${p1}`);
    const want2 = await literal(`tcp.srcport == ${p2}`);
    expect(want1).not.toBe(want2);
    await session.applyFilter('');
    useApp.setState({ selectedEvent: 1, selectedRow: 0 });
    const r1 = await session.applyFilter('tcp.srcport == ${tcp.srcport}');
    expect(r1?.ok).toBe(true);
    expect(r1?.matched).toBe(want1);
    await session.applyFilter('');
    useApp.setState({ selectedEvent: 2, selectedRow: 1 });
    expect((await session.applyFilter('tcp.srcport == $tcp.srcport'))?.matched).toBe(want2);
  }, 60_000);

  it('Follow ▸ HTTP/2 Stream: a row resolves to its own HTTP/2 stream; Export TLS Session Keys saves keys.txt', async () => {
    session = await openDone(H2);
    const saved: { name: string; text: string }[] = [];
    const save = (name: string, parts: BlobPart[]): void => {
      saved.push({ name, text: parts.map(String).join('') });
    };
    // No secrets yet: nothing is saved, a notice says why.
    expect(await exportKeys(session, save)).toBe(0);
    expect(saved).toEqual([]);
    expect(useApp.getState().keyNotice?.error).toBe(true);
    const c = session.client()!;
    await c.call('addKeylog', { path: H2_KEYS });
    // tshark -Y 'http2.type eq 1' -T fields -e frame.number -e http2.streamid: 10 → 1, 11 → 3, 12 → 5 (requests).
    expect(await h2StreamOfEvent(session, 10)).toBe(1);
    const target = (event: number) => ({ kind: 'http2' as const, event, prevFilter: '', seq: 1 });
    expect(await resolveFollowId(session, target(11))).toBe('h2:tcp:0:3');
    expect(await resolveFollowId(session, target(12))).toBe('h2:tcp:0:5');
    const page = await c.call('follow', { stream: 'h2:tcp:0:5', format: 'none' });
    expect(page.filter).toBe('tcp.stream eq 0 and http2.streamid eq 5');
    // tshark -z follow,http2,raw,0,5: one DATA frame of 10478 bytes (the gzip body) after the two header blocks.
    expect(page.chunks.map((ch) => ch.bytes.length).slice(2)).toEqual([10478]);
    // A TCP follow of the same row stays the TCP stream.
    expect(await resolveFollowId(session, { ...target(11), kind: 'tcp' })).toBe('tcp:0');

    expect(await exportKeys(session, save)).toBe(readFileSync(H2_KEYS, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).length);
    expect(saved.map((s) => s.name)).toEqual(['keys.txt']);
    const want = readFileSync(H2_KEYS, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).sort();
    expect(saved[0].text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).sort()).toEqual(want);
  }, 60_000);

  it('the first rows come with the first progress: the window has them before it asks for any rows', async () => {
    /** Per rows request: the rows page 0 held when it was sent. */
    const held: number[] = [];
    const base = inProcessHost();
    const s = createSession({ ...base, connectEngine: async () => {
      const port = await base.connectEngine();
      return { ...port, postMessage: (m: unknown, t?: ArrayBuffer[]) => {
        if ((m as { method: string }).method === 'rows') held.push(s.rows()?.page(0)?.events.length ?? 0);
        port.postMessage(m, t);
      } };
    } });
    session = s;
    useApp.setState({ ...initialState });
    // 20 packets, 15 kB: all indexed with the first chunk.
    await s.open({ kind: 'path', path: join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap') }, true);
    await untilDone();
    // Page 0 came with the progress: no rows request was needed for it. A later refresh (once the
    // HTTP scan names the rows) may ask again, but only with page 0 already held. Whether that
    // refresh comes before `done` depends on thread timing, so the test waits on neither.
    expect(held.every((n) => n === 20)).toBe(true);
    const page = s.rows()!.page(0)!;
    expect([...page.events]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The same rows the engine answers when asked.
    const asked = await s.client()!.call('rows', { start: 0, count: 20 });
    expect(page.strings).toEqual(asked.strings);
    expect(page.cells).toEqual(asked.cells);
  });

  it('every time format of a nanosecond capture shows 9 digits, also in a filtered view, from one rows call a page', async () => {
    session = await openDone(join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap'));
    const calls: string[] = [];
    const client = session.client()!;
    const call = client.call.bind(client);
    client.call = (method, params, transfer) => {
      calls.push(method);
      return call(method, params, transfer);
    };
    const cache = session.rows()!;
    const pageWith = (row: number) => new Promise<RowsPage>((resolve) => {
      const have = cache.page(row);
      if (have) return resolve(have);
      const stop = cache.subscribe(() => {
        const pg = cache.page(row);
        if (pg) {
          stop();
          resolve(pg);
        }
      });
      cache.ensure(0, 20, shownCount(useApp.getState()));
    });
    const col = useApp.getState().columns.find((x) => x.id === 'time')!;
    const ns = { firstNs: BigInt(useApp.getState().info!.firstTimeNs!) };
    const cellsOf = async (fmt: TimeFormat, rows: number[]) => {
      const page = await pageWith(rows[rows.length - 1]);
      return rows.map((r) => displayCell(cache, page, col, r, fmt, null, ns));
    };
    // `tshark -r gen-tls13-http11-nsec.pcap -T fields -e frame.time_epoch -e frame.time_relative -e frame.time_delta -e frame.time_delta_displayed` (4.0.17), frames 1 and 6.
    expect(await cellsOf('utc', [0, 5])).toEqual(['2026-11-21 19:05:28.523659830Z', '2026-11-21 19:05:28.530053211Z']);
    expect(await cellsOf('relative', [0, 5])).toEqual(['0.000000000', '0.006393381']);
    expect(await cellsOf('delta', [0, 5])).toEqual(['0.000000000', '0.002996768']);
    expect(await cellsOf('delta-captured', [0, 5])).toEqual(['0.000000000', '0.002996768']);
    const before = (await pageWith(0)).generation;
    // Filtered (`-Y "tcp.len > 0"`: frames 4, 6, 8): "since previous captured" is still exact.
    await session.applyFilter('tcp.len > 0');
    const filtered = await pageWith(2);
    expect([...filtered.events.slice(0, 3)]).toEqual([4, 6, 8]);
    expect(filtered.generation).toBeGreaterThan(before);
    expect(await cellsOf('delta-captured', [0, 1, 2])).toEqual(['0.003345247', '0.002996768', '0.001706913']);
    expect(await cellsOf('delta', [0, 1, 2])).toEqual(['0.000000000', '0.003015302', '0.001716931']);
    expect(await cellsOf('utc', [1])).toEqual(['2026-11-21 19:05:28.530053211Z']);
    // Exact times come with the rows: no second (extract) call for them.
    expect(calls).not.toContain('extract');
    expect(calls).toContain('rows');
  }, 60_000);

  it('exact nanosecond arithmetic', () => {
    expect(secondsNs(3015302n)).toBe('0.003015302');
    expect(secondsNs(-1500000000n)).toBe('-1.500000000');
    expect(createRowCache).toBeTypeOf('function');
  });
});
