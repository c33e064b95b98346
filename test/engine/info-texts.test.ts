/**
 * The session's Info page (cellTexts('info'), layers/session.ts infoTexts: the SQL events table's
 * Info without a dissection where a row ends an HTTP/1.x message, or where the frame's own Info
 * is TCP's, from its header) equals the Info `cells` shows, row for row, on every corpus
 * pcap/pcapng (with the key logs the column goldens use, so TLS rows are decrypted) and ka-10k,
 * in pages of uneven sizes and starts. The fast rows of both kinds are counted, so a change
 * that sent every row through `cells` would fail too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infoWork, openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { addCaptureKeylog } from '../../electron/engine/tls/capture-tls.ts';
import { COLUMN_KEYS } from '../../scripts/make-golden-columns.ts';
import { CORPUS, corpusFiles } from './corpus.ts';

const KA10K = '/work/captures/ka-10k.pcap';
const files = [
  ...(CORPUS ? [...corpusFiles('pcap', (n) => /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(n)), ...corpusFiles('pcapng', (n) => /\.(pcap|pcapng|ntar)(\.gz)?$/i.test(n))] : []),
  ...(existsSync(KA10K) ? [KA10K] : []),
];

/** Rows whose page Info differs from `cells`' (at most 5, as text), the fast and cells counts. */
async function compare(path: string): Promise<{ diffs: string[]; fast: number; tcp: number; cells: number; rows: number; tagged: number }> {
  const { capture: base, indexing } = await openCapture(path);
  await indexing;
  try {
    const s = openSession(base);
    const rel = CORPUS && path.startsWith(CORPUS) ? path.slice(CORPUS.length + 1) : '';
    const keys = COLUMN_KEYS[rel]?.keys;
    if (keys) addCaptureKeylog(s.capture, { path: join(CORPUS, keys) });
    scanHttpNow(s);
    const cols = s.capture.columns();
    const info = cols.findIndex((c) => c.id === 'info');
    const n = s.capture.count();
    const cells: string[] = [];
    const diffs: string[] = [];
    const fast0 = infoWork.fast;
    const tcp0 = infoWork.tcp;
    const cells0 = infoWork.cells;
    let tagged = 0;
    // Uneven pages: a message's end falls at a page's first and last rows somewhere.
    for (let start = 0, size = 1; start < n; start += size, size = (size * 7 + 3) % 997 + 1) {
      const count = Math.min(size, n - start);
      const page = s.capture.cellTexts?.('info', start, count);
      if (!page) throw new Error('no Info page');
      for (let r = 0; r < count; r++) {
        s.capture.cells(start + r + 1, cells);
        const got = page.dict[page.ids[r]];
        if (got.startsWith('[TCP ')) tagged++;
        if (got !== cells[info] && diffs.length < 5) diffs.push(`frame ${start + r + 1}: page ${JSON.stringify(got)} cells ${JSON.stringify(cells[info])}`);
      }
    }
    return { diffs, fast: infoWork.fast - fast0, tcp: infoWork.tcp - tcp0, cells: infoWork.cells - cells0, rows: n, tagged };
  } finally {
    base.close();
  }
}

describe('Info page equals cells', () => {
  it('has captures', () => expect(files.length).toBeGreaterThan(50));
  let fast = 0;
  let tcp = 0;
  for (const f of files) {
    it(f.replace(`${CORPUS}/`, ''), async () => {
      const r = await compare(f);
      expect(r.diffs).toEqual([]);
      fast += r.fast;
      tcp += r.tcp;
      expect(r.fast + r.tcp + r.cells).toBe(r.rows);
      if (f === KA10K) {
        // 4 956 requests and 4 941 responses end on their own frames: every one is a fast row.
        expect(r.fast).toBeGreaterThanOrEqual(9897);
        // Every other frame is Ethernet → IPv4 → TCP (handshakes, bare ACKs, FINs): none is dissected.
        expect(r.tcp).toBe(r.rows - r.fast);
        expect(r.cells).toBe(0);
      }
    }, 120_000);
  }
  it('takes the fast paths on the corpus', () => {
    console.log(`info-texts: ${fast} HTTP rows, ${tcp} TCP rows without a dissection`);
    expect(fast).toBeGreaterThan(0);
    expect(tcp).toBeGreaterThan(1000);
  });
});
