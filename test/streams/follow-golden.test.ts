/**
 * TCP follow vs tshark 4.0.17: for every TCP stream of every corpus packet capture, the chunks
 * of `tcpStream` printed as tshark's raw follow must equal `tshark -q -z follow,tcp,raw,N`
 * (goldens made by scripts/make-golden-follow.sh): same bytes per direction, and also the same
 * chunk boundaries and order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { tcpStream } from '../../electron/engine/streams/tcp-reassembly.ts';
import { formatRawTshark } from '../../electron/engine/streams/follow-format.ts';
import { CORPUS } from '../engine/corpus.ts';
import { parseGolden, perDirection } from './follow-golden.ts';


const GOLDEN = join(import.meta.dirname, 'golden', 'follow');

const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.txt'));

describe('follow,tcp,raw equals tshark for every corpus TCP stream', () => {
  it('has goldens', () => expect(files.length).toBeGreaterThan(40));
  for (const g of files) {
    const path = join(CORPUS, g.slice(0, -4).replaceAll('__', '/'));
    it(g.slice(0, -4), async () => {
      const golden = parseGolden(readFileSync(join(GOLDEN, g), 'latin1'));
      expect(golden.length).toBeGreaterThan(0);
      const { capture, indexing } = await openCapture(path);
      await indexing;
      try {
        for (const gs of golden) {
          const s = tcpStream(capture.internals(), gs.n);
          const ours = formatRawTshark(s.chunks).split('\n').slice(0, -1);
          const [ga, gb] = perDirection(gs.lines);
          const [oa, ob] = perDirection(ours);
          expect({ stream: gs.n, client: oa, server: ob }).toEqual({ stream: gs.n, client: ga, server: gb });
          expect({ stream: gs.n, lines: ours }).toEqual({ stream: gs.n, lines: gs.lines });
          // tshark names no nodes (":0") when no segment of the stream reached its follow tap.
          if (gs.node0 !== ':0') {
            expect(s.client).toBe(gs.node0);
            expect(s.server).toBe(gs.node1);
          }
        }
      } finally {
        capture.close();
      }
    }, 60_000);
  }
});
