/**
 * `node --import tsx bench/tcp-pass.ts FILE [--repeat N]`: the index pass and the TCP analysis
 * pass of a packet capture, in process, each with wall and CPU seconds (process.cpuUsage) and
 * the index's bytes per packet. Not a test: the numbers for the profile of issue 14.
 */
import { openCapture } from '../electron/engine/open-capture.ts';
import { packetIndexBytes } from '../electron/engine/index/packet-index.ts';
import { analyseTo, createTcpAnalysis, tcpAnalysisBytes } from '../electron/engine/layers/tcp-analysis.ts';
import { conversationTableBytes } from '../electron/engine/streams/conversations.ts';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/tcp-pass.ts FILE [--repeat N]');
const repeat = Number(rest.includes('--repeat') ? rest[rest.indexOf('--repeat') + 1] : 1) || 1;
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
  const ta = createTcpAnalysis(internals);
  const an = await timed(() => analyseTo(ta, n));
  console.log(JSON.stringify({
    file, packets: n,
    index: { wall: ix.wall, cpu: ix.cpu, bytesPerPacket: Number((packetIndexBytes(internals.index) / n).toFixed(1)), convBytesPerPacket: Number((conversationTableBytes(internals.conv) / n).toFixed(1)) },
    tcpAnalysis: { wall: an.wall, cpu: an.cpu, dissected: ta.dissected, bytesPerPacket: Number((tcpAnalysisBytes(ta) / n).toFixed(1)) },
    loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
  }));
  ix.r.close();
}
