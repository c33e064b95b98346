/**
 * Follow on a capture file cut after it was opened and indexed (a rotated or rewritten file):
 * a stream built before the cut and one built after it give the chunks still in the file and
 * one note naming the first frame gone; no request throws, no note per missing frame.
 */
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { followPage } from '../../electron/engine/host/stream-service.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { tcpPcap, type Turn } from './pcap.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-follow-cut-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enc = new TextEncoder();
/** A request and a 300 kB response (215 segments of 1400 bytes): the cut falls inside it. */
function download(k: number): Turn[] {
  return [{ dir: 0, bytes: enc.encode(`GET /${k} HTTP/1.1\r\n\r\n`) }, { dir: 1, bytes: new Uint8Array(300_000).map((_, i) => 65 + ((i + k) % 26)) }];
}

async function opened(name: string): Promise<{ path: string; capture: Capture }> {
  const path = join(dir, name);
  writeFileSync(path, tcpPcap([download(0), download(1)]));
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return { path, capture };
}

const CUT = /^the capture file changed after it was read: frame (\d+) now has (\d+) of its (\d+) bytes/;

type Page = ReturnType<typeof followPage>;
const bytesOf = (p: Page): number[][] => p.chunks.map((c) => [...c.bytes]);

describe('follow on a file cut after indexing', () => {
  it('a stream followed before the cut: its page keeps the chunks still in the file and says where it stops', async () => {
    const { path, capture } = await opened('before.pcap');
    const whole = followPage(capture, { stream: 'tcp:0' }, 'ascii', 0);
    expect(whole.notes).toEqual([]);
    expect(whole.chunks.length).toBe(whole.totalChunks);
    truncateSync(path, Math.floor(statSync(path).size * 0.3));
    for (const format of ['ascii', 'hex', 'raw', 'yaml'] as const) {
      const cut = followPage(capture, { stream: 'tcp:0' }, format, 0);
      expect(cut.notes, format).toHaveLength(1);
      const m = CUT.exec(cut.notes[0]);
      expect(m, cut.notes[0]).not.toBeNull();
      const gone = Number(m?.[1]);
      expect(Number(m?.[2])).toBeLessThan(Number(m?.[3]));
      // Every chunk before the first frame gone, with its bytes as before.
      const kept = whole.chunks.filter((c) => c.event < gone).length;
      expect(kept, format).toBeGreaterThan(0);
      expect(kept, format).toBeLessThan(whole.chunks.length);
      expect(bytesOf(cut), format).toEqual(bytesOf(whole).slice(0, kept));
    }
    capture.close();
  });

  it('streams built after the cut: the part still in the file, one note (not one per frame)', async () => {
    const { path, capture } = await opened('after.pcap');
    const size = statSync(path).size;
    const whole = [0, 1].map((n) => followPage(capture, { stream: `tcp:${n}` }, 'ascii', 0));
    // Inside stream 1's download, then inside stream 0's, then nothing but the file header.
    for (const [at, stream, kept] of [[0.75, 1, 'some'], [0.3, 0, 'some'], [0.3, 1, 'none'], [0, 0, 'none']] as const) {
      truncateSync(path, Math.floor(size * at));
      // Another stream first: the follow cache holds one stream, so the next is built anew.
      followPage(capture, { stream: `tcp:${1 - stream}` }, 'ascii', 0);
      const cut = followPage(capture, { stream: `tcp:${stream}` }, 'ascii', 0);
      expect(cut.notes, `${at} tcp:${stream}`).toHaveLength(1);
      expect(cut.notes[0]).toMatch(CUT);
      const n = cut.chunks.length;
      expect(n > 0, `${at} tcp:${stream}`).toBe(kept === 'some');
      expect(n).toBeLessThan(whole[stream].chunks.length);
      expect(bytesOf(cut)).toEqual(bytesOf(whole[stream]).slice(0, n));
    }
    capture.close();
  });
});
