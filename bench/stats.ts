/**
 * Time of each statistic on one capture, after indexing (which the window has done already):
 *   node --import tsx bench/stats.ts CAPTURE [NAME...]
 * Prints per statistic: rows, ms, CPU ms, RSS after (MiB). tshark's times beside it come from
 * running `tshark -n -q -r CAPTURE -z NAME` (see the commit message / report).
 */
import { statsText, STAT_NAMES, type StatName } from '../shared/stats.ts';
import { openCapture } from '../electron/engine/open-capture.ts';
import { httpTapMessages, httpTimedExchanges } from '../electron/engine/layers/http-taps.ts';
import { openSession, protocolLayerChains, scanHttpNow } from '../electron/engine/layers/session.ts';
import { computeStats } from '../electron/engine/stats/run-stats.ts';

async function main(): Promise<void> {
  const [path, ...names] = process.argv.slice(2);
  if (!path) throw new Error('usage: bench/stats.ts CAPTURE [NAME...]');
  const t0 = performance.now();
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const session = openSession(capture);
  const t1 = performance.now();
  scanHttpNow(session);
  console.log(`HTTP scan ${(performance.now() - t1).toFixed(0)} ms (the window does it while indexing)`);
  console.log(`indexed ${capture.count()} events in ${(performance.now() - t0).toFixed(0)} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  for (const n of (names.length ? names : STAT_NAMES) as StatName[]) {
    const cpu = process.cpuUsage();
    const r = computeStats(session.capture, n, undefined, '', { httpMessages: () => httpTapMessages(session.http), httpExchanges: () => httpTimedExchanges(session.http), layerChain: protocolLayerChains(session) });
    const c = process.cpuUsage(cpu);
    const rows = r.kind === 'phs' ? r.frames : r.kind === 'tree' ? (r.roots[0]?.count ?? 0) : r.kind === 'iostat' ? r.columns[0].frames.length : r.kind === 'httpstat' ? r.codes.length + r.methods.length : r.rows.length;
    console.log(`${n}\t${rows} ${r.kind === 'phs' ? 'frames' : r.kind === 'tree' ? 'taps' : 'rows'}\t${r.ms.toFixed(0)} ms\tCPU ${((c.user + c.system) / 1000).toFixed(0)} ms\tRSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\t${statsText(r).length} chars`);
  }
  capture.close();
}

void main();
