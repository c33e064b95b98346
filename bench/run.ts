/**
 * `npm run bench`: performance of the engine on generated inputs, printed as one JSON line per
 * measurement, with tshark's time on the same file when tshark is installed. Not a test: the
 * numbers go into notes and are compared by people, on the machine at hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openCapture } from '../electron/engine/open-capture.ts';
import { makeBenchPcap } from './make-pcap.ts';

const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });

function report(name: string, values: Record<string, number | string>): void {
  console.log(JSON.stringify({ bench: name, ...values }));
}

function tsharkSeconds(args: string[]): number | string {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'tshark not installed';
  }
  const t0 = performance.now();
  execFileSync('tshark', args, { stdio: 'ignore', maxBuffer: 1 << 30 });
  return Number(((performance.now() - t0) / 1000).toFixed(2));
}

async function benchPcap(): Promise<void> {
  const path = join(outDir, 'bench.pcap');
  const want = Number(process.env.BENCH_PACKETS ?? 1_000_000);
  if (!existsSync(path) || statSync(path).size < want * 100) makeBenchPcap(path, want);
  const size = statSync(path).size;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let firstRowsMs = -1;
  const { capture, indexing } = await openCapture(path, {
    onProgress: (i) => {
      if (firstRowsMs < 0 && i.events > 0) firstRowsMs = performance.now() - t0;
    },
  });
  await indexing;
  const secs = (performance.now() - t0) / 1000;
  const info = capture.info();
  const indexBytes = Number(info.extra.indexBytes ?? 0);
  report('index pcap', {
    file: path,
    packets: info.events,
    megabytes: Number((size / 1e6).toFixed(1)),
    seconds: Number(secs.toFixed(3)),
    packetsPerSec: Math.round(info.events / secs),
    mbPerSec: Number((size / 1e6 / secs).toFixed(1)),
    firstRowsMs: Number(firstRowsMs.toFixed(1)),
    indexBytesPerEvent: Number((indexBytes / info.events).toFixed(1)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssGrowthMB: Math.round((process.memoryUsage().rss - rss0) / 1e6),
    tsharkConvTcpSeconds: tsharkSeconds(['-r', path, '-q', '-z', 'conv,tcp']),
  });
  // A page of table rows (Info text is built by re-dissecting just those rows).
  const out: string[] = [];
  const pages = 200;
  const t1 = performance.now();
  for (let p = 0; p < pages; p++) {
    const start = Math.floor((info.events - 60) * (p / pages));
    for (let e = start + 1; e <= start + 50; e++) capture.cells(e, out);
  }
  report('rows page (50 rows)', { msPerPage: Number(((performance.now() - t1) / pages).toFixed(3)) });
  capture.close();
}

await benchPcap();
