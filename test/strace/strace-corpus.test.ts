/**
 * strace logs of the corpus: every line accounted for (syscalls, joined pairs, signals,
 * exits, banners, summary tables, trailers), counts checked against the heuristic oracles,
 * and sampled events' result, errno and fd name checked against the log text.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { entryField, entryValue, formatFieldValue } from '../../electron/engine/dissectors/values.ts';
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { isStraceText, openStrace, openStraceFiles } from '../../electron/engine/readers/strace/open-strace.ts';
import { CORPUS as SHARED_CORPUS } from '../engine/corpus.ts';

const CORPUS = `${SHARED_CORPUS}/strace/`;
const logs = ['public', 'generated'].flatMap((d) =>
  readdirSync(CORPUS + d)
    .filter((f) => !f.endsWith('.oracle.txt') && !f.includes('LICENSE'))
    .map((f) => `${d}/${f}`),
);

async function open(rel: string): Promise<{ cap: Capture; warnings: string[] }> {
  const warnings: string[] = [];
  const cap = await openStrace(openCaptureSource(CORPUS + rel), {}, warnings);
  return { cap, warnings };
}

interface Oracle {
  total: number;
  resumed: number;
  signals: number;
  exits: number;
  hexdump: number;
  stack: number;
  top: Map<string, number>;
}

function oracle(rel: string): Oracle {
  const t = readFileSync(`${CORPUS}${rel}.oracle.txt`, 'utf8');
  const num = (re: RegExp): number => Number(re.exec(t)?.[1] ?? 0);
  const top = new Map<string, number>();
  const section = t.split('top syscalls / events (name: count incl. resumed):')[1] ?? '';
  for (const m of section.matchAll(/^ {2}(.+): (\d+)$/gm)) top.set(m[1], Number(m[2]));
  return {
    total: num(/total lines: (\d+)/),
    resumed: num(/<\.\.\. X resumed>: (\d+)/),
    signals: num(/signal lines \(--- SIGx\): (\d+)/),
    exits: num(/\+\+\+ exit\/kill lines: (\d+)/),
    hexdump: num(/hexdump lines .*: (\d+)/),
    stack: num(/stack-trace lines .*: (\d+)/),
    top,
  };
}

const cells: string[] = [];
function typeOf(cap: Capture, e: number): string {
  cap.cells(e, cells);
  return cells[7];
}

function countTypes(cap: Capture): Map<string, number> {
  const m = new Map<string, number>();
  for (let e = 1; e <= cap.count(); e++) {
    const t = typeOf(cap, e);
    m.set(t, (m.get(t) ?? 0) + 1);
  }
  return m;
}

function values(d: Dissection, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < d.n; i++) {
    const f = entryField(d, i);
    if (f.name === name) out.push(formatFieldValue(f, entryValue(d, i)));
  }
  return out;
}

/** First event of `type` whose Arguments text contains `needle` (after `from`). */
function find(cap: Capture, type: string, needle: string, from = 1): number {
  for (let e = from; e <= cap.count(); e++) {
    cap.cells(e, cells);
    if (cells[7] === type && cells[11].includes(needle)) return e;
  }
  return -1;
}

const NOT_SYSCALL = new Set(['signal', 'exit', 'killed', 'attach', 'detach', 'summary', 'text']);

