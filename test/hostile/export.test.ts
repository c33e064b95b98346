/**
 * Issue 11 item 12 and the export half of item 3: export-objects shortens over-long names
 * (keeping the extension), numbers repeats in O(1), never stops at one object's error, and
 * writes bodies page by page.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_OBJECT_NAME, objectFileName, objectNames } from '../../electron/cli/streams-cli.ts';
import { longNameExchanges } from './names.ts';
import { httpExchange, tcpPcap } from './pcap.ts';
import { zstdRleBomb } from './bombs.ts';
import { cli } from '../cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-hostile-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export-objects names', () => {
  it('a 300-character segment is shortened, keeps its extension, and differs from its neighbours', () => {
    const names = objectNames();
    const a = objectFileName(`/${'a'.repeat(300)}.tar.gz`, names);
    const b = objectFileName(`/${'a'.repeat(299)}b.tar.gz`, names);
    expect(a.length).toBeLessThanOrEqual(MAX_OBJECT_NAME);
    expect(a).toMatch(/^a+~[0-9a-f]{10}\.gz$/);
    expect(b).not.toBe(a);
    expect(objectFileName(`/${'a'.repeat(300)}.tar.gz`, names)).toBe(a.replace(/\.gz$/, '(1).gz'));
  });

  it('20,000 exchanges of one URI are named in linear time', () => {
    const names = objectNames();
    const t0 = performance.now();
    let last = '';
    for (let k = 0; k < 20_000; k++) last = objectFileName('/same.json', names);
    expect(last).toBe('same(19999).json');
    expect(performance.now() - t0).toBeLessThan(500);
    // Parentheses from a URI are replaced, so a URI never takes a numbered name.
    expect(objectFileName('/same(20000).json', names)).toBe('same_20000_.json');
    expect(objectFileName('/same.json', names)).toBe('same(20000).json');
  });
});

describe('export-objects on hostile captures', () => {
  it('an over-long name and an unwritable object do not stop the rest; a bomb body is written truncated', async () => {
    const file = join(dir, 'names.pcap');
    const bomb = httpExchange('/bomb.bin', zstdRleBomb(512 * 1024 * 1024), 'zstd');
    writeFileSync(file, tcpPcap([longNameExchanges(300, 3), httpExchange('/blocked.txt', new TextEncoder().encode('x'), ''), bomb]));
    const out = join(dir, 'out');
    // A directory where a file should go: that one object fails, the others are written.
    mkdirSync(join(out, 'blocked.txt'), { recursive: true });
    const before = process.env.TRACELENS_MAX_BODY_MIB;
    process.env.TRACELENS_MAX_BODY_MIB = '40';
    try {
      const r = await cli('export-objects', file, '--out', out);
      expect(r.err).toMatch(/export-objects: blocked\.txt \(response at event \d+\): EISDIR/);
      expect(r.err).toMatch(/1 of 6 objects not written/);
      expect(r.code).toBe(1);
      const files = readdirSync(out).sort();
      expect(files).toHaveLength(6);
      expect(files).toEqual(expect.arrayContaining(['ok-0.txt', 'ok-1.txt', 'ok-2.txt', 'bomb.bin']));
      const long = files.find((f) => f.startsWith('nnn'));
      expect(long).toMatch(/^n+~[0-9a-f]{10}\.txt$/);
      expect(readFileSync(join(out, long ?? ''), 'utf8')).toBe('long\n');
      // 40 MiB in three httpBody pages of at most 16 MiB.
      expect(statSync(join(out, 'bomb.bin')).size).toBe(40 * 1024 * 1024);
      expect(r.out).toMatch(/bomb\.bin\t\(body truncated at 40 MiB \(decoded size limit; raise with TRACELENS_MAX_BODY_MIB\)\)/);
    } finally {
      if (before === undefined) delete process.env.TRACELENS_MAX_BODY_MIB;
      else process.env.TRACELENS_MAX_BODY_MIB = before;
    }
  }, 30_000);
});
