/**
 * The whole pipeline on damaged input (issue 11, "Also"): seeded mutations (mutate.ts) of corpus
 * captures of every format — pcap, pcapng, scap, strace, TLS captures with their key logs, HTTP/2
 * — each run through an in-process engine as the window drives it: open → index → key log →
 * HTTP scan → TLS streams → follow of each stream → filters → rows, details and bytes of a few
 * events → field extraction → every HTTP body (export). A case fails, naming its file and seed,
 * when an internal exception escapes (a JavaScript error where a clear message belongs, an
 * unhandled rejection, an engine error event), when a reply does not come (hang), when a reply
 * is unbounded, or when the case takes more than its CPU budget.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/engine-client.ts';
import type { MethodName, Params, Result } from '../../shared/rpc.ts';
import { CORPUS } from './corpus.ts';
import { inProcessEngineWithClose } from './in-process-engine.ts';
import { eventRanges, pipelineMutation } from './mutate.ts';
import { GOLDEN_SPECS, reorderedPcap } from '../streams/make-reordered-pcap.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Corpus captures (with the key log that decrypts them) and how many seeded mutations each gets. */
/**
 * `http`: the intact capture has HTTP exchanges (in the clear, or once decrypted). `generated`:
 * not in the corpus but made here (reordered, overlapping, conflicting TCP segments).
 */
const CASES: { file: string; keys?: string; n: number; http?: boolean; generated?: () => Uint8Array }[] = [
  { file: 'pcap/wireshark/http-ooo.pcap', n: 16, http: true },
  { file: 'pcap/tcpdump-tests/print-flags.pcap', n: 12, http: true },
  { file: 'pcap/wireshark/dns-ooo.pcap', n: 6 },
  { file: 'generated/reordered.pcap', n: 10, http: true, generated: () => reorderedPcap(GOLDEN_SPECS) },
  { file: 'pcap/generated/gen-tls13-http11-nsec.pcap', keys: 'keys/generated/gen-tls13-http11.keys', n: 20, http: true },
  { file: 'pcap/illustrated-tls12/capture.pcap', keys: 'keys/illustrated-tls12/keylog.txt', n: 8 },
  { file: 'pcap/illustrated-tls13/capture.pcap', keys: 'keys/illustrated-tls13/keylog.txt', n: 8 },
  { file: 'pcap/wireshark/http2-data-reassembly.pcap', keys: 'keys/wireshark/http2-data-reassembly.keys', n: 10, http: true },
  { file: 'pcapng/wireshark/http2-brotli.pcapng', n: 20, http: true },
  { file: 'pcapng/wireshark/packet-h2-14_headers.pcapng', n: 12, http: true },
  { file: 'pcapng/wireshark/http-brotli.pcapng', n: 12, http: true },
  { file: 'pcapng/wireshark/tls12-dsb.pcapng', n: 12, http: true },
  { file: 'pcapng/generated/gen-tls13-h2.pcapng', keys: 'keys/generated/gen-tls13-h2.keys', n: 8, http: true },
  { file: 'scap/falcosecurity-libs/curl_google.scap', n: 10, http: true },
  { file: 'scap/falcosecurity-libs/single_ipv6_conn.scap', n: 8 },
  { file: 'scap/falco/psp_run_as_user_0_container.scap', n: 6 },
  { file: 'scap/falco/cat_write.scap', n: 8 },
  { file: 'strace/generated/strace-curl-tls13-h2.f-ttt-T-yy-s256-x.txt', keys: 'keys/generated/gen-strace-curl-tls13-h2.keys', n: 8, http: true },
  { file: 'strace/public/morenbach-strace-parser__strace.txt', n: 10 },
  { file: 'strace/generated/strace-sigpipe-yes-head.f-tt.txt', n: 8 },
];

const PACKET_FILTERS = ['tcp', 'http', 'http.response.code == 200', 'tls.handshake.type == 1', 'http2.type == 1', 'frame contains "GET"', 'tcp.len > 100 and not udp'];
const SYSCALL_FILTERS = ['evt.type == read', 'fd.name contains "."', 'http', 'proc.name == "curl"', 'evt.res != "SUCCESS"'];