describe('strace corpus: every line accounted for', () => {
  for (const rel of logs) {
    it(rel, async () => {
      const { cap } = await open(rel);
      const info = cap.info();
      const o = oracle(rel);
      const types = countTypes(cap);
      const syscalls = [...types].filter(([t]) => !NOT_SYSCALL.has(t)).reduce((a, [, n]) => a + n, 0);
      expect(info.format).toBe('strace');
      expect(info.extra.unparsedLines).toBe(0);
      expect(types.get('text') ?? 0).toBe(0);
      // Lines the oracle counts that are not syscall events: resumed halves (joined into their
      // start), signals, exits, trailers (-k frames, hex dumps), plus what the oracle has no
      // counter for: attach banners and the -C summary table (one 'summary' event).
      const summaryLines = rel.includes('summary') ? 39 : 0;
      const banners = types.get('attach') ?? 0;
      expect(syscalls).toBe(o.total - o.resumed - o.signals - o.exits - o.hexdump - o.stack - banners - summaryLines);
      expect(info.extra.syscalls).toBe(syscalls);
      expect(types.get('signal') ?? 0).toBe(o.signals);
      expect((types.get('exit') ?? 0) + (types.get('killed') ?? 0)).toBe(o.exits);
      expect(info.extra.joinedUnfinished).toBe(o.resumed);
      // Per-name counts: the oracle counts a joined pair twice (start and resumed line)
      for (const [name, n] of o.top) {
        if (name.startsWith('---') || name.startsWith('+++')) continue;
        if (o.resumed === 0) expect(types.get(name) ?? 0, name).toBe(n);
        else expect(types.get(name) ?? 0, name).toBeLessThanOrEqual(n);
      }
      // every event dissects without throwing and has a type
      const d = createDissection();
      for (let e = 1; e <= cap.count(); e++) {
        cap.dissect(e, d);
        expect(values(d, 'evt.type').length).toBe(1);
      }
      cap.close();
    });
  }
});

interface Sample {
  type: string;
  needle: string;
  res?: string;
  rawres?: string;
  failed?: boolean;
  fdNum?: string;
  fdName?: string;
  fdType?: string;
  extra?: Record<string, string[]>;
}

