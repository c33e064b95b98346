/**
 * The shapes suite's generators and measuring: the files say what they claim (the engine finds
 * the exchanges each generator wrote, decrypts the TLS shape with its key log, parses the strace
 * log whole), the HPACK encoder's blocks decode to the same headers with the engine's decoder
 * across dynamic-table evictions, generation is deterministic, and a timed-out run is cut.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHpackDecoder, decodeHeaderBlock } from '../../electron/engine/http2/hpack.ts';
import { createHpackEncoder, encodeHeaders } from '../../bench/shapes/gen-h2.ts';
import { run } from '../../bench/shapes/measure.ts';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { mergeResults, OPERATIONS, parseOptions, parseSize, printTable, sysdigFilter, timeoutFor, type Cell, type ShapeResult, type Target } from '../../bench/shapes/suite.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-shapes-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shape = (id: string) => SHAPES.find((s) => s.id === id) ?? SHAPES[0];

async function exchanges(path: string, keylog?: string): Promise<{ events: number; rows: { method: string; status: number | null }[] }> {
  const c = inProcessEngine();
  await openDone(c, path);
  if (keylog) expect((await c.call('addKeylog', { path: keylog })).errors).toEqual([]);
  const info = await c.call('info', null);
  const rows = await c.call('httpExchanges', {});
  return { events: info.events, rows };
}

describe('shape generators', () => {
  it('(a) keep-alive: about the asked number of packets, every request answered 200', async () => {
    const p = join(dir, 'a.pcap');
    const g = shape('a').generate(p, 3000);
    const { events, rows } = await exchanges(p);
    expect(events).toBeGreaterThan(2900);
    expect(events).toBeLessThan(3100);
    expect(rows.length).toBe(Number(/(\d+) exchanges/.exec(g.description)?.[1]));
    expect(rows.every((r) => r.method === 'GET' && r.status === 200)).toBe(true);
  });

  it('(c) upload: one POST whose body is the capture, answered', async () => {
    const p = join(dir, 'c.pcap');
    shape('c').generate(p, 2000);
    const { rows } = await exchanges(p);
    expect(rows.map((r) => [r.method, r.status])).toEqual([['POST', 200]]);
  });

  it('(d) h2c: every stream is an exchange', async () => {
    const p = join(dir, 'd.pcap');
    const g = shape('d').generate(p, 2000);
    const { rows } = await exchanges(p);
    expect(rows.length).toBe(Number(/(\d+) streams/.exec(g.description)?.[1]));
    expect(rows.every((r) => r.status === 200)).toBe(true);
  });

  it('(e) TLS 1.3: the engine decrypts every record with the written key log', async () => {
    const p = join(dir, 'e.pcap');
    const g = shape('e').generate(p, 3000);
    expect(g.keylog).toBeDefined();
    const lines = readFileSync(g.keylog ?? '', 'utf8').trim().split('\n');
    expect(lines.length).toBe(4 * 16);
    expect(lines[2]).toMatch(/^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64}$/);
    const without = await exchanges(p);
    expect(without.rows.length).toBe(0);
    const { rows } = await exchanges(p, g.keylog);
    expect(rows.length).toBe(Number(/(\d+) exchanges/.exec(g.description)?.[1]));
    expect(rows.length).toBeGreaterThan(900);
  });

  it('(f) reordered down to fully reversed: every response is found', async () => {
    const p = join(dir, 'f.pcap');
    const g = shape('f').generate(p, 4000);
    const written = [...g.description.matchAll(/(\d+) responses/g)].reduce((s, m) => s + Number(m[1]), 0);
    const { rows } = await exchanges(p);
    expect(rows.filter((r) => r.status === 200).length).toBe(written);
  });

  it('(h) strace: every line parses, the syscall count is the one asked for', async () => {
    const p = join(dir, 'h.strace');
    shape('h').generate(p, 3000);
    const c = inProcessEngine();
    await openDone(c, p);
    const info = await c.call('info', null);
    expect(info.extra.unparsedLines).toBe(0);
    expect(info.extra.syscalls).toBeGreaterThanOrEqual(3000);
    expect(info.extra.syscalls).toBeLessThan(3030);
    expect((await c.call('httpExchanges', {})).length).toBeGreaterThan(0);
  });

  it('(i) scap: exactly the asked number of events', async () => {
    const p = join(dir, 'i.scap');
    shape('i').generate(p, 1234);
    const c = inProcessEngine();
    await openDone(c, p);
    expect((await c.call('info', null)).events).toBe(1234);
    // sysdig 0.29, the scap column's oracle, reads it to its end (it crashed on the former source).
    const r = spawnSync('sysdig', ['-r', p, '-p', '*%evt.num'], { encoding: 'utf8' });
    if (r.error) return; // no sysdig on this machine
    expect([r.status, r.stderr]).toEqual([0, '']);
    const nums = r.stdout.trim().split('\n').map(Number);
    expect(nums.at(-1)).toBe(1234);
  });

  it('sysdigFilter: == becomes =, a quoted word bare', () => {
    expect(sysdigFilter('evt.type == read')).toBe('evt.type = read');
    expect(sysdigFilter('fd.name contains "192.168.0.3"')).toBe('fd.name contains 192.168.0.3');
    expect(sysdigFilter('proc.name == haproxy and fd.num == 4')).toBe('proc.name = haproxy and fd.num = 4');
  });

  it('is deterministic: the same shape and size give the same bytes', () => {
    const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    for (const id of ['b', 'g']) {
      shape(id).generate(join(dir, `${id}1.pcap`), 1500);
      shape(id).generate(join(dir, `${id}2.pcap`), 1500);
      expect(hash(join(dir, `${id}1.pcap`))).toBe(hash(join(dir, `${id}2.pcap`)));
    }
  });
});

describe('HPACK encoder', () => {
  it('blocks decode to the same headers through dynamic-table insertions and evictions', () => {
    const enc = createHpackEncoder();
    const dec = createHpackDecoder();
    let bytes = 0;
    for (let i = 0; i < 3000; i++) {
      const headers: [string, string][] = [
        [':method', 'GET'],
        [':path', `/api/items/${i % 700}`],
        [':authority', 'example.com'],
        ['x-request-id', `id-${i % 90}`],
        ['user-agent', 'bench'],
      ];
      const block = encodeHeaders(enc, headers);
      bytes += block.length;
      const r = decodeHeaderBlock(dec, block);
      expect(r.error).toBeUndefined();
      expect(r.headers.map((h) => [h.name, h.value])).toEqual(headers);
      // The decoder keeps its table oldest first, the encoder newest first (RFC 7541 §2.3.3 index order).
      expect([...dec.table].reverse()).toEqual(enc.entries);
    }
    expect(enc.size).toBeLessThanOrEqual(4096);
    expect(enc.size).toBeGreaterThan(3500); // full: entries were evicted to make room
    // Literals would take ~70 bytes a block; indexed pairs from the tables take one byte each.
    expect(bytes / 3000).toBeLessThan(30);
  });
});

describe('suite options and measuring', () => {
  it('parses sizes and shapes', () => {
    expect(['10k', '100k', '1m', '2500'].map(parseSize)).toEqual([10_000, 100_000, 1_000_000, 2500]);
    expect(() => parseSize('ten')).toThrow(/not a size/);
    const o = parseOptions(['--sizes', '10k,1M', '--shape', 'a,e', '--tshark']);
    expect(o).toMatchObject({ sizes: [10_000, 1_000_000], shapes: ['a', 'e'], tshark: true });
    expect(() => parseOptions(['--shape', 'z'])).toThrow(/unknown shape z/);
  });

  it('a run past its timeout is killed and marked, with its time', async () => {
    const t0 = performance.now();
    const r = await run('sleep', ['30'], 1);
    expect(r.timedOut).toBe(true);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a finished run reports CPU, peak RSS and counts stdout lines', async () => {
    const r = await run(process.execPath, ['-e', 'const a = Buffer.alloc(200e6, 1); let s = 0; for (const x of a) s += x; console.log(s); console.log("x")'], 60);
    expect(r.exitCode).toBe(0);
    expect(r.lines).toBe(2);
    expect(r.firstLine).toBe('200000000');
    expect(r.peakRssMB).toBeGreaterThan(200);
    expect(r.cpuSeconds).toBeGreaterThan(0);
  });
});

describe('shapes table', () => {
  const base = { seconds: 1, cpuSeconds: 0.5 };
  const cell = (cpu: number, extra: Partial<Cell> = {}): Cell => ({ command: ['npm run -s cli --', 'list'], seconds: cpu * 2, cpuSeconds: cpu, peakRssMB: 100, exitCode: 0, timedOut: false, lines: 1, stderr: '', firstLine: '', ...extra });
  const target = (events: number): Target => ({ kind: 'packets', path: '/x', keylog: undefined, events, bytes: events * 100, description: 'd', generateSeconds: null, stream: 'tcp:0', ipSrc: '10.0.0.1', tsharkExtra: [] });
  const result = (small: Cell, large: Cell): ShapeResult => ({
    id: 'a',
    name: 'test',
    sizes: [
      { size: 10_000, target: target(10_000), ops: { 'index (info)': { ours: small, tshark: null } } },
      { size: 1_000_000, target: target(1_000_000), ops: { 'index (info)': { ours: large, tshark: null } } },
    ],
  });
  const opts = parseOptions([]);
  const row = (t: string): string => t.split('\n').find((l) => l.startsWith('| index')) ?? '';

  it('per-event cost after start-up; linear is 1×, quadratic is flagged', () => {
    // 10 k: 1 CPU s of work → 100 µs/event; 1 M: 100 CPU s → 100 µs/event.
    expect(row(printTable(result(cell(1.5), cell(100.5)), base, opts))).toMatch(/100µs.*\| 1\.00 \|/);
    expect(row(printTable(result(cell(1.5), cell(1000.5)), base, opts))).toMatch(/\| 10\.00 \*\*>2×\*\* \|/);
  });

  it('a timeout and a failed run show as such, never as numbers', () => {
    expect(row(printTable(result(cell(1.5), cell(0, { timedOut: true })), base, opts))).toMatch(/>600 s \| \*\*timeout\*\*/);
    expect(row(printTable(result(cell(1.5, { exitCode: 1 }), cell(2)), base, opts))).toMatch(/err 1 .*\| — \|/);
  });

  it('work below 0.1 CPU s at the small size is marked as noise, not flagged', () => {
    expect(row(printTable(result(cell(0.55), cell(100.5)), base, opts))).toMatch(/~ \|/);
  });
});

