/**
 * `npm run bench`: performance of the engine on generated inputs, printed as one JSON line per
 * measurement, with tshark's time on the same file when tshark is installed. Not a test: the
 * numbers go into notes and are compared by people, on the machine at hand. CPU seconds are
 * printed beside wall seconds because this machine is often shared.
 *
 * BENCH_ONLY=pcap,filter,scap,strace,tls picks parts; BENCH_PACKETS sets the pcap size.
 * `npm run bench -- shapes …` runs the capture-shapes suite instead (bench/shapes/suite.ts, docs/bench.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Capture } from '../electron/engine/capture.ts';
import { runFilter } from '../electron/engine/filter/run-filter.ts';
import { openCapture } from '../electron/engine/open-capture.ts';
import { makeBenchPcap } from './make-pcap.ts';
import { benchTls } from './tls.ts';
import { benchStreams } from './streams.ts';
import { runShapes } from './shapes/suite.ts';

const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });
const only = new Set((process.env.BENCH_ONLY ?? 'pcap,filter,streams,scap,strace,tls').split(','));

function report(name: string, values: Record<string, number | string | boolean>): void {
  console.log(JSON.stringify({ bench: name, ...values }));
}

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function timeTshark(args: string[]): number | string {
  if (!hasTshark()) return 'tshark not installed';
  const t0 = performance.now();
  execFileSync('tshark', args, { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
  return Number(((performance.now() - t0) / 1000).toFixed(2));
}

function generate(script: string, args: string[]): void {
  execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], { stdio: 'ignore' });
}

async function benchIndex(label: string, path: string): Promise<Capture> {
  const size = statSync(path).size;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let firstRowsMs = -1;
  const { capture, indexing } = await openCapture(path, {
    onProgress: (i) => {
      if (firstRowsMs < 0 && i.events > 0) firstRowsMs = performance.now() - t0;
    },
  });
  if (firstRowsMs < 0 && capture.count() > 0) firstRowsMs = performance.now() - t0;
  await indexing;
  const secs = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const info = capture.info();
  const indexBytes = Number(info.extra.indexBytes ?? 0);
  report(`index ${label}`, {
    events: info.events,
    megabytes: Number((size / 1e6).toFixed(1)),
    seconds: Number(secs.toFixed(3)),
    cpuSeconds: Number(((cu.user + cu.system) / 1e6).toFixed(3)),
    eventsPerSec: Math.round(info.events / secs),
    mbPerSec: Number((size / 1e6 / secs).toFixed(1)),
    firstRowsMs: Number(firstRowsMs.toFixed(1)),
    ...(indexBytes ? { indexBytesPerEvent: Number((indexBytes / info.events).toFixed(1)) } : {}),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  return capture;
}

function rowsPage(label: string, capture: Capture): void {
  const out: string[] = [];
  const pages = 200;
  const total = capture.count();
  const t1 = performance.now();
  for (let p = 0; p < pages; p++) {
    const start = Math.floor((total - 60) * (p / pages));
    for (let e = start + 1; e <= start + 50; e++) capture.cells(e, out);
  }
  report(`rows page ${label} (50 rows)`, { msPerPage: Number(((performance.now() - t1) / pages).toFixed(3)) });
}

async function benchFilter(capture: Capture, path: string, filter: string, tshark: boolean): Promise<void> {
  const t0 = performance.now();
  const r = await runFilter(capture, filter);
  const secs = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`${filter}: ${r.errors[0]?.message}`);
  const tsharkSeconds = tshark ? timeTshark(['-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number']) : 'not run';
  report('filter', {
    filter,
    indexed: r.indexed === true,
    matched: r.events.length,
    seconds: Number(secs.toFixed(3)),
    eventsPerSec: Math.round(capture.count() / secs),
    tsharkSeconds,
    ...(typeof tsharkSeconds === 'number' ? { speedup: Number((tsharkSeconds / secs).toFixed(1)) } : {}),
  });
}

/** The original bench (no arguments): unchanged. */
async function benchAll(): Promise<void> {
  if (only.has('pcap') || only.has('filter') || only.has('streams')) {
    const path = join(outDir, 'bench.pcap');
    const want = Number(process.env.BENCH_PACKETS ?? 1_000_000);
    if (!existsSync(path) || statSync(path).size < want * 100) makeBenchPcap(path, want);
    const capture = await benchIndex('pcap', path);
    if (only.has('pcap')) {
      report('tshark conv,tcp on the same file', { seconds: timeTshark(['-r', path, '-q', '-z', 'conv,tcp']) });
      rowsPage('pcap', capture);
    }
    if (only.has('filter')) {
      await benchFilter(capture, path, 'tcp.stream == 5', false);
      await benchFilter(capture, path, 'frame.len > 1000 and not udp.stream in {1..100}', false);
      await benchFilter(capture, path, 'ip.src == 10.0.0.7', true);
      await benchFilter(capture, path, 'dns.qry.name == "host1.example.com"', true);
    }
    if (only.has('streams')) benchStreams(capture, path, report, hasTshark());
    capture.close();
  }

  if (only.has('scap')) {
    const path = join(outDir, 'bench.scap');
    if (!existsSync(path)) generate('make-scap.ts', [String(process.env.BENCH_SCAP_EVENTS ?? 2_000_000), path]);
    const capture = await benchIndex('scap', path);
    rowsPage('scap', capture);
    await benchFilter(capture, path, 'evt.type == connect', false);
    capture.close();
  }

  if (only.has('strace')) {
    const path = join(outDir, 'bench.strace');
    if (!existsSync(path)) generate('make-strace.ts', [path, String(process.env.BENCH_STRACE_MB ?? 300)]);
    const capture = await benchIndex('strace', path);
    rowsPage('strace', capture);
    capture.close();
  }

  if (only.has('tls')) benchTls(report);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'shapes') await runShapes(rest);
else if (mode !== undefined) throw new Error(`unknown bench ${mode} (npm run bench, or npm run bench -- shapes …)`);
else await benchAll();
