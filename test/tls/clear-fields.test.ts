/**
 * TLS fields that keys cannot change (every record of the event sent in the clear; on TLS 1.3
 * the record header and the hellos' fields; ClientHello / ServerHello types) are answered from
 * the streams decoded without keys: no stream is decrypted for them, and the events are those of
 * a filter that decrypts (the same filter or-ed with a frame field, which takes the keyed path).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { addCaptureKeylog, clearWork, tlsCacheWork } from '../../electron/engine/tls/capture-tls.ts';
import { openTls } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-clear-fields-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Filters keys cannot change the answer of (on TLS 1.3). */
const CLEAR = ['tls.handshake.type == 1', 'tls.handshake.type in {1, 2}', 'tls.record.length > 100', 'tls', 'tls.record.version == 0x0303'];
/** Filters that need the keys on encrypted records. */
const KEYED = ['tls.handshake.extensions_server_name contains "."', 'tls.handshake.ciphersuite', 'tls.handshake.type == 11', 'tls.record.content_type == 23', 'tls.app_data', 'not tls.handshake.type'];

async function events(c: Capture, f: string): Promise<number[]> {
  const r = await runFilter(c, f);
  if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.errors)}`);
  return [...r.events];
}

/** The keyed answer: `or` with a frame field takes the dissecting path, where every TLS field comes from the keyed stream. */
const keyed = (c: Capture, f: string): Promise<number[]> => events(c, `(${f}) || frame.number == 0`);

describe('TLS fields from the records sent in the clear', () => {
  it('shape e (TLS 1.3 keep-alive): clear filters decrypt no stream; every answer equals the keyed one', async () => {
    const path = join(dir, 'e-3000.pcap');
    const sh = SHAPES.find((x) => x.id === 'e');
    if (!sh) throw new Error('no shape e');
    const g = sh.generate(path, 3000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    if (!g.keylog) throw new Error('shape e has a key log');
    expect(addCaptureKeylog(s.capture, { path: g.keylog }).errors).toEqual([]);
    const got = new Map<string, number[]>();
    for (const f of CLEAR) {
      tlsCacheWork.builds = 0;
      const a = await events(s.capture, f);
      expect(tlsCacheWork.builds, f).toBe(0);
      expect(a.length, f).toBeGreaterThan(0);
      got.set(f, a);
    }
    expect(clearWork.builds).toBeGreaterThan(0);
    // The first of them decrypts the streams (kept in the cache for the others).
    tlsCacheWork.builds = 0;
    for (const f of KEYED) got.set(f, await events(s.capture, f));
    expect(tlsCacheWork.builds).toBeGreaterThan(0);
    for (const f of [...CLEAR, ...KEYED]) expect(got.get(f), f).toEqual(await keyed(s.capture, f));
    capture.close();
  }, 120_000);

  it('corpus TLS 1.2 and 1.3 captures (0-RTT, HTTP/2, several sessions): the same events as the keyed filter', async () => {
    const cases: [string, string[]][] = [
      ['pcap/wireshark/tls13-rfc8446.pcap', ['keys/wireshark/tls13-rfc8446.keys']],
      ['pcap/wireshark/tls12-chacha20poly1305.pcap', ['keys/wireshark/tls12-chacha20poly1305.keys']],
      ['pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys']],
      ['pcap/generated/gen-tls13-http11-nsec.pcap', ['keys/generated/gen-tls13-http11.keys']],
      ['pcap/wireshark/tls-renegotiation.pcap', []],
    ];
    for (const [rel, keys] of cases) {
      for (const f of [...CLEAR, ...KEYED]) {
        // A capture of its own per filter: the keyed streams the reference builds would answer the next one.
        const c = await openTls(rel, keys, 'node');
        expect(await events(c, f), `${rel}: ${f}`).toEqual(await keyed(c, f));
        c.close();
      }
    }
  }, 120_000);
});

describe('hello filters on a capture without TLS', () => {
  it('shape a (HTTP/1.1 keep-alive): tls.handshake.type == 1 decodes no stream without keys (each starts as plain HTTP)', async () => {
    const path = join(dir, 'a-3000.pcap');
    const sh = SHAPES.find((x) => x.id === 'a');
    if (!sh) throw new Error('no shape a');
    sh.generate(path, 3000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    clearWork.builds = 0;
    expect(await events(s.capture, 'tls.handshake.type == 1')).toEqual([]);
    expect(await events(s.capture, 'tls.handshake.type in {1, 2}')).toEqual([]);
    // One decode per TCP stream (a reassembly of each) before the start check.
    expect(clearWork.builds).toBe(0);
  });
});