describe('operations per kind of capture', () => {
  const target = (kind: Target['kind'], stream: string): Target => ({ kind, path: '/x', keylog: undefined, events: 10, bytes: 1000, description: 'd', generateSeconds: null, stream, ipSrc: '10.1.0.1', tsharkExtra: [] });
  const filterOf = (name: string, t: Target): string | null => {
    const argv = OPERATIONS.find((o) => o.name === name)?.ours(t, '/tmp');
    return argv ? argv[argv.indexOf('-f') + 1] : null;
  };

  it('syscall logs get process, fd-name and event-type filters; TCP flags do not apply', () => {
    const sys = target('syscalls', 'fd:2100:9:4');
    expect(filterOf('indexed column', sys)).toBe('proc.pid == 2100');
    expect(filterOf('fd.name contains', sys)).toBe('fd.name contains "10.1.0.1"');
    expect(filterOf('evt.type', sys)).toBe('evt.type == read');
    expect(filterOf('TCP header', sys)).toBeNull();
    expect(OPERATIONS.find((o) => o.name === 'evt.type')?.tshark(sys, '/tmp')).toBeNull();
  });

  it('packet captures keep tcp.stream and TCP flags, and have no fd filters', () => {
    const pk = target('packets', 'tcp:0');
    expect(filterOf('indexed column', pk)).toBe('tcp.stream == 5');
    expect(filterOf('TCP header', pk)).toBe('tcp.flags.syn == 1');
    expect(filterOf('fd.name contains', pk)).toBeNull();
    expect(filterOf('evt.type', pk)).toBeNull();
  });

  it('the wall-time limit leaves room for a shared machine', () => {
    expect(timeoutFor(10_000)).toBe(180);
    expect(timeoutFor(1_000_000)).toBe(600);
  });
});