const SAMPLES: Record<string, Sample[]> = {
  'public/demurgos-git2-segfault__strace.log': [
    { type: 'access', needle: 'ld.so.preload', res: 'ENOENT', rawres: '-2', failed: true },
    { type: 'recvfrom', needle: '135152', res: 'EAGAIN', rawres: '-11', fdNum: '3', failed: true },
    { type: 'openat', needle: 'ld.so.cache', res: 'SUCCESS', rawres: '3', fdNum: '3', fdName: '/etc/ld.so.cache', fdType: 'file' },
    { type: 'connect', needle: 'io.systemd.Resolve', res: 'SUCCESS', fdNum: '3', fdName: '/run/systemd/resolve/io.systemd.Resolve', fdType: 'unix' },
  ],
  'public/ericmoritz-uwsgi-fastrouter-bug__strace.log': [
    { type: 'accept4', needle: '53103', res: 'SUCCESS', rawres: '11', fdNum: '11', fdType: 'ipv4' },
    { type: 'recvfrom', needle: 'lohud', res: 'SUCCESS', rawres: '101', fdNum: '5' },
  ],
  'public/eyal670-strace-logs__strace.log': [
    { type: 'futex', needle: 'FUTEX_WAIT_PRIVATE, 2, NULL', res: 'EAGAIN', rawres: '-11', failed: true },
    { type: 'read', needle: '0x7ffefd6918e0', res: 'EAGAIN', fdNum: '8' },
  ],
  'public/morenbach-strace-parser__strace.txt': [
    { type: 'openat', needle: '/etc/ld.so.cache', res: 'SUCCESS', rawres: '3', fdNum: '3', fdName: '/etc/ld.so.cache' },
    { type: 'arch_prctl', needle: 'ARCH_???', res: 'EINVAL', rawres: '-22', failed: true },
  ],
  'public/morenbach-strace-parser__tests_data_samples.txt': [
    // the repo normalised every value to 123: the errno name decides rawres
    { type: 'access', needle: 'F_OK', res: 'ENOENT', rawres: '-2', failed: true },
    { type: 'fcntl', needle: 'F_SETLK,', res: 'EAGAIN', rawres: '-11', fdNum: '0', fdName: '\u0001#E' },
  ],
  'public/wperron-go-single-threaded__strace.out': [
    { type: 'nanosleep', needle: 'tv_nsec=3000', res: 'SUCCESS', rawres: '0', extra: { 'thread.tid': ['51907'] } },
  ],
  'public/zaabskr-clamav-traces__strace.txt': [
    { type: 'restart_syscall', needle: 'resuming interrupted poll', res: 'SUCCESS', rawres: '1', extra: { 'thread.tid': ['15'] } },
    { type: 'recvmsg', needle: 'nVERSIONCOMMANDS', res: 'SUCCESS', rawres: '17', fdNum: '10', extra: { 'evt.buffer': [Buffer.from('nVERSIONCOMMANDS\n').toString('hex')] } },
  ],
  'generated/strace-attach-sleep.p-tt.stderr.txt': [
    { type: 'wait4', needle: 'WNOHANG', res: 'ECHILD', rawres: '-10', failed: true, extra: { 'proc.pid': ['12992'] } },
  ],
  'generated/strace-curl-hexdump.f-tt-Y-read-write-all.txt': [
    // -e write=all: the hex dump carries all 30 bytes
    { type: 'write', needle: 'hello from python', res: 'SUCCESS', rawres: '30', fdNum: '6', extra: { 'proc.name': ['curl'], 'evt.buffer': [Buffer.from('hello from python http.server\n').toString('hex')] } },
    // the local side comes from the getsockname() after it, as libsinsp has it at connect's exit
    { type: 'connect', needle: 'htons(8080)', res: 'EINPROGRESS', fdNum: '5', fdName: '127.0.0.1:36778->127.0.0.1:8080', fdType: 'ipv4', extra: { 'fd.lport': ['36778'], 'fd.rip': ['127.0.0.1'], 'fd.rport': ['8080'] } },
    { type: 'sendto', needle: 'GET /index.html', res: 'SUCCESS', rawres: '88', fdName: '127.0.0.1:36778->127.0.0.1:8080', extra: { 'fd.cport': ['36778'], 'fd.sport': ['8080'], 'fd.l4proto': ['tcp'], 'evt.buflen': ['88'] } },
  ],
  'generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt': [
    { type: 'access', needle: '/etc/ld.so.preload', res: 'ENOENT', rawres: '-2', failed: true, extra: { 'evt.latency': ['16000'] } },
    { type: 'sendto', needle: 'GET /index.html', res: 'SUCCESS', rawres: '88', fdNum: '5', fdName: '127.0.0.1:52722->127.0.0.1:8080', fdType: 'ipv4', extra: { 'fd.sip': ['127.0.0.1'], 'evt.buflen': ['88'] } },
  ],
  'generated/strace-curl-network.f-r-e-network.txt': [
    { type: 'recvfrom', needle: 'HTTP/1.0 200 OK', res: 'SUCCESS', rawres: '215', fdNum: '5', fdName: '127.0.0.1:33992->127.0.0.1:8080', extra: { 'evt.buffer.truncated': ['183'] } },
  ],
  'generated/strace-curl-stacktrace.f-tt-k.txt': [
    { type: 'sendto', needle: 'GET /index.html', res: 'SUCCESS', rawres: '88', fdNum: '5', extra: { 'strace.stack.frame': ['/usr/lib/x86_64-linux-gnu/libc.so.6(send+0x19) [0x10ab59]'] } },
  ],
  'generated/strace-curl-summary.f-C.txt': [
    { type: 'write', needle: 'hello from python', res: 'SUCCESS', rawres: '30', fdNum: '6' },
  ],
  'generated/strace-curl-tls13-h2.f-ttt-T-yy-s256-x.txt': [
    { type: 'connect', needle: '8443', res: 'EINPROGRESS', rawres: '-115', fdNum: '6' },
  ],
  'generated/strace-python-httpserver.f-tt-T-yy-s4096.txt': [
    { type: 'accept4', needle: '51128', res: 'SUCCESS', rawres: '4', fdNum: '4', fdName: '127.0.0.1:51128->127.0.0.1:8081', fdType: 'ipv4' },
    // joined pair: args, result and duration from the resumed line
    { type: 'recvfrom', needle: 'GET /index.html', res: 'SUCCESS', rawres: '88', fdNum: '4', fdName: '127.0.0.1:51128->127.0.0.1:8081', extra: { 'evt.latency': ['62000'], 'thread.tid': ['12443'], 'proc.pid': ['12378'], 'evt.buffer': [Buffer.from('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8081\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n').toString('hex')] } },
    { type: 'poll', needle: 'ERESTART_RESTARTBLOCK', res: 'ERESTART_RESTARTBLOCK', rawres: '-516', failed: true },
  ],
  'generated/strace-sigpipe-yes-head.f-tt.txt': [
    { type: 'write', needle: 'EPIPE', res: 'EPIPE', rawres: '-32', failed: true, extra: { 'thread.tid': ['12281'] } },
  ],
};