/** CPU budget of one case; a reply must come within REPLY_MS (wall: the machine may be busy). */
const CASE_CPU_MS = 2000;
const REPLY_MS = 20_000;
/** No reply of the engine may be larger than this (a follow page holds ≤ 1 MiB of data). */
const MAX_REPLY = 16 * 1024 * 1024;
const MAX_STREAMS = 24;
/** TRACELENS_MUTATION_SCALE=N runs N times the mutations per capture (deeper search, same seeds first). */
const SCALE = Math.max(1, Number(process.env.TRACELENS_MUTATION_SCALE ?? 1) || 1);
const MAX_BODIES = 16;

/**
 * Messages JavaScript itself produces for a bug (a property of undefined, a bad array length,
 * a stack overflow…): the engine must say what is wrong with the input instead.
 */
const INTERNAL = /Cannot read prop|Cannot set prop|is not a function|is not iterable|is not defined|Maximum call stack|Invalid array length|Invalid typed array length|Invalid string length|out of memory|allocation failed|outside the bounds|Offset is out|RangeError|TypeError|undefined|NaN/;

/** Approximate size of a reply in bytes, walked until it passes `limit`. */
function replySize(v: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0 && n <= limit) {
    const x = stack.pop();
    if (typeof x === 'string') n += x.length;
    else if (ArrayBuffer.isView(x)) n += x.byteLength;
    else if (Array.isArray(x)) {
      n += 8 * x.length;
      for (const e of x) stack.push(e);
    } else if (typeof x === 'object' && x !== null) {
      for (const [k, e] of Object.entries(x)) {
        n += k.length;
        stack.push(e);
      }
    } else n += 8;
  }
  return n;
}

interface Run {
  name: string;
  client: EngineClient;
  failures: string[];
  /** Wall time a reply may take (REPLY_MS). */
  replyMs: number;
  /** Replies that answered and that were clear errors; what the pipeline saw. */
  stats: { ok: number; errors: string[]; events: number; exchanges: number; streams: number; bodies: number; cpuMs: number };
}

