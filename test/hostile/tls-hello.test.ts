/**
 * The ClientHello / ServerHello filter (tls/hello-filter.ts answers `tls.handshake.type == 1`
 * from the streams decoded without keys) on corrupt and truncated ClientHellos: lengths past the
 * record or the stream, extension lengths that lie, a 0-length SNI, and 400 random breaks of a
 * good hello. Each answer equals the dissecting filter's, no event's dissection throws, and a
 * hello whose message is not all there is no ClientHello (a fragment), as Wireshark shows it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { detailsTree } from '../../electron/engine/host/details-tree.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { clearWork } from '../../electron/engine/tls/capture-tls.ts';
import { tcpPcap } from './pcap.ts';
import { helloCases, helloTurns, mutatedHelloCases, type HelloCase } from './tls-hello-gen.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-hello-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Filters the hello filter answers (alone, in an `and`, in an `or`). */
const HELLO = ['tls.handshake.type == 1', 'tls.handshake.type in {1, 2}', 'tls.handshake.type == 2', 'tls.handshake.type == 1 && tcp.len > 0', 'tls.handshake.type == 1 || tls.handshake.type == 2'];
/** Filters on the hello's fields, dissected either way. */
const FIELDS = ['tls.handshake.extensions_server_name == ""', 'tls.handshake.extensions_server_name', 'tls.record.length > 100', 'tls'];

async function events(c: Capture, f: string): Promise<number[]> {
  const r = await runFilter(c, f);
  if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.errors)}`);
  return [...r.events];
}
/** The dissecting answer: `or` with a frame field takes the path that dissects every event. */
const dissected = (c: Capture, f: string): Promise<number[]> => events(c, `(${f}) || frame.number == 0`);

async function opened(name: string, cases: HelloCase[]): Promise<Capture> {
  const path = join(dir, name);
  writeFileSync(path, tcpPcap(cases.map(helloTurns)));
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return openSession(capture).capture;
}

/** tcpPcap: 3 handshake frames, then the client's flight (one frame here), the server's, the client's data, 2 FINs. */
const helloFrame = (k: number): number => 8 * k + 4;

describe('hello filters on hostile ClientHellos', () => {
  it('each lie: the hello filter equals the dissecting one; a hello not all there is a fragment, not a ClientHello', async () => {
    const cases = helloCases();
    const c = await opened('named.pcap', cases);
    expect(c.count()).toBe(8 * cases.length);
    clearWork.builds = 0;
    const got = new Map<string, number[]>();
    for (const f of HELLO) got.set(f, await events(c, f));
    // The hello filter ran: the streams were decoded without keys, a build each.
    expect(clearWork.builds).toBeGreaterThan(0);
    for (const f of [...HELLO, ...FIELDS]) expect(got.get(f) ?? await events(c, f), f).toEqual(await dissected(c, f));
    const hellos = new Set(got.get('tls.handshake.type == 1'));
    const at = (name: string): number => helloFrame(cases.findIndex((x) => x.name === name));
    for (const name of ['well-formed', 'zero-length SNI host name', 'empty server_name extension', 'extensions block longer than the hello', 'record of length 0', 'hello cut after the random']) {
      expect(hellos.has(at(name)), name).toBe(true);
    }
    for (const name of ['handshake longer than its record, then application data', 'handshake longer than the stream', 'record longer than the stream', 'handshake header cut']) {
      expect(hellos.has(at(name)), name).toBe(false);
      expect(await events(c, `frame.number == ${at(name)} && tls`), name).toEqual([at(name)]);
    }
    // Every server answered with its ServerHello, whatever the client sent.
    expect(got.get('tls.handshake.type == 2')).toEqual(cases.map((_, k) => helloFrame(k) + 1));
    expect(await events(c, 'tls.handshake.extensions_server_name == ""')).toEqual([at('zero-length SNI host name')]);
    const d = createDissection();
    for (let e = 1; e <= c.count(); e++) {
      c.dissect(e, d);
      expect(detailsTree(d).length, `event ${e}`).toBeGreaterThan(0);
    }
  }, 60_000);

  it('400 random breaks of a good hello: the same answers as the dissecting filter, every event dissected', async () => {
    const cases = mutatedHelloCases(400, 13);
    const c = await opened('mutated.pcap', cases);
    for (const f of [...HELLO, ...FIELDS]) expect(await events(c, f), f).toEqual(await dissected(c, f));
    // Not all broken hellos are still hellos, nor all lost: the mutations reach both sides.
    const n = (await events(c, 'tls.handshake.type == 1')).length;
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThan(cases.length);
    const d = createDissection();
    for (let e = 1; e <= c.count(); e++) c.dissect(e, d);
  }, 120_000);
});
