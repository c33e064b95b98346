/**
 * Time of each statistic on one capture, after indexing (which the window has done already):
 *   node --import tsx bench/stats.ts CAPTURE [--keylog KEYS] [NAME...]
 * Prints per statistic: rows, ms, CPU ms, RSS after (MiB). Without names: every fixed statistic,
 * io,stat,1, and on a syscall capture the syscall overview; one the capture kind lacks (conv on
 * a syscall capture) prints its error and the rest go on. tshark's times beside it come from
 * running `tshark -n -q -r CAPTURE -z NAME` (see the commit message / report).
 */
import { statsText, STAT_NAMES, type StatName, type StatsResult } from '../shared/stats.ts';
import { openCapture } from '../electron/engine/open-capture.ts';
import { httpTapMessages, httpTimedExchanges } from '../electron/engine/layers/http-taps.ts';
import { openSession, protocolLayerChains, scanHttpNow } from '../electron/engine/layers/session.ts';
import { computeStats } from '../electron/engine/stats/run-stats.ts';
import { syscallOverview } from '../electron/engine/stats/syscall-overview.ts';
import { addCaptureKeylog } from '../electron/engine/tls/capture-tls.ts';

const OVERVIEW = 'syscall overview';

function rowsOf(r: StatsResult): string {
  if (r.kind === 'phs') return `${r.frames} frames`;
  if (r.kind === 'tree') return `${r.roots[0]?.count ?? 0} taps`;
  if (r.kind === 'iostat') return `${r.columns[0].frames.length} rows`;
  if (r.kind === 'httpstat') return `${r.codes.length + r.methods.length} rows`;
  return `${r.rows.length} rows`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const k = args.indexOf('--keylog');
  const keylog = k >= 0 ? args.splice(k, 2)[1] : undefined;
  const [path, ...names] = args;
  if (!path) throw new Error('usage: bench/stats.ts CAPTURE [--keylog KEYS] [NAME...]');
  const t0 = performance.now();
  const { capture, indexing } = await openCapture(path);
  await indexing;
  if (keylog) console.log(`key log: ${addCaptureKeylog(capture, { path: keylog }).added} secrets`);
  const session = openSession(capture);
  const t1 = performance.now();
  scanHttpNow(session);
  console.log(`HTTP scan ${(performance.now() - t1).toFixed(0)} ms (the window does it while indexing)`);
  console.log(`indexed ${capture.count()} events in ${(performance.now() - t0).toFixed(0)} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  const syscalls = capture.internals().kind === 'syscalls';
  const all = names.length ? names : [...STAT_NAMES, 'io,stat,1', ...(syscalls ? [OVERVIEW] : [])];
  for (const n of all) {
    const cpu = process.cpuUsage();
    const w = performance.now();
    let what: string;
    let text: () => string = () => '';
    try {
      if (n === OVERVIEW) {
        const o = syscallOverview(session.capture);
        what = `${o.syscalls.length} syscalls\t${(performance.now() - w).toFixed(0)} ms`;
      } else {
        // The layer chains only for io,phs, as the engine host passes them (engine-host.ts stats).
        const r = computeStats(session.capture, n as StatName, undefined, '', { httpMessages: () => httpTapMessages(session.http), httpExchanges: () => httpTimedExchanges(session.http), layerChain: n === 'io,phs' ? protocolLayerChains(session) : undefined });
        what = `${rowsOf(r)}\t${r.ms.toFixed(0)} ms`;
        text = () => statsText(r);
      }
    } catch (e) {
      console.log(`${n}\tn/a: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const c = process.cpuUsage(cpu);
    // The text (what `cli stats` prints) apart: a 100 k-row table's formatting is not its counting.
    const tc = process.cpuUsage();
    const chars = text().length;
    const t = process.cpuUsage(tc);
    console.log(`${n}\t${what}\tCPU ${((c.user + c.system) / 1000).toFixed(0)} ms\tRSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\t${chars} chars, text CPU ${((t.user + t.system) / 1000).toFixed(0)} ms`);
  }
  capture.close();
}

void main();
