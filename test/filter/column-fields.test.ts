/**
 * Filtering and sorting on the packet list's Protocol column read what the row shows (TLSv1.3,
 * HTTP, HTTP2 …), not the index's TCP: `_ws.col.protocol == "X"` selects exactly the frames
 * whose Protocol tshark 4.0 prints as X (test/golden/columns, same key logs), and sorting by
 * Protocol orders the rows by tshark's Protocol, ties by frame number. tshark 4.0's -Y does not
 * know `_ws.col.*` (it came with 4.2), so its column output is the oracle here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { sortEvents } from '../../electron/engine/host/sort-view.ts';
import { openSession, scanHttpNow, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { addCaptureKeylog } from '../../electron/engine/tls/capture-tls.ts';
import { COLUMN_KEYS, nameOf } from '../../scripts/make-golden-columns.ts';
import { CORPUS } from '../engine/corpus.ts';

/** Captures whose Protocol column equals tshark's on every row (plain and decrypted HTTP, HTTP/2, TLS 1.2/1.3, DHCP, NTP). */
const CAPTURES = [
  'pcap/generated/gen-http11-plain.pcap',
  'pcapng/generated/gen-tls12-http11.pcapng',
  'pcapng/generated/gen-tls13-h2.pcapng',
  'pcap/wireshark/tls13-rfc8446.pcap',
  'pcapng/wireshark/dhcp.pcapng',
  'pcap/wireshark/ntp.pcap',
  'pcap/illustrated-tls13/capture.pcap',
];

async function session(capture: string): Promise<CaptureSession> {
  const { capture: base, indexing } = await openCapture(join(CORPUS, capture));
  await indexing;
  const s = openSession(base);
  const keys = COLUMN_KEYS[capture]?.keys;
  if (keys) addCaptureKeylog(s.capture, { path: join(CORPUS, keys) });
  scanHttpNow(s);
  return s;
}

/** tshark's rows: frame, Protocol, Info. */
const golden = (capture: string): [number, string, string][] =>
  readFileSync(join(import.meta.dirname, '../golden/columns', `${nameOf(capture)}.tsv`), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [f, p, i = ''] = l.split('\t');
      return [Number(f), p, i];
    });

async function matches(s: CaptureSession, filter: string): Promise<number[]> {
  const r = await runFilter(s.capture, filter);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return [...r.events];
}

describe('the Protocol column as shown, in filters and sorting', () => {
  for (const capture of CAPTURES) {
    it(capture, async () => {
      const s = await session(capture);
      try {
        const rows = golden(capture);
        const protocols = [...new Set(rows.map((r) => r[1]))];
        expect(protocols.length).toBeGreaterThan(0);
        for (const p of protocols) {
          expect(await matches(s, `_ws.col.protocol == "${p}"`), p).toEqual(rows.filter((r) => r[1] === p).map((r) => r[0]));
        }
        // The layer's Info too: every row tshark shows with "Application Data" or an HTTP request line.
        for (const needle of ['Application Data', 'GET /']) {
          expect(await matches(s, `_ws.col.info contains "${needle}"`), needle).toEqual(rows.filter((r) => r[2].includes(needle)).map((r) => r[0]));
        }
        const all = Uint32Array.from(rows.map((r) => r[0]));
        const byProtocol = [...rows].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] - b[0])).map((r) => r[0]);
        expect([...sortEvents(s.capture, all, 'protocol', false)]).toEqual(byProtocol);
      } finally {
        s.base.close();
      }
    });
  }
  it('leaves the details tree without column fields', async () => {
    const s = await session(CAPTURES[0]);
    try {
      const { createDissection } = await import('../../electron/engine/dissectors/dissection.ts');
      const { fieldByName } = await import('../../electron/engine/fields/registry.ts');
      const d = createDissection();
      s.capture.dissect(4, d);
      const id = fieldByName('_ws.col.protocol')?.id;
      expect(Array.from(d.fid.subarray(0, d.n)).includes(id ?? -1)).toBe(false);
    } finally {
      s.base.close();
    }
  });
});
