import { describe, expect, it } from 'vitest';
import { h2Work, parseHttp2 } from '../../electron/engine/http2/connection.ts';
import { http2Exchanges } from '../../electron/engine/http2/exchanges.ts';
import { exchangeHost } from '../../electron/engine/http/exchange.ts';
import { createHpackDecoder, decodeHeaderBlock, huffmanCodes, huffmanDecode } from '../../electron/engine/http2/hpack.ts';
import type { StreamChunk } from '../../electron/engine/streams/byte-stream.ts';
import { generatedH2Connection } from '../../bench/make-h2.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));

describe('HPACK (RFC 7541)', () => {
  it('canonical Huffman codes agree with Appendix B rows', () => {
    const c = huffmanCodes();
    // (sym, code, len) rows of RFC 7541 Appendix B.
    expect(c[0]).toEqual([0x1ff8, 13]);
    expect(c[48]).toEqual([0x0, 5]); // '0'
    expect(c[97]).toEqual([0x3, 5]); // 'a'
    expect(c[10]).toEqual([0x3ffffffc, 30]);
    expect(c[255]).toEqual([0x3ffffee, 26]);
    expect(c[256]).toEqual([0x3fffffff, 30]); // EOS
  });

  it('C.4: requests with Huffman coding and the dynamic table', () => {
    const h = createHpackDecoder();
    const r1 = decodeHeaderBlock(h, hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'));
    expect(r1.headers.map((x) => [x.name, x.value])).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(h.size).toBe(57);
    const r2 = decodeHeaderBlock(h, hex('8286 84be 5886 a8eb 1064 9cbf'));
    expect(r2.headers.map((x) => [x.name, x.value])).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(h.size).toBe(110);
  });

  it('mid-connection: references to unseen dynamic entries are unknown, not errors', () => {
    const h = createHpackDecoder(false);
    const r = decodeHeaderBlock(h, hex('82 be'));
    expect(r.error).toBeUndefined();
    expect(r.headers[0]).toMatchObject({ name: ':method', value: 'GET' });
    expect(r.headers[1].unknown).toBe(true);
  });

  it('rejects an invalid Huffman padding', () => {
    expect(huffmanDecode(Uint8Array.of(0x00), 0, 1)).toBeNull();
  });
});

describe('HTTP/2 connections', () => {
  it('10,000 streams on one connection parse quickly into 10,000 exchanges', () => {
    const s = generatedH2Connection(10000);
    const blocks0 = h2Work.blocksDecoded;
    const conn = parseHttp2(s);
    const parsed = h2Work.blocksDecoded - blocks0;
    const ex = http2Exchanges(conn, s.id);
    const listed = h2Work.blocksDecoded - blocks0 - parsed;
    expect(ex).toHaveLength(10000);
    expect(ex[9999]).toMatchObject({ streamId: 19999, request: { version: 'HTTP/2', method: 'GET', uri: '/item/9999' }, response: { status: 200 } });
    expect(exchangeHost(ex[9999])).toBe('example.com');
    expect(new TextDecoder().decode(ex[5].response?.body)).toBe('hello');
    // Work, not wall time (this took 12.7 s at load 30): each stream's request and response
    // header blocks are decoded once by the parse and once more by the exchange list; a decode
    // per lookup would be quadratic.
    expect(parsed).toBe(2 * 10000);
    expect(listed).toBe(2 * 10000);
  });

  it('frames split across chunks and a gap: later frames resume, missing body counted', () => {
    const s = generatedH2Connection(3);
    // Split every chunk into 1-byte pieces: frame reassembly must not care.
    const pieces: StreamChunk[] = [];
    for (const c of s.chunks) for (let i = 0; i < c.bytes.length; i++) pieces.push({ ...c, bytes: c.bytes.subarray(i, i + 1), seq: c.seq + i });
    const ex = http2Exchanges(parseHttp2({ ...s, chunks: pieces }), 'x');
    expect(ex.map((e) => e.request?.uri)).toEqual(['/item/0', '/item/1', '/item/2']);
  });
});
