/**
 * The index pass's first bytes of each TCP stream direction (index/stream-starts.ts): a stream
 * they call "neither TLS nor HTTP/2" is one whose reassembled start is neither, on every corpus
 * capture; on 1 000 short connections (shape b) the TLS and HTTP/2 filters read no frame and
 * build no stream.
 */
import { readdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { startsWithPreface } from '../../electron/engine/http2/connection.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { startsWithNeither, streamStartsOf } from '../../electron/engine/index/stream-starts.ts';
import { tcpStream } from '../../electron/engine/streams/tcp-reassembly.ts';
import { peekWork, startKind, tlsCacheWork, tlsLayerWork } from '../../electron/engine/tls/capture-tls.ts';
import { looksLikeTls } from '../../electron/engine/tls/records.ts';
import { CORPUS } from '../engine/corpus.ts';

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng)(\.gz)?$/.test(name)) out.push(p);
  }
  return out;
}

describe('stream starts noted by the index pass', () => {
  it('"neither" only where the reassembled start is neither TLS nor the HTTP/2 preface (every corpus pcap/pcapng)', async () => {
    const wrong: string[] = [];
    let neither = 0;
    let told = 0;
    let tls = 0;
    for (const path of [...captures(join(CORPUS, 'pcap')), ...captures(join(CORPUS, 'pcapng'))]) {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      const int = capture.internals();
      if (int.kind !== 'packets') continue;
      const noted = streamStartsOf(int.conv);
      if (!noted) throw new Error(`${path}: no starts noted`);
      for (let n = 0; n < int.conv.nTcp; n++) {
        const src = tcpStream(int, n);
        const isTls = looksLikeTls(src);
        const h2c = startsWithPreface(src);
        if (isTls) tls++;
        if (!isTls && !h2c) neither++;
        if (!startsWithNeither(noted, n)) continue;
        told++;
        if (isTls || h2c) wrong.push(`${path} tcp:${n} (tls ${isTls}, h2c ${h2c})`);
      }
    }
    expect(wrong).toEqual([]);
    // Not vacuous: TLS streams are there, and most streams that are neither are told unread.
    expect(tls).toBeGreaterThan(20);
    expect(told).toBeGreaterThan(neither * 0.8);
  }, 300_000);

  const dir = mkdtempSync(join(tmpdir(), 'tracelens-starts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('short connections (shape b): TLS and HTTP/2 filters read no frame, build no stream, pass over every frame', async () => {
    const path = join(dir, 'b.pcap');
    const shape = SHAPES.find((x) => x.id === 'b');
    if (!shape) throw new Error('no shape b');
    shape.generate(path, 10_000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    expect(int.conv.nTcp).toBeGreaterThan(900);
    peekWork.reads = 0;
    peekWork.noted = 0;
    tlsCacheWork.builds = 0;
    tlsLayerWork.notedEvents = 0;
    for (const f of ['tls.handshake.type == 1', 'http2.streamid == 3', 'tls', 'http2']) {
      const r = await runFilter(s.capture, f);
      if (!r.ok) throw new Error(f);
      expect(r.events.length, f).toBe(0);
    }
    expect(peekWork.reads).toBe(0);
    expect(tlsCacheWork.builds).toBe(0);
    // Each frame of each filter passed over from its stream's noted start.
    expect(tlsLayerWork.notedEvents).toBe(4 * s.base.count());
    for (let n = 0; n < int.conv.nTcp; n++) expect(startKind(s.base, `tcp:${n}`)).toEqual({ tls: false, h2c: false });
    expect(peekWork.noted).toBe(int.conv.nTcp);
    expect(peekWork.reads).toBe(0);
  });
});
