/**
 * The scan's direct TCP segment reader agrees with the dissectors (tcp-reassembly readFrame)
 * on every frame it accepts: relative seq/ack, flags, segment length and payload bytes, over
 * every pcap/pcapng of the corpus that has TCP.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findField } from '../../electron/engine/dissectors/dissection.ts';
import { hfTcpAck, hfTcpFlags, hfTcpLen, hfTcpPayload, hfTcpSeq } from '../../electron/engine/dissectors/tcp.ts';
import { entryBytes, entryValue } from '../../electron/engine/dissectors/values.ts';
import { createTcpSegment, readTcpSegment, simpleFrame } from '../../electron/engine/streams/tcp-segment.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { createFrameReader, readFrame } from '../../electron/engine/streams/tcp-reassembly.ts';
import { CORPUS } from '../engine/corpus.ts';

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng)(\.gz)?$/.test(name) && statSync(p).size < 20_000_000) out.push(p);
  }
  return out;
}

describe('direct TCP segment reader', () => {
  it('equals the dissected segment on every accepted corpus frame', async () => {
    let accepted = 0;
    for (const path of [...captures(join(CORPUS, 'pcap')), ...captures(join(CORPUS, 'pcapng'))]) {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      const int = capture.internals();
      if (int.kind !== 'packets') continue;
      const r = createFrameReader(int);
      const seg = createTcpSegment();
      for (let f = 1; f <= capture.count(); f++) {
        const sid = int.conv.frameStream[f];
        if (sid === undefined || sid < 0 || !simpleFrame(int, f)) continue;
        const bytes = int.frameBytes(f);
        if (!readTcpSegment(int, f, sid, bytes, seg)) continue;
        accepted++;
        readFrame(r, f, bytes);
        const d = r.d;
        const at = (k: number) => (k < 0 ? undefined : entryValue(d, k));
        const pk = findField(d, hfTcpPayload);
        const want = [at(findField(d, hfTcpSeq)), at(findField(d, hfTcpAck)), (at(findField(d, hfTcpFlags)) as number) & 0xfff, at(findField(d, hfTcpLen)),
          [...(pk < 0 ? [] : entryBytes(d, pk))]];
        expect([seg.seq, seg.ack, seg.flags, seg.seglen, [...seg.payload]], `${path} frame ${f}`).toEqual(want);
      }
      capture.close();
    }
    expect(accepted).toBeGreaterThan(1000);
  }, 300_000);
});
