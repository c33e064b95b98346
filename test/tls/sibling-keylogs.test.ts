/** A key log saved next to the capture is offered: FILE.keys, or the name without its extension. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { siblingKeylogs } from '../../electron/engine/tls/keylog.ts';

describe('siblingKeylogs', () => {
  it('finds FILE.keys, FILE.keylog and STEM.keys beside a (gzipped) capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracelens-keys-'));
    for (const f of ['a.pcapng', 'a.pcapng.keylog', 'a.keys', 'b.pcap.gz', 'b.keys', 'c.scap', 'unrelated.keys']) writeFileSync(join(dir, f), '');
    expect(siblingKeylogs(join(dir, 'a.pcapng')).sort()).toEqual([join(dir, 'a.keys'), join(dir, 'a.pcapng.keylog')]);
    expect(siblingKeylogs(join(dir, 'b.pcap.gz'))).toEqual([join(dir, 'b.keys')]);
    expect(siblingKeylogs(join(dir, 'c.scap'))).toEqual([]);
  });
  it('offers the sample capture its key log', () => {
    const sample = join(import.meta.dirname, '../../assets/samples/gen-tls13-h2.pcapng');
    expect(siblingKeylogs(sample)).toEqual([join(import.meta.dirname, '../../assets/samples/gen-tls13-h2.keys')]);
  });
});