describe('merging saved runs', () => {
  const cell = (cpu: number): Cell => ({ command: ['x'], seconds: cpu, cpuSeconds: cpu, peakRssMB: 1, exitCode: 0, timedOut: false, lines: 1, stderr: '', firstLine: '' });
  const size = (bytes: number, ops: Record<string, number>) => ({
    size: 1_000_000,
    target: { kind: 'packets' as const, path: '/x', keylog: undefined, events: 1_000_000, bytes, description: 'd', generateSeconds: null, stream: 'tcp:0', ipSrc: '', tsharkExtra: [] },
    ops: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, { ours: cell(v), tshark: null as Cell | null }])),
  });
  const run = (bytes: number, ops: Record<string, number>) => ({ results: [{ id: 'a', name: 'a', sizes: [size(bytes, ops)] }] });

  it('a later run of one operation replaces that cell only', () => {
    const [a] = mergeResults([run(10, { 'index (info)': 1, 'export-objects': 2 }), run(10, { 'export-objects': 3 })]);
    expect(Object.fromEntries(Object.entries(a.sizes[0].ops).map(([k, v]) => [k, v.ours?.cpuSeconds]))).toEqual({ 'index (info)': 1, 'export-objects': 3 });
  });

  it('each cell keeps its run\'s start-up, and a later run without tshark keeps the tshark cell', () => {
    const first = run(10, { http: 5 });
    first.results[0].sizes[0].ops.http.tshark = cell(50);
    const [a] = mergeResults([{ ...first, baseline: { cpuSeconds: 1 } }, { ...run(10, { http: 4 }), baseline: { cpuSeconds: 0.5 } }]);
    expect(a.sizes[0].ops.http.ours?.cpuSeconds).toBe(4);
    expect(a.sizes[0].ops.http.ours?.startCpu).toBe(0.5);
    expect(a.sizes[0].ops.http.tshark?.cpuSeconds).toBe(50);
  });

  it('a run on other bytes (the generator changed) replaces the whole size', () => {
    const [a] = mergeResults([run(10, { 'index (info)': 1, 'export-objects': 2 }), run(11, { 'export-objects': 3 })]);
    expect(Object.keys(a.sizes[0].ops)).toEqual(['export-objects']);
  });
});
