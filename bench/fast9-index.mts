// Index pass CPU time in-process: `node --import tsx bench/fast9-index.mts FILE generic|fixed [runs]`;
// prints the minimum user+sys ms of `runs` passes (each a fresh openCapture, awaiting .indexing).
import { openCapture } from '../electron/engine/open-capture.ts';

const [file = '/work/captures/ka-1m.pcap', mode = 'fixed', runs = '3'] = process.argv.slice(2);
let best = Infinity;
for (let r = 0; r < Number(runs); r++) {
  const t0 = process.cpuUsage();
  const { capture, indexing } = await openCapture(file, { genericIndex: mode === 'generic' });
  await indexing;
  const t = process.cpuUsage(t0);
  best = Math.min(best, (t.user + t.system) / 1000);
  if (r === Number(runs) - 1) console.log(`${mode} ${capture.count()} packets: min ${best.toFixed(0)} ms, ${((best * 1000) / capture.count()).toFixed(3)} us/packet`);
  capture.close();
}
