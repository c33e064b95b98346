/**
 * Custom field columns (View ▸ Columns, Apply as Column): the rows page computes their cells
 * from the field declarations, the same texts `extract` (CLI -e, tshark -T fields) gives, and
 * the table sorts by them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldColumnId } from '../../shared/rpc.ts';
import { inProcessEngine, openDone } from './in-process-engine.ts';
import { CORPUS } from './corpus.ts';

const HTTP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const SCAP = join(CORPUS, 'scap/falco/cat_write.scap');
const FIELDS = ['tcp.srcport', 'http.request.method', 'ip.src', 'tcp.flags.syn'];

describe('field columns in rows pages', () => {
  it('gives each field column the cells extract gives, occurrences joined by ","', async () => {
    const c = inProcessEngine();
    // Rows answer at once, before the HTTP scan has named the requests (extract waits for it):
    // compare the two once the scan has finished, which on a loaded machine is later than indexing.
    const scanned = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'httpProgress' && e.finished && resolve()));
    await openDone(c, HTTP);
    await scanned;
    const page = await c.call('rows', { start: 0, count: 100, fields: FIELDS });
    const ex = await c.call('extract', { start: 0, count: 100, fields: FIELDS });
    expect(page.events.length).toBe(33);
    FIELDS.forEach((f, k) => {
      const cells = [...page.cells[fieldColumnId(f)]].map((i) => page.strings[i]);
      expect(cells).toEqual(ex.values.map((v) => v[k].join(',')));
    });
    // The engine's own columns are still there, unchanged.
    const plain = await c.call('rows', { start: 0, count: 100 });
    expect(page.cells.info).toEqual(plain.cells.info.map((i) => page.strings.indexOf(plain.strings[i])));
    expect(plain.cells[fieldColumnId('ip.src')]).toBeUndefined();
    // In a filtered view the cells follow the view's events.
    await c.call('filter', { text: 'http.request' });
    const req = await c.call('rows', { start: 0, count: 100, fields: ['http.request.method'] });
    const methods = [...req.cells[fieldColumnId('http.request.method')]].map((i) => req.strings[i]);
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.every((m) => /^[A-Z]+$/.test(m))).toBe(true);
    await expect(c.call('rows', { start: 0, count: 10, fields: ['ip.nope'] })).rejects.toThrow(/"ip.nope" is not a field/);
    c.close();
  });

  it.skipIf((() => { try { execFileSync('tshark', ['-v'], { stdio: 'ignore' }); return false; } catch { return true; } })())(
    'agrees with tshark -T fields on the corpus capture',
    async () => {
      const c = inProcessEngine();
      await openDone(c, HTTP);
      const page = await c.call('rows', { start: 0, count: 100, fields: ['tcp.srcport', 'ip.dst', 'tcp.len'] });
      const cell = (f: string, r: number): string => page.strings[page.cells[fieldColumnId(f)][r]];
      const want = execFileSync('tshark', ['-r', HTTP, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'tcp.len'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const got = [...page.events].map((_, r) => `${cell('tcp.srcport', r)}\t${cell('ip.dst', r)}\t${cell('tcp.len', r)}\n`).join('');
      expect(got).toBe(want);
      c.close();
    },
  );

  it('frame.time_delta_displayed: since the previous frame of the filtered view, also when sorted', async () => {
    // tshark -r pcap/generated/gen-tls13-http11-nsec.pcap -Y 'tcp.len > 0' -T fields -e frame.number
    //   -e frame.time_delta_displayed (4.0.17): 4 0.000000000, 6 0.003015302, 8 0.001716931.
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap'));
    const F = 'frame.time_delta_displayed';
    const cellsOf = async () => {
      const page = await c.call('rows', { start: 0, count: 100, fields: [F] });
      return new Map([...page.events].map((ev, r) => [ev, page.strings[page.cells[fieldColumnId(F)][r]]]));
    };
    expect((await cellsOf()).get(6)).toBe('0.002996768');
    await c.call('filter', { text: 'tcp.len > 0' });
    const want = new Map([[4, '0.000000000'], [6, '0.003015302'], [8, '0.001716931']]);
    const got = await cellsOf();
    for (const [ev, v] of want) expect(got.get(ev)).toBe(v);
    const ex = await c.call('extract', { start: 0, count: 3, fields: [F] });
    expect(ex.values.map((v) => v[0][0])).toEqual([...want.values()]);
    // Sorted newest first, each row still measures from its predecessor in capture order.
    await c.call('sort', { column: 'no', descending: true });
    const sorted = await cellsOf();
    for (const [ev, v] of want) expect(sorted.get(ev)).toBe(v);
    c.close();
  });

  it('sorts by a field column, numbers as numbers, empty cells last, in a filter too', async () => {
    const c = inProcessEngine();
    await openDone(c, HTTP);
    await c.call('sort', { column: fieldColumnId('tcp.srcport'), descending: true });
    const page = await c.call('rows', { start: 0, count: 100, fields: ['tcp.srcport'] });
    const ports = [...page.cells[fieldColumnId('tcp.srcport')]].map((i) => Number(page.strings[i]));
    expect(ports).toEqual([...ports].sort((a, b) => b - a));
    await expect(c.call('sort', { column: 'field:ip.nope', descending: false })).rejects.toThrow(/sort column/);
    c.close();
  });

  it('works on syscall captures with their fields', async () => {
    const c = inProcessEngine();
    await openDone(c, SCAP);
    const page = await c.call('rows', { start: 0, count: 400, fields: ['evt.type', 'proc.name'] });
    const ex = await c.call('extract', { start: 0, count: 400, fields: ['evt.type', 'proc.name'] });
    const types = [...page.cells[fieldColumnId('evt.type')]].map((i) => page.strings[i]);
    expect(types).toEqual(ex.values.map((v) => v[0].join(',')));
    expect(types).toContain('mmap');
    c.close();
  });
});