/** One RPC: a clear error is an answer; an internal error, no reply, or an unbounded reply is a failure. */
async function call<M extends MethodName>(run: Run, method: M, params: Params<M>): Promise<Result<M> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), run.replyMs);
  });
  try {
    const r = await Promise.race([run.client.call(method, params), hang]);
    if (r === 'hang') {
      run.failures.push(`${run.name}: ${method} ${JSON.stringify(params)}: no reply within ${run.replyMs} ms`);
      return undefined;
    }
    const size = replySize(r, MAX_REPLY);
    if (size > MAX_REPLY) run.failures.push(`${run.name}: ${method} ${JSON.stringify(params)}: reply larger than ${MAX_REPLY} bytes`);
    run.stats.ok++;
    return r;
  } catch (e) {
    const msg = (e as Error).message;
    run.stats.errors.push(`${method}: ${msg}`);
    if (INTERNAL.test(msg)) run.failures.push(`${run.name}: ${method} ${JSON.stringify(params)}: internal error: ${msg}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Open and wait for the index (a progress event with done, or an error event). */
async function openIndexed(run: Run, path: string): Promise<boolean> {
  const done = new Promise<void>((resolve) => {
    const off = run.client.onEvent((e) => {
      if ((e.type === 'progress' && e.info.done) || e.type === 'error') {
        off();
        resolve();
      }
    });
  });
  const info = await call(run, 'open', { path });
  if (!info) return false;
  if (!info.done) {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<'hang'>((resolve) => {
      timer = setTimeout(() => resolve('hang'), run.replyMs);
    });
    const r = await Promise.race([done, hang]);
    clearTimeout(timer);
    if (r === 'hang') {
      run.failures.push(`${run.name}: indexing did not finish within ${run.replyMs} ms`);
      return false;
    }
  }
  return true;
}

async function pipeline(run: Run, path: string, keylog: string | undefined): Promise<void> {
  if (!(await openIndexed(run, path))) return;
  const info = await call(run, 'info', null);
  if (!info) return;
  const packets = info.kind === 'packets';
  if (keylog !== undefined) await call(run, 'addKeylog', { text: keylog });
  const exchanges = (await call(run, 'httpExchanges', {})) ?? [];
  await call(run, 'tlsStreams', null);
  const streams = (await call(run, 'streams', {})) ?? [];
  run.stats.events = info.events;
  run.stats.exchanges = exchanges.length;
  run.stats.streams = streams.length;
  const formats = ['raw', 'ascii', 'hex', 'yaml', 'utf8', 'carrays'] as const;
  for (const [k, s] of streams.slice(0, MAX_STREAMS).entries()) {
    const page = await call(run, 'follow', { stream: s.id, format: formats[k % formats.length] });
    if (page && page.pages > 1) await call(run, 'follow', { stream: s.id, format: 'raw', page: page.pages - 1 });
  }
  for (const text of packets ? PACKET_FILTERS : SYSCALL_FILTERS) {
    const f = await call(run, 'filter', { text });
    if (f?.ok && f.matched > 0) await call(run, 'rows', { start: 0, count: 50 });
  }
  await call(run, 'filter', { text: '' });
  await call(run, 'httpExchanges', { filter: packets ? 'http.response' : 'http' });
  const n = info.events;
  if (n > 0) {
    await call(run, 'rows', { start: Math.max(0, n - 100), count: 100 });
    for (const ev of new Set([1, Math.ceil(n / 2), n])) {
      await call(run, 'details', { event: ev });
      await call(run, 'bytes', { event: ev });
      await call(run, 'follow', { event: ev, format: 'none' });
    }
    await call(run, 'extract', { start: 0, count: Math.min(n, 200), fields: packets ? ['frame.number', 'ip.src', 'tcp.stream', 'http.request.uri', 'tls.handshake.type'] : ['evt.num', 'evt.type', 'fd.name', 'proc.name'] });
  }
  for (const ex of exchanges.slice(0, MAX_BODIES)) {
    for (const message of ['request', 'response'] as const) {
      if ((message === 'request' ? ex.request : ex.response) === null) continue;
      if (await call(run, 'httpBody', { stream: ex.stream, index: ex.index, message })) run.stats.bodies++;
    }
  }
}

/** Run one case in a fresh engine; returns its failures. */
async function runCase(name: string, path: string, keylog: string | undefined): Promise<Run> {
  const { client, close } = inProcessEngineWithClose();
  const run: Run = { name, client, failures: [], replyMs: REPLY_MS, stats: { ok: 0, errors: [], events: 0, exchanges: 0, streams: 0, bodies: 0, cpuMs: 0 } };
  const off = client.onEvent((e) => {
    if (e.type === 'error' && INTERNAL.test(e.message)) run.failures.push(`${name}: engine error event: ${e.message}`);
  });
  const rejected = (e: unknown): void => {
    run.failures.push(`${name}: unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  };
  process.on('unhandledRejection', rejected);
  const cpu0 = process.cpuUsage();
  try {
    await pipeline(run, path, keylog);
  } catch (e) {
    run.failures.push(`${name}: exception escaped: ${(e as Error).stack ?? String(e)}`);
  } finally {
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000;
    run.stats.cpuMs = ms;
    if (ms > CASE_CPU_MS) run.failures.push(`${name}: took ${Math.round(ms)} ms of CPU (budget ${CASE_CPU_MS} ms)`);
    off();
    close();
    client.close();
    // Let a late rejection of this case surface while its handler is still installed.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', rejected);
  }
  return run;
}

