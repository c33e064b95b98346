/**
 * Name resolution from the capture against tshark 4.0.17 (goldens: test/golden/names/,
 * scripts/make-golden-names.ts): on every corpus capture where tshark names an address, the
 * Source/Destination of `tshark -N dn` (our tshark form, which indexes the whole file first)
 * equal tshark -2 -N dn's, and the named addresses equal tshark -z hosts's under -N n (Name
 * Resolution Blocks only) and -N dn (and the DNS answers).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cliOk } from '../cli/run-cli.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { namedHosts } from '../../electron/engine/host/names-view.ts';

const DIR = join(import.meta.dirname, 'names');

/** Captures whose names differ from tshark's, and why (they must still differ). */
const KNOWN: Record<string, string> = {
  'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng': 'its DNS answers are inside WireGuard, which tshark decrypts with the file\'s Decryption Secrets Block; tracelens does not decrypt WireGuard',
};
const goldens = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.tsv')).sort() : [];

/** -z hosts lines as a sorted list (tshark prints its hash tables' order). */
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '').sort();

describe('names from the capture equal tshark -N dn', () => {
  it('has goldens with DNS answers and with Name Resolution Blocks', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(3);
    expect(goldens.some((g) => readFileSync(join(DIR, g.replace(/\.tsv$/, '.hosts-n')), 'utf8') !== '')).toBe(true);
    expect(goldens.some((g) => g.startsWith('pcap__'))).toBe(true);
  });
  for (const g of goldens) {
    const capture = g.slice(0, -'.tsv'.length).replaceAll('__', '/');
    const path = join(CORPUS, capture);
    it(`${capture}: Source and Destination`, async () => {
      const out = await cliOk('tshark', '-r', path, '-N', 'dn', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Source', '-e', '_ws.col.Destination');
      const want = readFileSync(join(DIR, g), 'utf8');
      if (KNOWN[capture]) expect(out, 'now equals tshark\'s: drop it from KNOWN').not.toBe(want);
      else expect(out).toBe(want);
    });
    it(`${capture}: the named hosts (-z hosts)`, async () => {
      const { capture: c, indexing } = await openCapture(path);
      await indexing;
      try {
        if (KNOWN[capture]) return;
        const text = (mode: { network: boolean; dns: boolean }): string[] => lines(namedHosts(c, mode).map((h) => `${h.address}\t${h.name}`).join('\n'));
        expect(text({ network: true, dns: true }), '-N dn').toEqual(lines(readFileSync(join(DIR, `${capture.replaceAll('/', '__')}.hosts-dn`), 'utf8')));
        expect(text({ network: true, dns: false }), '-N n').toEqual(lines(readFileSync(join(DIR, `${capture.replaceAll('/', '__')}.hosts-n`), 'utf8')));
        expect(namedHosts(c, { network: false, dns: true }), 'off: nothing named').toEqual([]);
      } finally {
        c.close();
      }
    });
  }
});
