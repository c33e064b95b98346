/**
 * Damaged input: truncated and corrupted corpus files never throw, never hang, and every record
 * before the damage still comes out, followed by a precise message.
 */
import { describe, expect, it } from 'vitest';
import { createPcapParser } from '../../electron/engine/readers/pcap.ts';
import { loadCapture, run } from './helpers.ts';

const FILES = [
  'pcap/wireshark/dhcp.pcap',
  'pcap/tcpdump-tests/isup.pcap',
  'pcap/generated/gen-tls13-http11-nsec.pcap',
  'pcapng/wireshark/comments.pcapng',
  'pcapng/wireshark/tls12-dsb.pcapng',
  'pcapng/wireshark/many_interfaces.pcapng.1',
  'pcapng/pcapng-test-generator/output_be/difficult/test202.pcapng',
];

/** Packets whose record/block lies wholly before `cut`, from an undamaged run. */
function completeBefore(full: string[], cut: number, headerLen: (line: string) => number): string[] {
  return full.filter((l) => {
    const f = l.split('\t');
    const dataOffset = Number(f[5]);
    const capLen = Number(f[1]);
    return dataOffset + capLen + headerLen(l) <= cut;
  });
}

describe('truncated files', () => {
  for (const rel of FILES) {
    it(rel, () => {
      const bytes = loadCapture(rel);
      const whole = run(bytes, 0);
      const step = Math.max(1, Math.floor(bytes.length / 23));
      for (let cut = 0; cut < bytes.length; cut += step) {
        const part = bytes.subarray(0, cut);
        const out = run(part, 0, bytes);
        // Every packet that is complete in the prefix comes out unchanged, in order (pcapng blocks
        // carry options and a trailer after the data: up to 4 padding + options + 4 bytes).
        const complete = completeBefore(whole.full, cut, () => (rel.endsWith('.pcap') ? 0 : 4 + 3 + 64));
        expect(out.full.slice(0, complete.length)).toEqual(complete);
        // At most one extra (the truncated) packet, which is flagged.
        const extra = out.full.slice(complete.length);
        for (let i = 0; i < extra.length; i++) {
          const same = whole.full[complete.length + i];
          if (extra[i] !== same) expect(extra[i]).toMatch(/truncated/);
        }
        // Unless the cut falls exactly between two records, the damage is reported.
        const boundaries = new Set([0, 24, ...whole.blockEnds, ...whole.full.map((l) => Number(l.split('\t')[5]) + Number(l.split('\t')[1]))]);
        const atBoundary = rel.endsWith('.pcap') ? boundaries.has(cut) : whole.blockEnds.includes(cut) || cut === 0;
        if (!atBoundary) {
          expect([...out.malformed, ...out.warnings].some((m) => /truncated/.test(m))).toBe(true);
        }
        // Chunking does not matter for damaged input either.
        expect(run(part, 7, bytes).full).toEqual(out.full);
      }
    });
  }
});

describe('corrupted files', () => {
  for (const rel of FILES) {
    it(rel, () => {
      const bytes = loadCapture(rel);
      const whole = run(bytes, 0);
      let seed = 12345;
      for (let k = 0; k < 40; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const at = 24 + (seed % Math.max(1, bytes.length - 24));
        const bad = bytes.slice();
        // Overwrite 4 bytes with a large value: hits lengths, types, timestamps or payload.
        bad[at] = 0xff;
        if (at + 1 < bad.length) bad[at + 1] = 0xff;
        if (at + 2 < bad.length) bad[at + 2] = 0x7f;
        if (at + 3 < bad.length) bad[at + 3] = 0x13;
        const out = run(bad, 0, bytes);
        // Records wholly before the damaged byte are intact.
        const complete = completeBefore(whole.full, at - 32, () => (rel.endsWith('.pcap') ? 0 : 4 + 3 + 64));
        expect(out.full.slice(0, complete.length)).toEqual(complete);
        expect(run(bad, 13, bytes).full).toEqual(out.full);
      }
    });
  }
});

describe('pcap record lengths', () => {
  it('reports an impossible captured length with record number and offset, then stops', () => {
    const bytes = loadCapture('pcap/wireshark/dhcp.pcap').slice();
    // Record 3 header: 24 + (16 + 314) + (16 + 342) = 712; incl_len at +8.
    new DataView(bytes.buffer).setUint32(712 + 8, 0x20000000, true);
    const out = run(bytes, 0);
    expect(out.lines.length).toBe(3);
    expect(out.malformed).toEqual([expect.stringMatching(/^record 3 at byte 712: captured length 536870912 is impossible/)]);
    expect(out.warnings).toEqual([expect.stringMatching(/bytes from byte 712 to the end were skipped/)]);
  });

  it('delivers a truncated last record as malformed with the readable part', () => {
    const bytes = loadCapture('pcap/wireshark/dhcp.pcap');
    // Record 4 starts at 712 + 16 + 314 = 1042, data at 1058, 342 bytes.
    const out = run(bytes.subarray(0, 1058 + 40), 0, bytes);
    expect(out.lines.length).toBe(4);
    expect(out.malformed).toEqual(['record 4 at byte 1042: truncated, 40 of 342 bytes present']);
    expect(out.full[3].split('\t')[1]).toBe('40');
  });

  it('accepts empty input and a header-only file', () => {
    for (const b of [new Uint8Array(0), loadCapture('pcap/wireshark/empty.pcap')]) {
      const out = run(b, 0, loadCapture('pcap/wireshark/empty.pcap'));
      expect(out.lines).toEqual([]);
      expect(out.warnings).toEqual([]);
    }
  });

  it('handles big-endian ns, the modified magic and FCS bits in the link type', () => {
    const mk = (magic: number, le: boolean, linkType: number, recHdr: number): Uint8Array => {
      const b = new Uint8Array(24 + recHdr + 4);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, magic, le);
      dv.setUint16(4, 2, le);
      dv.setUint16(6, 4, le);
      dv.setUint32(16, 65535, le);
      dv.setUint32(20, linkType, le);
      dv.setUint32(24, 1700000000, le);
      dv.setUint32(28, 999999999, le);
      dv.setUint32(32, 4, le);
      dv.setUint32(36, 60, le);
      return b;
    };
    const got: string[] = [];
    const sink = { packet: (r: { tsSec: number; tsNsec: number; linkType: number; capLen: number; origLen: number }) => got.push(`${r.tsSec}.${r.tsNsec} ${r.linkType} ${r.capLen}/${r.origLen}`), warning: () => {} };
    for (const [b] of [[mk(0xa1b23c4d, false, 1, 16)], [mk(0xa1b23c4d, true, 0x14000001, 16)]] as const) {
      const p = createPcapParser(sink);
      p.push(b);
      p.end();
    }
    expect(got).toEqual(['1700000000.999999999 1 4/60', '1700000000.999999999 1 4/60']);
    got.length = 0;
    const mod = mk(0xa1b2cd34, true, 1, 24);
    new DataView(mod.buffer).setUint32(28, 5, true);
    const p = createPcapParser(sink);
    p.push(mod);
    p.end();
    expect(got).toEqual(['1700000000.5000 1 4/60']);
  });
});
