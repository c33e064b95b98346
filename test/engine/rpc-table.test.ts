/** The engine host's handler table: every method of the contract has an entry; anything else is an error answer. */
import { describe, expect, it } from 'vitest';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { join } from 'node:path';
import { FOLLOW_FORMATS, METHOD_NAMES, STREAM_KINDS, isMethodName, type FollowFormatName, type HttpMessageName, type Port, type ResponseMessage, type StreamKindName } from '../../shared/rpc.ts';
import { CORPUS } from './corpus.ts';
import { inProcessEngine, openDone } from './in-process-engine.ts';

/** Send raw requests (any method text) and collect the answers by id. */
function rawEngine(): { ask: (id: number, method: string, params: unknown) => Promise<ResponseMessage>; close: () => void } {
  const waiting = new Map<number, (r: ResponseMessage) => void>();
  let toEngine: (m: unknown) => void = () => {};
  const port: Port = {
    postMessage: (m) => setImmediate(() => { const r = m as ResponseMessage; if (r.kind === 'response') waiting.get(r.id)?.(r); }),
    onMessage: (h) => (toEngine = h),
    close() {},
  };
  const close = serveEngine(port);
  return {
    ask: (id, method, params) => new Promise((resolve) => { waiting.set(id, resolve); toEngine({ kind: 'request', id, method, params }); }),
    close,
  };
}

describe('RPC handler table', () => {
  it('answers names that are not methods (also Object.prototype names) with an error', async () => {
    const e = rawEngine();
    let id = 0;
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      const r = await e.ask(++id, name, null);
      expect(r).toMatchObject({ ok: false, error: `unknown method ${name}` });
      expect(isMethodName(name)).toBe(false);
    }
    e.close();
  });

  it('has an entry for every listed method: none answers "unknown method"', async () => {
    const e = rawEngine();
    let id = 100;
    for (const name of METHOD_NAMES) {
      const r = await e.ask(++id, name, null);
      if (!r.ok) expect(r.error).not.toMatch(/unknown method/);
      expect(isMethodName(name)).toBe(true);
    }
    e.close();
  });

  it('turns a handler that throws at once (no capture open) into an error answer', async () => {
    const e = rawEngine();
    expect(await e.ask(1, 'info', null)).toMatchObject({ ok: false, error: 'no capture is open' });
    expect(await e.ask(2, 'rows', { start: -1, count: 1 })).toMatchObject({ ok: false });
    expect(await e.ask(3, 'fields', null)).toMatchObject({ ok: true });
    e.close();
  });

  it('checks list-valued parameters against the contract lists', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    const fail = (p: Promise<unknown>): Promise<string> => p.then(() => 'answered', (err: Error) => err.message);
    expect(await fail(c.call('follow', { stream: 'tcp:0', format: 'bogus' as FollowFormatName }))).toBe(`format must be one of ${FOLLOW_FORMATS.join(', ')}`);
    expect(await fail(c.call('streams', { kind: 'sctp' as StreamKindName }))).toBe('kind must be one of tcp, udp, fd');
    expect(await fail(c.call('httpBody', { stream: 'tcp:0', index: 0, message: 'trailer' as HttpMessageName }))).toBe('message must be one of request, response');
    for (const format of FOLLOW_FORMATS) expect((await c.call('follow', { stream: 'tcp:0', format })).id).toBe('tcp:0');
    for (const kind of STREAM_KINDS) expect(Array.isArray(await c.call('streams', { kind }))).toBe(true);
    c.close();
  });

  it('rows pages carry exact times and a generation that changes with every open, filter and sort', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap'));
    const a = await c.call('rows', { start: 0, count: 8 });
    // `tshark -r gen-tls13-http11-nsec.pcap -T fields -e frame.time_epoch` (4.0.17), frames 1-8.
    const epoch = ['1795287928.523659830', '1795287928.523675940', '1795287928.523692662', '1795287928.527037909',
      '1795287928.527056443', '1795287928.530053211', '1795287928.530063229', '1795287928.531770142'];
    const ns = (t: string) => BigInt(t.replace('.', ''));
    expect([...a.timesNs]).toEqual(epoch.map(ns));
    expect([...a.prevTimesNs]).toEqual([ns(epoch[0]), ...epoch.slice(0, 7).map(ns)]);
    const gens = [a.generation];
    await c.call('filter', { text: 'tcp.len > 0' });
    const b = await c.call('rows', { start: 0, count: 3 });
    gens.push(b.generation);
    expect([...b.events]).toEqual([4, 6, 8]);
    // The previous captured event, not the previous row: tshark's frame.time_delta.
    expect([...b.prevTimesNs]).toEqual([ns(epoch[2]), ns(epoch[4]), ns(epoch[6])]);
    await c.call('sort', { column: 'length', descending: true });
    gens.push((await c.call('rows', { start: 0, count: 1 })).generation);
    expect((await c.call('rows', { start: 0, count: 1 })).generation).toBe(gens[2]);
    await c.call('filter', { text: '' });
    gens.push((await c.call('rows', { start: 0, count: 1 })).generation);
    expect(new Set(gens).size).toBe(4);
    expect([...gens].sort((x, y) => x - y)).toEqual(gens);
    c.close();
  });
});
