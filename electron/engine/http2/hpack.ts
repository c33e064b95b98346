/**
 * HPACK (RFC 7541): header block decoding with the static table (Appendix A), Huffman-coded
 * strings (Appendix B) and the dynamic table with size updates (§4, §6.3).
 *
 * Captures that start mid-connection lack the dynamic table's earlier entries: a reference to
 * an entry we never saw decodes as an `unknown` header instead of failing the block, and
 * later blocks keep decoding (their own insertions are tracked normally).
 *
 * Bounds (HPACK amplifies: a one-byte reference repeats a whole table entry; docs/limits.md):
 * a table size update may not exceed what SETTINGS_HEADER_TABLE_SIZE allows (§4.2, §6.3; 4096
 * until one is seen) nor HPACK_LIMITS.maxTableSize; a decoded header list stops growing at
 * maxListSize / maxFields per block (RFC 9113 §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE, counted the
 * same way) and at connectionBytes per connection. Past a bound the block is still parsed to the
 * end, so the dynamic table stays in step (RFC 9113 §10.5.1), but no more fields are kept.
 */

/** RFC 7541 Appendix A: the static table, index 1..61. */
export const STATIC_TABLE: readonly (readonly [string, string])[] = [
  ['', ''],
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];
const STATIC_COUNT = 61;

/**
 * RFC 7541 Appendix B: the Huffman code length of each symbol 0..255 and EOS (256). The code
 * is canonical (codes of equal length are consecutive, in symbol order), so the lengths
 * determine the codes; test/http2 checks the codes the RFC lists.
 */
const HUFFMAN_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