describe('strace corpus: sampled events', () => {
  for (const [rel, samples] of Object.entries(SAMPLES)) {
    it(rel, async () => {
      const { cap } = await open(rel);
      const d = createDissection();
      for (const s of samples) {
        const e = find(cap, s.type, s.needle);
        expect(e, `${s.type} ${s.needle}`).toBeGreaterThan(0);
        cap.dissect(e, d);
        const where = `${rel} event ${e} ${s.type}`;
        if (s.res) expect(values(d, 'evt.res'), where).toEqual([s.res]);
        if (s.rawres) expect(values(d, 'evt.rawres'), where).toEqual([s.rawres]);
        if (s.failed !== undefined) expect(values(d, 'evt.failed'), where).toEqual([s.failed ? '1' : '0']);
        if (s.fdNum) expect(values(d, 'fd.num'), where).toEqual([s.fdNum]);
        if (s.fdName) expect(values(d, 'fd.name'), where).toEqual([s.fdName]);
        if (s.fdType) expect(values(d, 'fd.type'), where).toEqual([s.fdType]);
        for (const [k, v] of Object.entries(s.extra ?? {})) {
          const got = values(d, k);
          expect(k === 'strace.stack.frame' ? got.slice(0, 1) : got, `${where} ${k}`).toEqual(v);
        }
      }
      cap.close();
    });
  }
});

describe('strace: shapes', () => {
  it('detects strace text and rejects other data', () => {
    for (const rel of logs) expect(isStraceText(readFileSync(CORPUS + rel).subarray(0, 65536)), rel).toBe(true);
    expect(isStraceText(new TextEncoder().encode('hello world\nthis is not strace\n'))).toBe(false);
    expect(isStraceText(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]))).toBe(false);
  });

  it('joined unfinished/resumed: one event at the unfinished line, covering both lines', async () => {
    const { cap } = await open('generated/strace-python-httpserver.f-tt-T-yy-s4096.txt');
    const e = find(cap, 'recvfrom', 'GET /index.html');
    const d = createDissection();
    cap.dissect(e, d);
    const text = new TextDecoder().decode(d.sources[0].bytes);
    expect(text).toMatch(/^12443 19:05:48\.106037 recvfrom\(4<TCP:\[127\.0\.0\.1:8081->127\.0\.0\.1:51128\]>, +<unfinished \.\.\.>\n12443 19:05:48\.106136 <\.\.\. recvfrom resumed>"GET/);
    // the event sits at the unfinished line's time
    expect(values(d, 'evt.time')[0]).toMatch(/\.106037000$/);
    cap.close();
  });

  it('-ff files merge in time order with pids from the file names', async () => {
    const names = ['strace-ff-sh-curl.12368', 'strace-ff-sh-curl.12369', 'strace-ff-sh-curl.12371'];
    const cap = await openStraceFiles(names.map((n) => `${CORPUS}generated/${n}`));
    let total = 0;
    for (const n of names) {
      const { cap: one } = await open(`generated/${n}`);
      total += one.count();
      one.close();
    }
    expect(cap.count()).toBe(total);
    const pids = new Set<string>();
    for (let e = 2; e <= cap.count(); e++) {
      expect(cap.time(e)).toBeGreaterThanOrEqual(cap.time(e - 1));
      cap.cells(e, cells);
      pids.add(cells[5]);
    }
    expect([...pids].sort()).toEqual(['12368', '12369', '12371']);
    expect(cap.info().extra.files).toBe(3);
    cap.close();
  });
});
