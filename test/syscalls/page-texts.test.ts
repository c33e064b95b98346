/**
 * A syscall capture's page texts (cellTexts, sortKeyTexts: the SQL events table's text columns
 * without a decode per row and column) equal what `cells` and `sortKey` give, row for row, on
 * every scap and strace capture of the corpus, in pages of uneven sizes and starts, through the
 * session as the engine host uses it. The work is counted: every event's arguments are decoded
 * once for its Arguments and Info, and a scap page reads its bytes a window at a time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_TEXT } from '../../shared/rpc.ts';
import { textSortKey, type Capture } from '../../electron/engine/capture.ts';
import { eventTablePage } from '../../electron/engine/filter/event-table.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { openScap } from '../../electron/engine/readers/scap/open-scap.ts';
import { keyText, syscallPageWork } from '../../electron/engine/syscalls/syscall-index.ts';
import { memSource } from '../scap/mem-source.ts';
import { CORPUS, corpusFiles } from '../engine/corpus.ts';

const ORACLE = /\.(oracle|sysdig|echo_fds)\.txt$|COPYING|LICENSE|docker-curl-https\.txt$/;
const files = CORPUS
  ? [...corpusFiles('scap', (n) => /\.scap(\.gz)?$/.test(n)), ...corpusFiles('strace', (n) => !ORACLE.test(n))]
  : [];

/** Rows whose page text differs from the per-row one (at most 5), per column. */
function compare(c: Capture): string[] {
  const cols = c.columns();
  const n = c.count();
  const cells: string[] = [];
  const diffs: string[] = [];
  for (let start = 0, size = 1; start < n; start += size, size = ((size * 7 + 3) % 997) + 1) {
    const count = Math.min(size, n - start);
    cols.forEach((col, k) => {
      const page = c.cellTexts?.(col.id, start, count);
      const keys = c.sortKeyTexts?.(col.id, start, count);
      if (!page) diffs.push(`no cellTexts page for ${col.id}`);
      for (let r = 0; r < count && diffs.length < 5; r++) {
        const e = start + r + 1;
        c.cells(e, cells);
        const got = page?.dict[page.ids[r]];
        if (got !== cells[k]) diffs.push(`event ${e} ${col.id}: page ${JSON.stringify(got)} cells ${JSON.stringify(cells[k])}`);
        if (!keys) continue;
        const key = c.sortKey?.(e, col.id);
        const want = key === undefined ? undefined : String(key);
        const gotKey = keys.ids[r] === NO_TEXT ? undefined : keys.dict[keys.ids[r]];
        if (gotKey !== want) diffs.push(`event ${e} ${col.id}: key page ${JSON.stringify(gotKey)} sortKey ${JSON.stringify(want)}`);
      }
    });
  }
  return diffs;
}

describe('syscall page texts equal cells and sortKey', () => {
  it('has captures', () => expect(files.length).toBeGreaterThan(30));
  for (const f of files) {
    it(f.replace(`${CORPUS}/`, ''), async () => {
      const { capture, indexing } = await openCapture(f);
      await indexing;
      try {
        expect(compare(openSession(capture).capture)).toEqual([]);
      } finally {
        capture.close();
      }
    }, 120_000);
  }
});

describe('syscall events table work', () => {
  const path = `${CORPUS}/scap/sysdig-inspect/502Error.scap`;
  it.runIf(CORPUS)('decodes each event once for Arguments and Info, a window of bytes per read', async () => {
    const bytes = new Uint8Array(readFileSync(path));
    const src = memSource(bytes, 65536, path);
    let reads = 0;
    const read = src.randomAccess.read;
    src.randomAccess.read = (off, len, into) => {
      reads++;
      return read(off, len, into);
    };
    const capture = await openScap(src, {}, []);
    const c = openSession(capture).capture;
    const n = c.count();
    expect(n).toBe(22381);
    const cols = eventTablePage(c, 0, 1, true).columns.map((x) => x.name);
    expect(cols).toEqual(expect.arrayContaining(['arguments', 'info']));
    const args0 = syscallPageWork.argsEvents;
    reads = 0;
    for (let start = 0; start < n; start += 4096) eventTablePage(c, start, 4096, true);
    // Once per event (a decode per column would be 2n), and a 1 MiB window per read, not a read per event.
    expect(syscallPageWork.argsEvents - args0).toBe(n);
    expect(reads).toBeLessThanOrEqual(Math.ceil(n / 4096) * (Math.ceil(bytes.length / (1 << 19)) + 1));
    expect(reads).toBeLessThan(n / 100);
  });
});

describe('keyText', () => {
  it('prints what textSortKey gives, number-like texts included', () => {
    for (const t of ['', ' ', '12', ' 12 ', '0x1f', '-3', '+.5', '.5e3', 'Infinity', '\u00a0 7', '\n42', '1e400', 'x=1', '> read fd=3', '0 = 0', '-', 'I'])
      expect(keyText(t)).toBe(String(textSortKey(t)));
    expect(keyText('0x1f')).toBe('31');
  });
});