/** Canonical codes from the lengths: [code, length] per symbol. */
export function huffmanCodes(): [number, number][] {
  const order = HUFFMAN_LENGTHS.map((l, s) => [l, s] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = new Array(257);
  let code = 0;
  let prev = order[0][0];
  order.forEach(([len, sym], i) => {
    if (i > 0) code = (code + 1) * 2 ** (len - prev);
    prev = len;
    out[sym] = [code, len];
  });
  return out;
}

/** Decoding tree as typed arrays: node → child per bit; leaves hold symbol + 1 (negative index). */
const tree = (() => {
  const child = new Int32Array(2 * 600).fill(0);
  const sym = new Int16Array(600).fill(-1);
  let nodes = 1;
  for (const [s, [code, len]] of huffmanCodes().entries()) {
    let n = 0;
    for (let b = len - 1; b >= 0; b--) {
      const bit = Math.floor(code / 2 ** b) & 1;
      let c = child[2 * n + bit];
      if (c === 0) {
        c = nodes++;
        child[2 * n + bit] = c;
      }
      n = c;
    }
    sym[n] = s;
  }
  return { child, sym };
})();

/** Decode a Huffman string (RFC 7541 §5.2); null when the code is invalid or EOS appears. */
export function huffmanDecode(b: Uint8Array, start: number, end: number): string | null {
  const { child, sym } = tree;
  let n = 0;
  let out = '';
  let pendingBits = 0;
  let allOnes = true;
  for (let i = start; i < end; i++) {
    const v = b[i];
    for (let k = 7; k >= 0; k--) {
      const bit = (v >> k) & 1;
      n = child[2 * n + bit];
      if (n === 0) return null;
      pendingBits++;
      if (bit === 0) allOnes = false;
      const s = sym[n];
      if (s >= 0) {
        if (s === 256) return null;
        out += String.fromCharCode(s);
        n = 0;
        pendingBits = 0;
        allOnes = true;
      }
    }
  }
  // §5.2: padding is fewer than 8 bits of the EOS prefix (all ones).
  if (pendingBits > 7 || !allOnes) return null;
  return out;
}

export interface HeaderField {
  name: string;
  value: string;
  /** Needs a dynamic-table entry this capture never saw (started mid-connection). */
  unknown?: boolean;
  /** Byte range of the representation inside the header block. */
  offset: number;
  length: number;
}

const KIB = 1024;

export const HPACK_LIMITS = {
  /** Decoded header list per block: name + value + 32 per field (RFC 9113 §6.5.2). */
  maxListSize: 256 * KIB,
  /** Fields kept per block. */
  maxFields: 2048,
  /** Decoded header list bytes per connection, both directions. */
  connectionBytes: 64 * KIB * KIB,
  /** Dynamic table size accepted whatever SETTINGS say (browsers announce 65536). */
  maxTableSize: 64 * KIB,
} as const;

/** Decoded header bytes still allowed on one connection (shared by its two decoders). */
export interface HpackBudget {
  left: number;
}

export interface HpackDecoder {
  /** Oldest first (index 62 is the last element). */
  table: [string, string][];
  size: number;
  maxSize: number;
  /** The settings limit the encoder may go up to (SETTINGS_HEADER_TABLE_SIZE). */
  limit: number;
  /** False when the decoder may be missing entries inserted before the capture began. */
  complete: boolean;
  budget: HpackBudget;
}

/** SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 9113 §6.5.2). */
const DEFAULT_TABLE_SIZE = 4096;

export function createHpackDecoder(complete = true, budget: HpackBudget = { left: HPACK_LIMITS.connectionBytes }): HpackDecoder {
  return { table: [], size: 0, maxSize: DEFAULT_TABLE_SIZE, limit: DEFAULT_TABLE_SIZE, complete, budget };
}

const ENTRY_OVERHEAD = 32; // RFC 7541 §4.1

function evict(h: HpackDecoder): void {
  while (h.size > h.maxSize && h.table.length > 0) {
    const [n, v] = h.table.shift() as [string, string];
    h.size -= n.length + v.length + ENTRY_OVERHEAD;
  }
}

function insert(h: HpackDecoder, name: string, value: string): void {
  h.table.push([name, value]);
  h.size += name.length + value.length + ENTRY_OVERHEAD;
  evict(h);
}

export interface HpackResult {
  headers: HeaderField[];
  /** Set when the block could not be fully decoded (the rest of it is lost), or when fields
   *  past a bound were dropped. */
  error?: string;
}

/** The largest table size update this decoder accepts now. */
function tableCap(h: HpackDecoder): number {
  // Mid-connection the SETTINGS may have been before the capture: only our own cap applies.
  return h.complete ? Math.min(h.limit, HPACK_LIMITS.maxTableSize) : HPACK_LIMITS.maxTableSize;
}

const latin1 = new TextDecoder('latin1');

/** Decode one complete header block, updating the dynamic table. Never throws. */
export function decodeHeaderBlock(h: HpackDecoder, b: Uint8Array): HpackResult {
  const headers: HeaderField[] = [];
  let i = 0;
  let listSize = 0;
  let dropped: string | undefined;
  const keep = (f: HeaderField): void => {
    if (dropped !== undefined) return;
    const size = f.name.length + f.value.length + ENTRY_OVERHEAD;
    if (headers.length >= HPACK_LIMITS.maxFields) dropped = `more than ${HPACK_LIMITS.maxFields} header fields`;
    else if (listSize + size > HPACK_LIMITS.maxListSize) dropped = `header list over ${HPACK_LIMITS.maxListSize / KIB} KiB`;
    else if (size > h.budget.left) dropped = `the connection's decoded headers over ${HPACK_LIMITS.connectionBytes / KIB / KIB} MiB`;
    if (dropped !== undefined) {
      dropped += ` (RFC 9113 §6.5.2): fields from byte ${f.offset} of the header block on are dropped`;
      return;
    }
    listSize += size;
    h.budget.left -= size;
    headers.push(f);
  };
  const int = (prefixBits: number): number => {
    if (i >= b.length) throw new RangeError('integer past the end of the block');
    const max = (1 << prefixBits) - 1;
    let v = b[i++] & max;
    if (v < max) return v;
    let m = 1;
    for (;;) {
      if (i >= b.length) throw new RangeError('integer past the end of the block');
      const x = b[i++];
      v += (x & 0x7f) * m;
      m *= 128;
      if ((x & 0x80) === 0) return v;
      if (m > 2 ** 35) throw new RangeError('integer too large');
    }
  };
  const str = (): string => {
    if (i >= b.length) throw new RangeError('string past the end of the block');
    const huff = (b[i] & 0x80) !== 0;
    const len = int(7);
    if (i + len > b.length) throw new RangeError('string longer than the block');
    const s = huff ? huffmanDecode(b, i, i + len) : latin1.decode(b.subarray(i, i + len));
    if (s === null) throw new RangeError(`bad Huffman code at byte ${i}`);
    i += len;
    return s;
  };
  /** Entry by index; undefined when it is a dynamic entry we never saw. */
  const entry = (idx: number): readonly [string, string] | undefined => {
    if (idx === 0) throw new RangeError('index 0');
    if (idx <= STATIC_COUNT) return STATIC_TABLE[idx];
    const e = h.table[h.table.length - (idx - STATIC_COUNT)];
    if (!e && h.complete) throw new RangeError(`index ${idx} beyond the dynamic table (${h.table.length} entries)`);
    return e;
  };
  try {
    while (i < b.length) {
      const start = i;
      const x = b[i];
      if (x & 0x80) {
        // §6.1 indexed header field
        const e = entry(int(7));
        keep(e ? { name: e[0], value: e[1], offset: start, length: i - start } : { name: '', value: '', unknown: true, offset: start, length: i - start });
      } else if ((x & 0xe0) === 0x20) {
        // §6.3 dynamic table size update, at most the SETTINGS_HEADER_TABLE_SIZE (§4.2)
        const size = int(5);
        const cap = tableCap(h);
        if (size > cap) {
          throw new RangeError(cap < h.limit ? `dynamic table size update to ${size} over the ${cap} accepted` : `dynamic table size update to ${size} over SETTINGS_HEADER_TABLE_SIZE ${cap} (RFC 7541 §4.2)`);
        }
        h.maxSize = size;
        evict(h);
      } else {
        // §6.2.1 incremental indexing (01), §6.2.2 without (0000), §6.2.3 never indexed (0001)
        const indexing = (x & 0x40) !== 0;
        const idx = int(indexing ? 6 : 4);
        let name: string;
        let unknown = false;
        if (idx === 0) name = str();
        else {
          const e = entry(idx);
          name = e ? e[0] : '';
          unknown = !e;
        }
        const value = str();
        if (indexing) insert(h, name, value);
        const f: HeaderField = { name, value, offset: start, length: i - start };
        if (unknown) f.unknown = true;
        keep(f);
      }
    }
  } catch (e) {
    // The dynamic table is now out of step with the encoder's: later references are unknown.
    h.complete = false;
    return { headers, error: `HPACK: ${(e as Error).message} at byte ${i} of the header block` };
  }
  return dropped !== undefined ? { headers, error: `HPACK: ${dropped}` } : { headers };
}
