/**
 * I/O graph series against tshark 4.0.17's -z io,stat on corpus captures: per interval the
 * frames and bytes of all events and of a filter's, as tshark printed them (commands beside).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { chooseInterval, ioSeries } from '../../electron/engine/stats/io-graph.ts';
import { eventBytes, relativeMs } from '../../electron/engine/stats/run-stats.ts';
import { CORPUS } from '../engine/corpus.ts';

async function series(file: string, intervalMs: number, filter: string): Promise<{ all: ReturnType<typeof ioSeries>; kept: ReturnType<typeof ioSeries> }> {
  const { capture, indexing } = await openCapture(join(CORPUS, file));
  await indexing;
  try {
    const relMs = relativeMs(capture);
    let span = 0;
    for (let e = 1; e <= capture.count(); e++) span = Math.max(span, relMs(e));
    const ms = chooseInterval(span, intervalMs);
    const buckets = Math.floor(span / ms) + 1;
    const run = await runFilter(capture, filter);
    if (!run.ok) throw new Error('filter');
    return {
      all: ioSeries('', capture.count(), undefined, buckets, ms, relMs, eventBytes(capture)),
      kept: ioSeries(filter, capture.count(), run.events, buckets, ms, relMs, eventBytes(capture)),
    };
  } finally {
    capture.close();
  }
}

describe('I/O graph series equal tshark -z io,stat', () => {
  it('grpc_web, 1 s: tshark -z io,stat,1,,tcp.srcport==57226 → 0<>1: 12 frames 1758 bytes, 5 frames 724 bytes', async () => {
    const { all, kept } = await series('pcapng/wireshark/grpc_web.pcapng.gz', 1000, 'tcp.srcport==57226');
    expect([all.frames[0], all.bytes[0], kept.frames[0], kept.bytes[0]]).toEqual([12, 1758, 5, 724]);
    // Duration 38027.477306 s: 38028 one-second intervals, each point's first event a kept one.
    expect(all.frames).toHaveLength(38028);
    expect(all.frames.reduce((a, b) => a + b, 0)).toBe(340);
    // tshark -Y tcp.srcport==57226 -T fields -e frame.number: 2 first; 340 frames in all.
    expect(kept.firstEvent[0]).toBe(2);
    expect(all.firstEvent[0]).toBe(1);
  });
  it('dhcp, 100 ms: tshark -z io,stat,0.1,,udp.srcport==67 → 4 frames 1312 bytes, 2 frames 684 bytes', async () => {
    const { all, kept } = await series('pcap/wireshark/dhcp.pcap', 100, 'udp.srcport==67');
    expect([all.frames, all.bytes, kept.frames, kept.bytes]).toEqual([[4], [1312], [2], [684]]);
  });
  it('chooses a nice interval giving at most 1000 points, and refuses too many', () => {
    expect(chooseInterval(38_027_477, 0)).toBe(60_000);
    expect(chooseInterval(70, 0)).toBe(1);
    expect(() => chooseInterval(38_027_477, 1)).toThrow(/more than 200000 points/);
  });
});
