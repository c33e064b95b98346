/**
 * `tracelens list FILE -f FILTER` end to end through the CLI runner (engine worker, index,
 * filter RPC, paged rows/extract): the frame numbers it prints must be the ones tshark -Y gave
 * for a sample of the golden filter table (test/golden/filters/filters.tsv).
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { CORPUS } from '../engine/corpus.ts';
import { GOLDEN_FILTERS, KNOWN_FILTER_DIFFERENCES } from '../filter/golden-table.ts';

const corpus = CORPUS;
const rows = GOLDEN_FILTERS;

/** Known differences of the filter engine itself (see test/filter/golden.test.ts). */
const KNOWN = new Set(Object.keys(KNOWN_FILTER_DIFFERENCES));

/**
 * A fixed sample: every 9th row, plus each file's first row, so every capture and a spread of
 * operators go through the CLI without running all ~150 (each run starts a worker and indexes).
 */
const sample = rows.filter((r, i) => !KNOWN.has(r.filter) && (i % 9 === 0 || rows.findIndex((x) => x.file === r.file) === i));

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = collector();
  const err = collector();
  const code = await runCli(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

describe('list -f through the CLI runner', () => {
  it('samples at least 15 golden filters over every golden capture', () => {
    expect(sample.length).toBeGreaterThanOrEqual(15);
    expect(new Set(sample.map((r) => r.file)).size).toBe(new Set(rows.map((r) => r.file)).size);
  });

  for (const { file, filter, frames } of sample) {
    it(`${file.split('/').pop()}: ${filter}`, async () => {
      const r = await cli(['list', join(corpus, file), '-f', filter, '-e', 'frame.number']);
      expect(r.code, r.err).toBe(0);
      const got = r.out.split('\n').filter(Boolean).map(Number);
      expect(got).toEqual(frames);
    }, 60_000);
  }

  it('prints the default columns of the matching events only', async () => {
    const file = join(corpus, 'pcap/generated/gen-http11-plain.pcap');
    const all = await cli(['list', file]);
    const some = await cli(['list', file, '-f', 'tcp.flags.syn == 1']);
    expect(some.code).toBe(0);
    const lines = some.out.split('\n').filter(Boolean);
    // tshark -r gen-http11-plain.pcap -Y 'tcp.flags.syn == 1' → frames 1 2 13 14
    expect(lines.map((l) => l.split('\t')[0])).toEqual(['1', '2', '13', '14']);
    const allLines = all.out.split('\n').filter(Boolean);
    expect(lines).toEqual([0, 1, 12, 13].map((i) => allLines[i]));
  }, 60_000);

  it('rejects a filter that does not parse, with the message and a caret under the error', async () => {
    const r = await cli(['list', join(corpus, 'pcap/generated/gen-http11-plain.pcap'), '-f', '  ip.srcc == 1.2.3.4']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('tracelens: "ip.srcc" is not a field — did you mean ip.src?\n  ip.srcc == 1.2.3.4\n  ^^^^^^^\n');
  }, 60_000);

  it('marks an error at the end of the filter with one caret past the text', async () => {
    const r = await cli(['list', join(corpus, 'pcap/generated/gen-http11-plain.pcap'), '-f', 'tcp.port ==']);
    expect(r.code).toBe(1);
    const [, shown, caret] = r.err.split('\n');
    expect(shown).toBe('  tcp.port ==');
    expect(caret.indexOf('^')).toBeGreaterThanOrEqual('  tcp.port'.length);
  }, 60_000);
});
