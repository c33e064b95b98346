/**
 * DNS answers name addresses lazily (index/host-names.ts): the index pass notes the frames with
 * A/AAAA/PTR records and builds no table; the first question re-dissects each noted frame once,
 * in file order, and a later question re-dissects none. Shape (g) of the bench (500 k distinct
 * answered addresses) spent more than half its index pass on the eager table.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { createHostNames, dnsPlace, hostName, hostTable, learnHostName, noteNameFrame, nrbPlace } from '../../electron/engine/index/host-names.ts';
import { namedHosts } from '../../electron/engine/host/names-view.ts';

const ON = { network: true, dns: true };

describe('lazy DNS names', () => {
  it('indexes without learning, learns each noted frame once on the first question', async () => {
    const { capture: c, indexing } = await openCapture(join(CORPUS, 'pcap/tcpdump-tests/dns_tcp.pcap'));
    await indexing;
    try {
      const x = c.internals();
      if (x.kind !== 'packets') throw new Error('a packet capture');
      const h = x.index.hostNames;
      // Nothing learned by the pass: the frames are noted.
      expect(h.entries.size).toBe(0);
      expect(h.nFrames).toBeGreaterThan(0);
      expect(h.nFrames).toBeLessThan(c.count());
      let dissected = 0;
      const learn = h.learnFrames;
      if (!learn) throw new Error('the capture sets learnFrames');
      h.learnFrames = (frames, from, to) => {
        dissected += to - from;
        learn(frames, from, to);
      };
      expect(namedHosts(c, ON).length).toBe(6);
      expect(dissected).toBe(h.nFrames);
      expect(hostName(h, '209.87.249.18', ON)).toBe('nic.sandelman.ca');
      namedHosts(c, ON);
      expect(dissected).toBe(h.nFrames);
    } finally {
      c.close();
    }
  });

  it('keeps the file order of NRBs and DNS answers learned after them', () => {
    const h = createHostNames();
    const lazy: [number, string, string][] = [[3, '192.0.2.1', 'dns3.example'], [7, '192.0.2.2', 'dns7.example'], [9, '192.0.2.3', 'dns9.example']];
    // Read during the pass: an NRB after 5 packets for .1 and .2, one after 8 for .4.
    learnHostName(h, '192.0.2.1', 'nrb.example', 'nrb', nrbPlace(5));
    learnHostName(h, '192.0.2.2', 'nrb.example', 'nrb', nrbPlace(5));
    learnHostName(h, '192.0.2.4', 'nrb4.example', 'nrb', nrbPlace(8));
    for (const [frame] of lazy) noteNameFrame(h, frame);
    noteNameFrame(h, 9);
    expect(h.nFrames).toBe(3);
    h.learnFrames = (frames, from, to) => {
      for (let k = from; k < to; k++) for (const [f, a, n] of lazy) if (f === frames[k]) learnHostName(h, a, n, 'dns', dnsPlace(f));
    };
    // Frame 3's answer came before the NRB (the NRB wins), frame 7's after it.
    expect(hostName(h, '192.0.2.1', ON)).toBe('nrb.example');
    expect(hostName(h, '192.0.2.2', ON)).toBe('dns7.example');
    // The order of first learning in the file, not of insertion: .1 (frame 3), .2 (NRB after 5), .4 (after 8), .3 (frame 9).
    expect(hostTable(h, ON).map((e) => e.address)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.4', '192.0.2.3']);
  });
});
