/**
 * Follow ▸ HTTP/2 Stream for one substream (`h2:tcp:N:S`) vs tshark 4.0.17's
 * `-z follow,http2,raw,N,S` (golden by scripts/make-golden-h2-follow.ts): the same header blocks
 * in the same order and direction, the same DATA bytes frame by frame, each chunk at a frame
 * tshark lists for the stream; the DATA bytes also equal the exchange's body as sent.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../electron/cli/args.ts';
import { parseH2StreamId } from '../../electron/engine/host/h2-stream.ts';
import { streamFilter } from '../../electron/engine/streams/follow-format.ts';
import { followPage, httpBodyOf, httpExchangeRows } from '../../electron/engine/host/stream-service.ts';
import { openTls } from '../tls/helpers.ts';

type Item = { dir: 0 | 1; headers: [string, string][] } | { dir: 0 | 1; data: number; sha256: string };
const GOLDEN = JSON.parse(readFileSync(join(import.meta.dirname, 'golden', 'follow-h2.json'), 'utf8')) as {
  keys: Record<string, string | null>;
  streams: Record<string, Record<string, { items: Item[]; frames: number[] }>>;
};

const dec = new TextDecoder();

/** A header chunk's text back to fields (our `name: value` lines ending with an empty line). */
function headerLines(b: Uint8Array): [string, string][] | null {
  const t = dec.decode(b);
  if (!t.endsWith('\r\n\r\n')) return null;
  return t.slice(0, -4).split('\r\n').map((l) => {
    const i = l.indexOf(': ', 1);
    return [l.slice(0, i), l.slice(i + 2)] as [string, string];
  });
}

describe('Follow HTTP/2 stream equals tshark follow,http2', () => {
  for (const [file, streams] of Object.entries(GOLDEN.streams)) {
    it(file, async () => {
      const keys = GOLDEN.keys[file];
      const c = await openTls(file, keys ? [keys] : [], 'node');
      for (const [id, want] of Object.entries(streams)) {
        const p = followPage(c, { stream: id }, 'none');
        expect(p.id).toBe(id);
        expect(p.kind).toBe('http2');
        expect(p.pages).toBe(1);
        expect(p.filter).toBe(streamFilter(id));
        // Header chunks are the ones tshark lists as header blocks, in order; DATA the rest.
        let hi = 0;
        const got: Item[] = p.chunks.map((ch) => {
          const w = want.items[hi++];
          if (w && 'headers' in w) return { dir: ch.dir, headers: headerLines(ch.bytes) ?? [] };
          return { dir: ch.dir, data: ch.bytes.length, sha256: createHash('sha256').update(ch.bytes).digest('hex') };
        });
        expect(got, id).toEqual(want.items);
        for (const ch of p.chunks) expect(want.frames, `${id} chunk at event ${ch.lastEvent ?? ch.event}`).toContain(ch.lastEvent ?? ch.event);
        expect(p.summary.clientChunks + p.summary.serverChunks).toBe(want.items.length);
      }
      c.close();
    }, 60_000);
  }

  it('gen-tls13-h2: DATA of streams 1, 3, 5 is each exchange body as sent; tls: and bare-number ids name the same stream', async () => {
    const c = await openTls('pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys'], 'node');
    const rows = httpExchangeRows(c.session);
    expect(rows.map((r) => r.streamId)).toEqual([1, 3, 5]);
    for (const r of rows) {
      const body = httpBodyOf(c.session, r.stream, r.index, 'response');
      const p = followPage(c, { stream: `h2:tcp:0:${r.streamId}` }, 'none');
      const server = p.chunks.filter((ch) => ch.dir === 1).slice(1);
      const bytes = Buffer.concat(server.map((ch) => ch.bytes));
      expect(bytes.equals(Buffer.from(body.raw)), `stream ${r.streamId}`).toBe(true);
      expect(p.totalBytes[1] - p.chunks.filter((ch) => ch.dir === 1)[0].bytes.length).toBe(r.responseWireBytes);
      // The request's header block names the exchange's path.
      expect(dec.decode(p.chunks[0].bytes)).toContain(`:path: ${r.uri}\r\n`);
      for (const alias of [`h2:tls:tcp:0:${r.streamId}`, `h2:0:${r.streamId}`]) expect(followPage(c, { stream: alias }, 'none').totalBytes).toEqual(p.totalBytes);
    }
    const ascii = followPage(c, { stream: 'h2:tcp:0:1' }, 'ascii').text;
    expect(ascii).toMatch(/:method: GET\r?\n:path: \/\r?\n/);
    expect(ascii).toContain('hello 2.0 GET /');
    expect(followPage(c, { stream: 'h2:tcp:0:1' }, 'none').notes.join('\n')).toMatch(/stream 1 reset by the client \(STREAM_CLOSED\)/);
    expect(() => followPage(c, { stream: 'h2:tcp:0:7' }, 'none')).toThrow(/no HTTP\/2 stream 7 \(streams: 1, 3, 5\)/);
    c.close();
  }, 60_000);

  it('without the key log the connection carries no readable HTTP/2, said plainly', async () => {
    const c = await openTls('pcapng/generated/gen-tls13-h2.pcapng', [], 'node');
    expect(() => followPage(c, { stream: 'h2:tcp:0:1' }, 'none')).toThrow(/tcp:0 does not carry HTTP\/2.*no key/);
    c.close();
  }, 60_000);

  it('ids and filters', () => {
    expect(parseH2StreamId('h2:tcp:0:3')).toEqual({ source: 'tcp:0', streamId: 3 });
    expect(parseH2StreamId('h2:tls:tcp:2:1')).toEqual({ source: 'tcp:2', streamId: 1 });
    expect(parseH2StreamId('h2:4:5')).toEqual({ source: 'tcp:4', streamId: 5 });
    expect(parseH2StreamId('h2:fd:100:5:0:1')).toEqual({ source: 'fd:100:5:0', streamId: 1 });
    expect(parseH2StreamId('h2:tcp:0')).toBeNull();
    expect(streamFilter('h2:tcp:0:3')).toBe('tcp.stream eq 0 and http2.streamid eq 3');
    expect(streamFilter('h2:fd:100:5:0:1')).toBe('fd.stream == 0 and http2.streamid eq 1');
    expect(parseCliArgs(['follow', 'x.pcap', '--stream', 'h2:tcp:0:3'])).toMatchObject({ stream: 'h2:tcp:0:3' });
    expect(() => parseCliArgs(['follow', 'x.pcap', '--stream', 'h2:tcp:0'])).toThrow(UsageError);
  });
});
