/** Warming an engine before its first window (host/warm-up.ts): what it opens, and that it changes no answer. */
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS } from '../../shared/colour-rules.ts';
import { warmUp } from '../../electron/engine/host/warm-up.ts';
import { CORPUS } from './corpus.ts';
import { inProcessEngineWithClose, openDone } from './in-process-engine.ts';

const HTTP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const TLS = join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap');
const SCAP = join(CORPUS, 'scap/falco/cat_write.scap');

describe('warmUp', () => {
  it('warms with the first capture that answers after its first chunk: not a scap, not a missing file', async () => {
    expect(await warmUp([HTTP, TLS])).toBe(HTTP);
    expect(await warmUp([SCAP, join(CORPUS, 'no-such.pcap'), TLS])).toBe(TLS);
    expect(await warmUp([SCAP])).toBeNull();
    expect(await warmUp([])).toBeNull();
    // A window has asked for something: it runs that code itself.
    expect(await warmUp([HTTP], () => true)).toBeNull();
  });

  it('yields to a window request that arrived on its port while it read the first chunk, before building its page', async () => {
    // The engine's port is a MessagePort: a message posted as the warm-up starts is delivered
    // after the first chunk, which the warm-up reads in microtasks (before: the page was built first).
    const ch = new MessageChannel();
    let asked = false;
    let posted = false;
    ch.port1.on('message', () => (asked = true));
    const stop = (): boolean => {
      if (!posted) ch.port2.postMessage('open');
      posted = true;
      return asked;
    };
    expect(await warmUp([HTTP], stop)).toBeNull();
    expect(asked).toBe(true);
    ch.port1.close();
  });

  it('leaves the engine as a cold one: the same rows, info and colours for the capture opened after', async () => {
    const answers = async (warmWith: string[]): Promise<unknown[]> => {
      const { client: c, close } = inProcessEngineWithClose({ warmWith });
      // The warm-up runs while the engine already answers: open at once, as a window would.
      await c.call('colourRules', { rules: parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS).rules });
      await openDone(c, HTTP);
      const info = await c.call('info', null);
      const rows = await c.call('rows', { start: 0, count: 40 });
      close();
      return [info.events, info.name, rows.events, rows.strings, rows.cells, rows.colours];
    };
    const cold = await answers([]);
    expect(cold[0]).toBeGreaterThan(10);
    expect(cold[5]).toBeInstanceOf(Uint16Array);
    expect(await answers([TLS])).toEqual(cold);
  });
});
