/**
 * Export names: from the URI and the Content-Type, numbered when repeated, the same in the CLI
 * (export-objects) and the window (Save all, renderer/http/body-kind.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFileNames } from '../../renderer/http/body-kind.ts';
import { countOf } from '../../renderer/status/StatusBar.tsx';
import { extensionOf, objectBaseName, objectFileName, objectNames } from '../../shared/object-names.ts';
import type { HttpExchangeRow } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';
import { cli } from './run-cli.ts';

const TLS = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
const TLS_KEYS = join(CORPUS, 'keys/generated/gen-tls13-http11.keys');

describe('export names', () => {
  it('take the extension from the Content-Type when the URI has none, and number repeats before it', () => {
    expect(objectBaseName('/api/transactions', 'application/json; charset=utf-8')).toBe('transactions.json');
    expect(objectBaseName('/style.css?v=3', 'text/css')).toBe('style.css');
    expect(objectBaseName('/', 'text/html')).toBe('index.html');
    expect(objectBaseName('https://h.example/a%20b', 'application/vnd.api+json')).toBe('a_b.json');
    expect(objectBaseName('/blob', '')).toBe('blob');
    expect(extensionOf('IMAGE/PNG')).toBe('.png');
    const names = objectNames();
    expect(['/t', '/t', '/t'].map((u) => objectFileName(u, names, 'application/json'))).toEqual(['t.json', 't(1).json', 't(2).json']);
  });

  it('Save all in the window names the objects as export-objects writes them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tracelens-names-'));
    try {
      const r = await cli('export-objects', TLS, '--keylog', TLS_KEYS, '--out', out);
      expect(r.code).toBe(0);
      const written = r.out.split('\n').filter(Boolean).map((l) => l.split('\t')[4]);
      expect(readdirSync(out).sort()).toEqual([...written].sort());
      const c = inProcessEngine();
      await openDone(c, TLS);
      await c.call('addKeylog', { path: TLS_KEYS });
      const rows: HttpExchangeRow[] = await c.call('httpExchanges', {});
      c.close();
      // The CLI writes the exchanges with a response body; the window lists those with any body.
      const withResponse = rows.filter((x) => x.response !== null && x.responseWireBytes > 0);
      expect(exportFileNames(withResponse).map((n) => n.response)).toEqual(written);
      expect(written.length).toBeGreaterThan(1);
      expect(written.every((n) => /\.[a-z]+$/.test(n))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('counts are written one way', () => {
    expect(countOf(555014, 'exchange')).toBe('555,014 exchanges');
    expect(countOf(1, 'exchange')).toBe('1 exchange');
  });
});
