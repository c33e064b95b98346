/**
 * The tree of frames the stream layers took, as tshark's: `frame.protocols` names the layers, the
 * top-level nodes follow it (frame, eth, ip, tcp, tls, http), and no `Data` node repeats a
 * payload a layer dissected. Expected chains: `tshark -n -r FILE [-o tls.keylog_file:KEYS] -T
 * fields -e frame.protocols` (tshark 4.0.17), one per frame, with the dissectors we do not have
 * (certificates: x509sat, x509ce, pkcs-1; bodies: data-text-lines, urlencoded-form, data after
 * http) cut from the end.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../../electron/engine/dissectors/values.ts';
import { allFields, fieldByName } from '../../../electron/engine/fields/registry.ts';
import { openSession, scanHttpNow } from '../../../electron/engine/layers/session.ts';
import { openCapture } from '../../../electron/engine/open-capture.ts';
import { addCaptureKeylog } from '../../../electron/engine/tls/capture-tls.ts';
import { CORPUS } from '../../engine/corpus.ts';

const T = 'eth:ethertype:ip:tcp';
const CASES: { capture: string; keys?: string; tshark: string[] }[] = [
  {
    capture: 'pcap/generated/gen-tls13-http11-nsec.pcap',
    keys: 'keys/generated/gen-tls13-http11.keys',
    tshark: [T, T, T, `${T}:tls`, T, `${T}:tls:x509sat:x509sat:pkcs-1:x509ce:x509ce:x509ce:x509ce`, T, `${T}:tls`, `${T}:tls:http`, T,
      `${T}:tls:http:data-text-lines`, `${T}:tls:http`, `${T}:tls:http:data-text-lines`, T, `${T}:tls:http:urlencoded-form`, `${T}:tls:http:data`,
      `${T}:tls`, T, `${T}:tls`, T],
  },
  {
    capture: 'pcap/generated/gen-http11-plain.pcap',
    tshark: [T, T, T, `${T}:http`, T, T, T, `${T}:http:data-text-lines`, T, T, T, T, T, T, T, `${T}:http`, T, T, T, T, T, T, T, T, T, T, T, T,
      `${T}:http:data-text-lines`, T, T, T, T],
  },
];

/** The chain without the sub-dissectors we do not build. */
const cut = (p: string): string => p.replace(/:(x509sat|x509ce|pkcs-1)\b/g, '').replace(/:http:(data-text-lines|urlencoded-form|data)$/, ':http');

describe('layer tree and frame.protocols equal tshark 4.0', () => {
  for (const c of CASES) {
    it(c.capture, async () => {
      const { capture: base, indexing } = await openCapture(join(CORPUS, c.capture));
      await indexing;
      try {
        const s = openSession(base);
        if (c.keys) addCaptureKeylog(s.capture, { path: join(CORPUS, c.keys) });
        scanHttpNow(s);
        expect(s.capture.count()).toBe(c.tshark.length);
        const names = new Map(allFields().map((f) => [f.id, f.name]));
        const d = createDissection();
        const protocols = fieldByName('frame.protocols')!;
        for (let e = 1; e <= s.capture.count(); e++) {
          s.capture.dissect(e, d);
          const want = cut(c.tshark[e - 1]);
          expect(fieldStrings(d, protocols), `frame ${e}`).toEqual([want]);
          const top: string[] = [];
          for (let i = 0; i < d.n; i++) if (d.parent[i] === -1) top.push(names.get(d.fid[i]) ?? '?');
          // Layer order: frame, then each protocol of the chain once (ethertype is no tree node).
          const chain = want.split(':').filter((p) => p !== 'ethertype');
          expect(top, `frame ${e}`).toEqual(['frame', ...chain]);
        }
      } finally {
        base.close();
      }
    });
  }
});
