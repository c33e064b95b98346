/**
 * The packet engine's field values equal tshark 4.0.17's, line for line, for every corpus
 * capture tshark reads (oracle: test/golden/fields, made by scripts/make-golden-fields.sh).
 * This runs the same code path as `cli list -e …` (open → index → re-dissect → print).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from './corpus.ts';

const FIELDS = [
  'frame.number', 'frame.len', 'frame.time_epoch', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl',
  'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.len',
  'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.flags.reset', 'udp.srcport', 'udp.dstport', 'udp.stream',
  'dns.id', 'dns.qry.name', 'dns.a', 'dns.aaaa',
];

const GOLDEN = join(import.meta.dirname, '../golden/fields');

/** Our output for one capture, formatted as `tshark -T fields -E separator=/t`. */
export async function fieldLines(path: string, fields: string[]): Promise<string[]> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const defs = fields.map((f) => {
    const def = fieldByName(f);
    if (!def) throw new Error(`no field ${f}`);
    return def;
  });
  const d = createDissection();
  const lines: string[] = [];
  for (let e = 1; e <= capture.count(); e++) {
    capture.dissect(e, d);
    lines.push(defs.map((f) => fieldStrings(d, f).join(',')).join('\t'));
  }
  capture.close();
  return lines;
}

const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.tsv')) : [];

describe('packet fields equal tshark -T fields', () => {
  it('has golden files and the corpus', () => {
    expect(goldens.length).toBeGreaterThan(50);
    expect(existsSync(CORPUS)).toBe(true);
  });
  for (const g of goldens) {
    const rel = g.slice(0, -'.tsv'.length).replaceAll('__', '/');
    it(rel, async () => {
      const want = readFileSync(join(GOLDEN, g), 'utf8').split('\n');
      if (want[want.length - 1] === '') want.pop();
      const got = await fieldLines(join(CORPUS, rel), FIELDS);
      // Compare line by line so a failure names the frame and the field that differ.
      const n = Math.max(want.length, got.length);
      for (let i = 0; i < n; i++) {
        if (got[i] === want[i]) continue;
        const w = (want[i] ?? '').split('\t');
        const o = (got[i] ?? '').split('\t');
        const diffs = FIELDS.map((f, k) => (w[k] !== o[k] ? `${f}: tshark=${JSON.stringify(w[k])} ours=${JSON.stringify(o[k])}` : '')).filter(Boolean);
        expect.soft(diffs, `${rel} frame ${i + 1}`).toEqual([]);
      }
      expect(got.length).toBe(want.length);
    });
  }
});
