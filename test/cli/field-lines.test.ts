/**
 * The bytes of `list -e` lines (shared/field-lines.ts): text, integers and addresses appended
 * to a page equal the UTF-8 of the strings the old path printed (Node's stdout encoding, lone
 * surrogates included), and a page cut after N lines (--count) ends on a line end.
 */
import { describe, expect, it } from 'vitest';
import { appendIpv4, appendText, appendUint, createLinesBuilder, endLine, isLineStyle, lineStart, linesBytes } from '../../shared/field-lines.ts';
import { formatIpv4 } from '../../electron/engine/fields/format.ts';

const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('field lines as bytes', () => {
  it('text is its UTF-8, as a Node stream writes the string', () => {
    const texts = ['', 'GET', 'a\tb', 'é', 'naïve café', '日本語', '😀 x', 'x\ud800y', 'end \udfff', 'é'.repeat(70_000)];
    // A small first buffer: every text also grows it.
    const b = createLinesBuilder(4);
    for (const t of texts) {
      appendText(b, t);
      endLine(b);
    }
    const want = Buffer.from(texts.map((t) => `${t}\n`).join(''), 'utf8');
    expect(Buffer.from(linesBytes(b)).equals(want)).toBe(true);
    expect(b.lines).toBe(texts.length);
  });

  it('integers and IPv4 addresses are their text', () => {
    const nums = [0, 1, 9, 10, 99, 100, 12345, 99999, 100000, 999999, 1000000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 1e15, 2 ** 53 - 1];
    const b = createLinesBuilder(1);
    for (const v of nums) {
      appendUint(b, v);
      endLine(b);
    }
    const ips = [0, 0x7f000001, 0x0a000001, 0xffffffff, 0xc0a80a01];
    for (const v of ips) {
      appendIpv4(b, v >>> 0);
      endLine(b);
    }
    expect(utf8(linesBytes(b))).toBe([...nums.map(String), ...ips.map((v) => formatIpv4(v >>> 0))].map((s) => `${s}\n`).join(''));
  });

  it('a page cut after N lines ends on a line end', () => {
    const bytes = new TextEncoder().encode('1\n22\n\n333\n');
    expect([0, 1, 2, 3, 4, 5].map((n) => lineStart(bytes, n))).toEqual([0, 2, 5, 6, 10, 10]);
  });

  it('checks a line style parameter', () => {
    expect(isLineStyle({ separator: '\t', aggregator: ',', quote: '', occurrence: 'a' })).toBe(true);
    expect(isLineStyle({ separator: '\t', aggregator: ',', quote: 'x', occurrence: 'a' })).toBe(false);
    expect(isLineStyle({ separator: '\t', aggregator: ',', quote: '"', occurrence: 'z' })).toBe(false);
    expect(isLineStyle({ separator: 1, aggregator: ',', quote: '"', occurrence: 'a' })).toBe(false);
    expect(isLineStyle(null)).toBe(false);
  });
});