describe('whole pipeline on seeded mutations of corpus captures', () => {
  const summary: string[] = [];
  const messages = new Set<string>();
  let cases = 0;
  let total = 0;
  let totalCpu = 0;
  for (const [k, c] of CASES.entries()) {
    it(`${c.file}: ${c.n * SCALE} mutations, no escaped exception, no hang, bounded replies, ≤ 2 s CPU per case`, async () => {
      expect(CORPUS).not.toBe('');
      const t0 = performance.now();
      const failures: string[] = [];
      const source = join(dir, `source${k}${c.file.slice(c.file.lastIndexOf('.'))}`);
      if (c.generated) writeFileSync(source, c.generated());
      const original = c.generated ? source : join(CORPUS, c.file);
      const bytes = new Uint8Array(readFileSync(original));
      const keylog = c.keys ? readFileSync(join(CORPUS, c.keys), 'utf8') : undefined;
      const ext = c.file.slice(c.file.lastIndexOf('.'));
      const events = await eventRanges(original);
      let answered = 0;
      let worstCpu = 0;
      let clearErrors = 0;
      for (let i = 0; i <= c.n * SCALE; i++) {
        const seed = 20261201 + 1000 * k + i;
        // The unmutated capture first: the pipeline itself must pass on it, and see its content.
        const m = i === 0 ? { kind: 'none', at: 0, data: bytes } : pipelineMutation(bytes, events, seed);
        const p = join(dir, `case${k}-${i}${ext}`);
        writeFileSync(p, m.data);
        const run = await runCase(`${c.file} seed ${seed} (${m.kind}@${m.at})`, p, keylog);
        failures.push(...run.failures);
        if (i === 0) {
          // Following an event outside any stream is the one clear error an intact capture gets.
          const errors = run.stats.errors.filter((e) => !/^follow: event \d+ belongs to no stream$/.test(e));
          expect({ file: c.file, errors, events: run.stats.events > 0, streams: run.stats.streams > 0 })
            .toEqual({ file: c.file, errors: [], events: true, streams: true });
          if (c.http) expect({ file: c.file, exchanges: run.stats.exchanges > 0, bodies: run.stats.bodies > 0 }).toEqual({ file: c.file, exchanges: true, bodies: true });
        }
        answered += run.stats.ok;
        worstCpu = Math.max(worstCpu, run.stats.cpuMs);
        totalCpu += run.stats.cpuMs;
        clearErrors += run.stats.errors.length;
        for (const e of run.stats.errors) messages.add(e.replace(/\d+/g, 'N'));
        cases++;
        rmSync(p, { force: true });
      }
      const ms = performance.now() - t0;
      total += ms;
      summary.push(`${c.file}: ${c.n * SCALE} mutations, ${answered} replies, ${clearErrors} clear errors, ${Math.round(ms)} ms, worst case ${Math.round(worstCpu)} ms CPU`);
      expect(failures).toEqual([]);
    }, 60_000 * SCALE);
  }
  it('the checks fail on an internal error, a hang, an unbounded reply (a fake engine)', async () => {
    const fake = (answer: (method: string) => Promise<unknown>): Run => ({
      name: 'fake', failures: [], replyMs: 50, stats: { ok: 0, errors: [], events: 0, exchanges: 0, streams: 0, bodies: 0, cpuMs: 0 },
      client: { call: ((method: string) => answer(method)) as EngineClient['call'], onEvent: () => () => true, close() {} },
    });
    const bug = fake(() => Promise.reject(new Error("Cannot read properties of undefined (reading 'seq')")));
    await call(bug, 'details', { event: 1 });
    expect(bug.failures).toEqual([`fake: details {"event":1}: internal error: Cannot read properties of undefined (reading 'seq')`]);
    const clear = fake(() => Promise.reject(new Error('no TCP stream 7 (the capture has 2)')));
    await call(clear, 'follow', { stream: 'tcp:7', format: 'raw' });
    expect(clear.failures).toEqual([]);
    const hang = fake(() => new Promise(() => {}));
    await call(hang, 'rows', { start: 0, count: 1 });
    expect(hang.failures).toEqual(['fake: rows {"start":0,"count":1}: no reply within 50 ms']);
    const huge = fake(() => Promise.resolve([{ label: 'x', bytes: new Uint8Array(MAX_REPLY + 1) }]));
    await call(huge, 'details', { event: 2 });
    expect(huge.failures).toEqual([`fake: details {"event":2}: reply larger than ${MAX_REPLY} bytes`]);
  });
  // CPU, not wall time: on a shared machine the wall clock measures the neighbours.
  it('all cases together: more than 200, in less than 60 s of CPU', () => {
    console.log(`${cases} cases in ${Math.round(total)} ms wall, ${Math.round(totalCpu)} ms CPU\n${summary.join('\n')}\nclear errors seen:\n${[...messages].sort().join('\n')}`);
    expect(cases).toBeGreaterThan(200 * SCALE);
    expect(totalCpu).toBeLessThan(60_000 * SCALE);
  });
});
