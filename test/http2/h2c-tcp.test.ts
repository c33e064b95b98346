/**
 * An h2c connection framed as its TCP segments are read (streams/segment-follow.ts followTcpSegments
 * into http2/connection.ts streamHttp2, as tls/capture-tls.ts builds it) equals the one parsed
 * from the reassembled ByteStream and then packed (parseHttp2 + packConnection), column for
 * column and byte for byte; it reads each frame of the stream once, dissects none of shape (d)'s
 * Ethernet/IPv4 frames, and keeps no ByteStream. On shape (d) and the corpus's h2c captures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { packConnection, parseHttp2, streamHttp2, type H2Connection } from '../../electron/engine/http2/connection.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { followTcpSegments, segmentFollowWork } from '../../electron/engine/streams/segment-follow.ts';
import { tcpStream, tcpStreamFrames } from '../../electron/engine/streams/tcp-reassembly.ts';
import { http2OfStream } from '../../electron/engine/tls/capture-tls.ts';
import { CORPUS } from '../tls/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-h2c-tcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a connection keeps, as plain arrays (the parse's lookup state left out). */
function digest(conn: H2Connection): unknown {
  const fx = conn.frames;
  const sc = conn.streams;
  const cut = (a: ArrayLike<number>, n: number): number[] => Array.from(a).slice(0, n);
  return {
    preface: conn.preface, prefaceEvent: conn.prefaceEvent, notes: conn.notes, goaway: conn.goaway,
    frames: { n: fx.n, ev: cut(fx.ev, fx.n), sid: cut(fx.sid, fx.n), pos: cut(fx.pos, fx.n), tf: cut(fx.tf, fx.n), wide: [...fx.wide], monotonic: fx.monotonic },
    dirs: conn.dirs.map((m) => ({ n: m.n, at: cut(m.at, m.n) })),
    packed: conn.packed?.map((p) => ({ bytes: Buffer.from(p.bytes).toString('base64'), off: [...p.off], len: [...p.len], ev: [...p.ev], time: [...p.time] })),
    streams: {
      n: sc.n, id: [...sc.id], head: sc.head.map((a) => [...a]), firstData: sc.firstData.map((a) => [...a]), lastData: sc.lastData.map((a) => [...a]), trl: sc.trl.map((a) => [...a]),
      data: sc.data.map((a) => [...a]), decoded: sc.decoded.map((a) => [...a]), flags: [...sc.flags], method: [...sc.method], ctype: [...sc.ctype], cenc: [...sc.cenc],
      status: [...sc.status], host: [...sc.host], path: [...sc.path], small: sc.small.strings, strings: sc.strings.strings, side: [...sc.side], byId: sc.byId && [...sc.byId],
    },
    snapshots: conn.snapshots.map((l) => l.map((s) => ({ ...s, table: s.table.map((e) => e.join(': ')) }))),
    lowBudget: [...conn.lowBudget],
  };
}

/** The same stream parsed the old way: reassembled into a ByteStream, parsed, packed. */
function fromByteStream(c: Capture, n: number): H2Connection {
  const conn = parseHttp2(tcpStream(c.internals(), n));
  packConnection(conn);
  return conn;
}

/** The connection as capture-tls.ts's cleartextH2 builds it, for any stream (the parse decides on the preface). */
function fromSegments(int: ReturnType<typeof packets>, n: number): H2Connection {
  const parse = streamHttp2();
  followTcpSegments(int, n, parse.feed);
  return parse.end();
}

function packets(c: Capture): Extract<ReturnType<Capture['internals']>, { kind: 'packets' }> {
  const int = c.internals();
  if (int.kind !== 'packets') throw new Error('a packet capture');
  return int;
}

describe('h2c framed from its segments (shape d)', () => {
  it('equals the ByteStream parse; each frame read once, none dissected, no stream kept', async () => {
    const path = join(dir, 'd-6000.pcap');
    const sh = SHAPES.find((x) => x.id === 'd');
    if (!sh) throw new Error('no shape d');
    sh.generate(path, 6000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const int = packets(capture);
    const before = { ...segmentFollowWork };
    // Through the layer's cache, as every HTTP/2 field, filter and the HTTP table reach it.
    const conn = http2OfStream(capture, 'tcp:0');
    if (!conn) throw new Error('tcp:0 carries HTTP/2');
    expect(segmentFollowWork.frames - before.frames).toBe(tcpStreamFrames(int, 0).length);
    expect(segmentFollowWork.dissected - before.dissected).toBe(0);
    expect(conn.stream).toBeUndefined();
    expect(conn.frames.n).toBeGreaterThan(3000);
    expect(digest(conn)).toEqual(digest(fromByteStream(capture, 0)));
  });
});

const H2C_CORPUS = ['pcapng/wireshark/http2_follow_multistream.pcapng', 'pcapng/wireshark/http2-brotli.pcapng', 'pcapng/wireshark/grpc_web.pcapng.gz', 'pcapng/wireshark/packet-h2-14_headers.pcapng'];

describe.skipIf(!CORPUS)('h2c framed from its segments equals the ByteStream parse (corpus)', () => {
  for (const file of H2C_CORPUS) {
    it(file, async () => {
      const { capture, indexing } = await openCapture(`${CORPUS}/${file}`);
      await indexing;
      const int = packets(capture);
      let h2c = 0;
      for (let n = 0; n < int.conv.nTcp; n++) {
        const conn = fromSegments(int, n);
        const old = fromByteStream(capture, n);
        expect(digest(conn), `${file} tcp:${n}`).toEqual(digest(old));
        if (old.frames.n > 0) h2c++;
      }
      expect(h2c).toBeGreaterThan(0);
    });
  }
});
