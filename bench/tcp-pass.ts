/**
 * `node --import tsx bench/tcp-pass.ts FILE [--repeat N] [--again K]`: the index pass and the TCP
 * analysis pass of a packet capture, in process, each with wall and CPU seconds (process.cpuUsage)
 * and the index's bytes per packet; the analysis runs K more times over the same index (a fresh
 * pass each: warm code). Last line: the least CPU seconds of each over the runs (a shared machine
 * inflates CPU seconds too). Not a test: the numbers for the profile of issue 14.
 */
import { openCapture } from '../electron/engine/open-capture.ts';
import { packetIndexBytes } from '../electron/engine/index/packet-index.ts';
import { analyseTo, createTcpAnalysis, tcpAnalysisBytes } from '../electron/engine/layers/tcp-analysis.ts';
import { conversationTableBytes } from '../electron/engine/streams/conversations.ts';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/tcp-pass.ts FILE [--repeat N]');
const num = (k: string, d: number): number => Number(rest.includes(k) ? rest[rest.indexOf(k) + 1] : d) || d;
const repeat = num('--repeat', 1);
const again = rest.includes('--again') ? num('--again', 0) : 0;
let minIndex = Infinity;
let minAnalysis = Infinity;
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function timed<T>(fn: () => Promise<T> | T): Promise<{ r: T; wall: number; cpu: number }> {
  const w0 = performance.now();
  const c0 = cpu();
  const r = await fn();
  return { r, wall: Number(((performance.now() - w0) / 1000).toFixed(3)), cpu: Number((cpu() - c0).toFixed(3)) };
}
for (let k = 0; k < repeat; k++) {
  const ix = await timed(async () => {
    const o = await openCapture(file);
    await o.indexing;
    return o.capture;
  });
  const internals = ix.r.internals();
  if (internals.kind !== 'packets') throw new Error('not a packet capture');
  const n = internals.index.dataOffset.length;
  let ta = createTcpAnalysis(internals);
  const an = await timed(() => analyseTo(ta, n));
  minIndex = Math.min(minIndex, ix.cpu);
  minAnalysis = Math.min(minAnalysis, an.cpu);
  const warm: number[] = [];
  for (let k = 0; k < again; k++) {
    ta = createTcpAnalysis(internals);
    const w = await timed(() => analyseTo(ta, n));
    warm.push(w.cpu);
    minAnalysis = Math.min(minAnalysis, w.cpu);
  }
  console.log(JSON.stringify({
    file, packets: n,
    index: { wall: ix.wall, cpu: ix.cpu, bytesPerPacket: Number((packetIndexBytes(internals.index) / n).toFixed(1)), convBytesPerPacket: Number((conversationTableBytes(internals.conv) / n).toFixed(1)) },
    tcpAnalysis: { wall: an.wall, cpu: an.cpu, warmCpu: warm, read: ta.read, dissected: ta.dissected, bytesPerPacket: Number((tcpAnalysisBytes(ta) / n).toFixed(1)) },
    loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
  }));
  ix.r.close();
}
console.log(JSON.stringify({ minCpu: { index: minIndex, tcpAnalysis: minAnalysis }, loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))) }));
