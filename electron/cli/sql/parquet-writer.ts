/**
 * A Parquet file writer over typed columns (docs/sql.md), so `export --parquet` writes the engine's
 * eventTable pages as they come, without a row object or a native call per value. Written from
 * the Apache Parquet format specification (parquet-format: README "File Format", Encodings.md,
 * src/main/thrift/parquet.thrift) and the Thrift compact protocol specification
 * (thrift/doc/specs/thrift-compact-protocol.md):
 *
 *   "PAR1" · row group column chunks (pages) … · FileMetaData (thrift compact) · u32le length · "PAR1"
 *
 * Every column is OPTIONAL (nullable, as DuckDB's own export), definition levels RLE/bit-packed,
 * numbers PLAIN, texts a dictionary page (PLAIN byte arrays) and RLE_DICTIONARY indices from the
 * page's interned text ids. Pages are uncompressed or GZIP (node:zlib, no native dependency).
 */
import { gzipSync } from 'node:zlib';

/** A column of rows: numbers (NaN = NULL) or ids into `dict` (`nullId` = NULL), as the engine's eventTable pages carry them. */
export interface ParquetColumn {
  name: string;
  type: 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
  nums?: ArrayLike<number>;
  ids?: ArrayLike<number>;
  dict?: readonly string[];
}

export type ParquetCodec = 'none' | 'gzip';

// parquet.thrift enums.
const TYPE = { BOOLEAN: 0, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const PHYSICAL: Record<ParquetColumn['type'], number> = { BIGINT: TYPE.INT64, DOUBLE: TYPE.DOUBLE, VARCHAR: TYPE.BYTE_ARRAY, BOOLEAN: TYPE.BOOLEAN };
const OPTIONAL = 1;
const CONVERTED_UTF8 = 0;
const ENC = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const CODEC: Record<ParquetCodec, number> = { none: 0, gzip: 2 };
const PAGE = { DATA: 0, DICTIONARY: 2 } as const;

// ---------------------------------------------------------------------------------------------
// Bytes

/** A growing byte buffer. */
export interface Bytes {
  buf: Uint8Array;
  view: DataView;
  len: number;
}

export function bytes(capacity = 1024): Bytes {
  const buf = new Uint8Array(capacity);
  return { buf, view: new DataView(buf.buffer), len: 0 };
}

function reserve(b: Bytes, n: number): void {
  if (b.len + n <= b.buf.length) return;
  const buf = new Uint8Array(Math.max(b.buf.length * 2, b.len + n));
  buf.set(b.buf.subarray(0, b.len));
  b.buf = buf;
  b.view = new DataView(buf.buffer);
}

function putByte(b: Bytes, v: number): void {
  reserve(b, 1);
  b.buf[b.len++] = v;
}

function putBytes(b: Bytes, v: Uint8Array): void {
  reserve(b, v.length);
  b.buf.set(v, b.len);
  b.len += v.length;
}

/** ULEB128 of a non-negative integer below 2^53 (arithmetic, not bit operators, past 2^31). */
export function putVarint(b: Bytes, v: number): void {
  reserve(b, 8);
  while (v >= 0x80) {
    b.buf[b.len++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  b.buf[b.len++] = v;
}

function putU32(b: Bytes, v: number): void {
  reserve(b, 4);
  b.view.setUint32(b.len, v, true);
  b.len += 4;
}

export function contents(b: Bytes): Uint8Array {
  return b.buf.subarray(0, b.len);
}

// ---------------------------------------------------------------------------------------------
// Thrift compact protocol (thrift-compact-protocol.md): the page headers and the footer.

/** A thrift value: its compact type id and how it is written. */
export type Thrift =
  | { t: 'i32' | 'i64'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'bin'; v: string }
  | { t: 'list'; elem: 'i32' | 'bin' | 'struct'; items: Thrift[] }
  | { t: 'struct'; fields: readonly (readonly [number, Thrift] | undefined)[] };

const CT = { bool: 1, i32: 5, i64: 6, bin: 8, list: 9, struct: 12 } as const;

const i32 = (v: number): Thrift => ({ t: 'i32', v });
const i64 = (v: number): Thrift => ({ t: 'i64', v });
const bin = (v: string): Thrift => ({ t: 'bin', v });
const struct = (...fields: (readonly [number, Thrift] | undefined)[]): Thrift => ({ t: 'struct', fields });
const list = (elem: 'i32' | 'bin' | 'struct', items: Thrift[]): Thrift => ({ t: 'list', elem, items });

const utf8 = new TextEncoder();

/** zigzag (compact protocol ints), in arithmetic so i64 values up to 2^52 stay exact. */
function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function putThrift(b: Bytes, x: Thrift): void {
  switch (x.t) {
    case 'i32':
    case 'i64':
      putVarint(b, zigzag(x.v));
      return;
    case 'bool':
      putByte(b, x.v ? 1 : 2);
      return;
    case 'bin': {
      const s = utf8.encode(x.v);
      putVarint(b, s.length);
      putBytes(b, s);
      return;
    }
    case 'list': {
      const n = x.items.length;
      const et = CT[x.elem];
      if (n < 15) putByte(b, (n << 4) | et);
      else {
        putByte(b, 0xf0 | et);
        putVarint(b, n);
      }
      for (const it of x.items) putThrift(b, it);
      return;
    }
    case 'struct': {
      let last = 0;
      for (const f of x.fields) {
        if (f === undefined) continue;
        const [id, v] = f;
        // A boolean field's value is its type id (1 true, 2 false).
        const type = v.t === 'bool' ? (v.v ? 1 : 2) : CT[v.t];
        const delta = id - last;
        if (delta > 0 && delta <= 15) putByte(b, (delta << 4) | type);
        else {
          putByte(b, type);
          putVarint(b, zigzag(id));
        }
        last = id;
        if (v.t !== 'bool') putThrift(b, v);
      }
      putByte(b, 0);
    }
  }
}

export function thriftBytes(x: Thrift): Uint8Array {
  const b = bytes(64);
  putThrift(b, x);
  return contents(b);
}

// ---------------------------------------------------------------------------------------------
// Encodings (Encodings.md)

/** Bits per value for values 0 … max (at least 1: some readers reject a width of 0). */
export function bitWidth(max: number): number {
  let w = 1;
  while (w < 32 && max >= 2 ** w) w++;
  return w;
}

/**
 * The RLE/bit-packed hybrid of `n` values of `width` bits (Encodings.md "Run Length Encoding /
 * Bit-Packing Hybrid"): a run of 8 or more equal values is one RLE run (header count << 1, the
 * value in ceil(width/8) bytes), anything else groups of 8 values bit-packed LSB first (header
 * groups << 1 | 1), the last group padded with zeros.
 */
export function putHybrid(b: Bytes, values: ArrayLike<number>, n: number, width: number): void {
  if (values instanceof Uint32Array) hybrid32(b, values, n, width);
  else if (values instanceof Uint8Array) hybrid8(b, values, n, width);
  else hybrid32(b, Uint32Array.from({ length: n }, (_, k) => values[k]), n, width);
}

// hybrid32 and hybrid8 are one algorithm over two element kinds, apart so that each loop sees one
// (the levels are bytes, the dictionary indices words): a loop over both is several times slower.

function hybrid32(b: Bytes, values: Uint32Array, n: number, width: number): void {
  let i = 0;
  while (i < n) {
    // A run of 8 or more: one RLE run.
    const v = values[i];
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    if (j - i >= 8) {
      putRun(b, j - i, v, width);
      i = j;
      continue;
    }
    // Bit-pack groups of 8 until a run of 8 starts at a group boundary (or the values end).
    const start = i;
    let groups = 0;
    do {
      groups++;
      i += 8;
    } while (i < n && !run8of32(values, i, n));
    putVarint(b, groups * 2 + 1);
    reserve(b, groups * width);
    if (width <= 24) pack32(b, values, start, Math.min(n, start + groups * 8), groups * 8, width);
    else packWide(b, values, start, n, groups * 8, width);
    i = Math.min(i, n);
  }
}

function hybrid8(b: Bytes, values: Uint8Array, n: number, width: number): void {
  let i = 0;
  while (i < n) {
    const v = values[i];
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    if (j - i >= 8) {
      putRun(b, j - i, v, width);
      i = j;
      continue;
    }
    const start = i;
    let groups = 0;
    do {
      groups++;
      i += 8;
    } while (i < n && !run8of8(values, i, n));
    putVarint(b, groups * 2 + 1);
    reserve(b, groups * width);
    pack8(b, values, start, Math.min(n, start + groups * 8), groups * 8, width);
    i = Math.min(i, n);
  }
}

/** Do 8 equal values start at `i`? (What ends a bit-packed stretch: no need to measure the whole run.) */
function run8of32(values: Uint32Array, i: number, n: number): boolean {
  if (i + 8 > n) return false;
  const v = values[i];
  for (let k = i + 1; k < i + 8; k++) if (values[k] !== v) return false;
  return true;
}

function run8of8(values: Uint8Array, i: number, n: number): boolean {
  if (i + 8 > n) return false;
  const v = values[i];
  for (let k = i + 1; k < i + 8; k++) if (values[k] !== v) return false;
  return true;
}

/** An RLE run: its header, then the value in ceil(width/8) bytes, little endian. */
function putRun(b: Bytes, count: number, value: number, width: number): void {
  putVarint(b, count * 2);
  const valueBytes = (width + 7) >> 3;
  reserve(b, valueBytes);
  let v = value;
  for (let k = 0; k < valueBytes; k++, v = Math.floor(v / 256)) b.buf[b.len++] = v & 0xff;
}

/**
 * values[start, end) then zeros up to `total` values, `width` ≤ 24 bits each, LSB first: at most
 * 7 + 24 bits pending in an integer accumulator. `total` is a multiple of 8, so the bits end on a
 * byte.
 */
function pack32(b: Bytes, values: Uint32Array, start: number, end: number, total: number, width: number): void {
  const buf = b.buf;
  let at = b.len;
  let acc = 0;
  let bits = 0;
  for (let k = start; k < end; k++) {
    acc |= values[k] << bits;
    bits += width;
    while (bits >= 8) {
      buf[at++] = acc;
      acc >>>= 8;
      bits -= 8;
    }
  }
  // The padding: zeros, so only the pending bits and whole zero bytes remain.
  const padBits = (total - (end - start)) * width;
  if (padBits > 0) {
    buf[at++] = acc;
    bits = padBits + bits - 8;
    for (; bits > 0; bits -= 8) buf[at++] = 0;
  }
  b.len = at;
}

/**
 * pack32's loop over a Uint8Array. Kept as its own copy on purpose: one element kind per function keeps
 * V8's loads monomorphic; a shared loop over both kinds measured slower on the writer's hot path.
 */
function pack8(b: Bytes, values: Uint8Array, start: number, end: number, total: number, width: number): void {
  const buf = b.buf;
  let at = b.len;
  let acc = 0;
  let bits = 0;
  for (let k = start; k < end; k++) {
    acc |= values[k] << bits;
    bits += width;
    while (bits >= 8) {
      buf[at++] = acc;
      acc >>>= 8;
      bits -= 8;
    }
  }
  const padBits = (total - (end - start)) * width;
  if (padBits > 0) {
    buf[at++] = acc;
    bits = padBits + bits - 8;
    for (; bits > 0; bits -= 8) buf[at++] = 0;
  }
  b.len = at;
}

/** Widths 25 … 32: at most 7 + 32 bits pending, in a double-safe accumulator. */
function packWide(b: Bytes, values: Uint32Array, start: number, n: number, total: number, width: number): void {
  let acc = 0;
  let bits = 0;
  for (let k = 0; k < total; k++) {
    const v = start + k < n ? values[start + k] : 0;
    acc += v * 2 ** bits;
    bits += width;
    while (bits >= 8) {
      b.buf[b.len++] = acc % 256;
      acc = Math.floor(acc / 256);
      bits -= 8;
    }
  }
  if (bits > 0) b.buf[b.len++] = acc;
}

/** Definition levels (1 = a value, 0 = NULL) as a 4-byte length-prefixed hybrid of width 1 (data page v1). */
function putLevels(b: Bytes, levels: Uint8Array, n: number, nulls: number): void {
  const at = b.len;
  putU32(b, 0);
  // No NULLs (or only NULLs) is one run, what the hybrid gives such levels: no pass over them.
  if (n >= 8 && (nulls === 0 || nulls === n)) putRun(b, n, nulls === 0 ? 1 : 0, 1);
  else hybrid8(b, levels, n, 1);
  b.view.setUint32(at, b.len - at - 4, true);
}

/** Most bytes the definition levels of `n` values take (all bit-packed, with headers and the length). */
function levelBytes(n: number): number {
  return 4 + Math.ceil(n / 8) + 5 * Math.ceil(n / 504) + 8;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An integer as DuckDB's CAST of a double rounds it: half away from zero. */
function int64Of(v: number): number {
  return Number.isInteger(v) ? v : Math.sign(v) * Math.round(Math.abs(v));
}

/**
 * The values whose level is 1, PLAIN: DOUBLE as IEEE 754 little endian, INT64 little endian
 * two's complement. On a little-endian host through typed arrays (a store per word, not a
 * DataView call per value).
 */
export function plain64(nums: ArrayLike<number>, levels: Uint8Array, n: number, count: number, dbl: boolean): Uint8Array {
  const out = new Uint8Array(count * 8);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(out.buffer);
    let at = 0;
    for (let r = 0; r < n; r++) {
      if (levels[r] === 0) continue;
      if (dbl) view.setFloat64(at, nums[r], true);
      else {
        const v = int64Of(nums[r]);
        const hi = Math.floor(v / 2 ** 32);
        view.setUint32(at, v - hi * 2 ** 32, true);
        view.setInt32(at + 4, hi, true);
      }
      at += 8;
    }
    return out;
  }
  if (dbl) {
    const f = new Float64Array(out.buffer);
    // No NULLs in a typed column: one copy.
    if (count === n && nums instanceof Float64Array && nums.length === n) {
      f.set(nums);
      return out;
    }
    let k = 0;
    for (let r = 0; r < n; r++) if (levels[r] !== 0) f[k++] = nums[r];
    return out;
  }
  const u = new Uint32Array(out.buffer);
  let k = 0;
  for (let r = 0; r < n; r++) {
    if (levels[r] === 0) continue;
    const v = nums[r];
    if (v >= 0 && v < 4294967296 && v === Math.floor(v)) u[k] = v;
    else {
      const x = int64Of(v);
      const hi = Math.floor(x / 2 ** 32);
      u[k] = x - hi * 2 ** 32;
      u[k + 1] = hi >>> 0;
    }
    k += 2;
  }
  return out;
}

/** Most distinct values (and the widest value range) an INT64 chunk takes a dictionary for. */
const INT_DICT_RANGE = 1 << 16;
/** value − min → dictionary index + 1 (0 = not yet used), reset after each chunk. */
const intSlots = new Int32Array(INT_DICT_RANGE);

/** An INT64 chunk's dictionary: its distinct values in first-use order and each value's index. */
export interface IntDictionary {
  values: Float64Array;
  idx: Uint32Array;
}

/** Work of intDictionary (values looked at), for the test that bounds it. */
export const intDictWork = { values: 0 };

/**
 * The dictionary of the `count` values whose level is 1, when they are integers within a range
 * of INT_DICT_RANGE and at most half of them distinct (ports, flags, lengths, stream numbers:
 * a few bits an index instead of 8 bytes a value); undefined otherwise (frame numbers, times:
 * given up once most values after the first 1024 were new), then the chunk stays PLAIN. Two passes over typed arrays, no Map: a value's slot is value − min.
 */
export function intDictionary(nums: ArrayLike<number>, levels: Uint8Array, n: number, count: number): IntDictionary | undefined {
  const f = floatsOf(nums, n);
  let min = Infinity;
  let max = -Infinity;
  // NaN (NULL) is neither below nor above anything: no look at the levels.
  for (let r = 0; r < n; r++) {
    const v = f[r];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  intDictWork.values += n;
  return intDictionaryIn(f, levels, n, count, min, max);
}

/** intDictionary with the range of the values known (numLevels finds it in its pass). */
function intDictionaryIn(nums: Float64Array, levels: Uint8Array, n: number, count: number, min: number, max: number): IntDictionary | undefined {
  if (count === 0) return undefined;
  if (!(max - min < INT_DICT_RANGE) || min !== Math.floor(min)) return undefined;
  const limit = count >> 1;
  const values = new Float64Array(Math.min(limit, max - min + 1));
  const idx = new Uint32Array(count);
  let used = 0;
  let m = 0;
  let ok = true;
  for (let r = 0; r < n; r++) {
    if (count !== n && levels[r] === 0) continue;
    const d = nums[r] - min;
    const slot = d | 0;
    // A fraction (min is an integer): not an INT64 dictionary (PLAIN rounds it).
    if (slot !== d) {
      ok = false;
      break;
    }
    let k = intSlots[slot];
    if (k === 0) {
      // Half distinct (or, after the first 1024, most of them so far: frame numbers): PLAIN.
      if (used === limit || (m >= 1024 && used > (m >> 1) + (m >> 2))) {
        ok = false;
        break;
      }
      values[used] = nums[r];
      k = intSlots[slot] = ++used;
    }
    idx[m++] = k - 1;
  }
  intDictWork.values += m;
  for (let k = 0; k < used; k++) intSlots[(values[k] - min) | 0] = 0;
  return ok ? { values: values.subarray(0, used), idx } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Column chunks

/** Where a written column chunk is and what it holds, for the footer. */
export interface ChunkMeta {
  type: number;
  codec: ParquetCodec;
  encodings: number[];
  values: number;
  nulls: number;
  offset: number;
  dictionaryOffset?: number;
  dataOffset: number;
  uncompressed: number;
  compressed: number;
}

/** Bytes written in order: page headers and bodies, each its own buffer (a body is not copied again). */
export interface Pieces {
  parts: Uint8Array[];
  len: number;
}

/** The pieces in one buffer. */
function joined(out: Pieces): Uint8Array {
  const all = new Uint8Array(out.len);
  let at = 0;
  for (const p of out.parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function putPiece(out: Pieces, data: Uint8Array): void {
  out.parts.push(data);
  out.len += data.length;
}

/** A page: its thrift header, then its body (the parts in order, compressed by `codec`). */
function putPage(out: Pieces, codec: ParquetCodec, type: number, body: readonly Uint8Array[], header: readonly [number, Thrift]): { uncompressed: number; compressed: number } {
  const size = body.reduce((a, p) => a + p.length, 0);
  const data = codec === 'gzip' ? [gzipSync(Buffer.concat(body), { level: 1 })] : body;
  const stored = data.reduce((a, p) => a + p.length, 0);
  const head = thriftBytes(struct([1, i32(type)], [2, i32(size)], [3, i32(stored)], header));
  putPiece(out, head);
  for (const p of data) putPiece(out, p);
  return { uncompressed: head.length + size, compressed: head.length + stored };
}

function dataPageHeader(n: number, encoding: number): readonly [number, Thrift] {
  return [5, struct([1, i32(n)], [2, i32(encoding)], [3, i32(ENC.RLE)], [4, i32(ENC.RLE)])];
}

/** A column's numbers as a Float64Array of at least `n` (a copy only from another kind of array, NULL where it has none): one element kind for the loops below. */
function floatsOf(nums: ArrayLike<number> | undefined, n: number): Float64Array {
  if (nums instanceof Float64Array && nums.length >= n) return nums;
  const out = new Float64Array(n).fill(NaN);
  for (let r = 0; r < Math.min(n, nums?.length ?? 0); r++) out[r] = nums?.[r] ?? NaN;
  return out;
}

/** A column's text ids as a Uint32Array of at least `n`, likewise (`nullId` where it has none). */
function wordsOf(ids: ArrayLike<number> | undefined, n: number, nullId: number): Uint32Array {
  if (ids instanceof Uint32Array && ids.length >= n) return ids;
  const out = new Uint32Array(n).fill(nullId);
  for (let r = 0; r < Math.min(n, ids?.length ?? 0); r++) out[r] = ids?.[r] ?? nullId;
  return out;
}

/** The least and greatest value numLevels saw (NaN aside), for intDictionary. */
const seen = { min: Infinity, max: -Infinity };

/** Each row's definition level (NaN = NULL) into `levels`, the values' range into `seen`; returns the NULLs. */
function numLevels(nums: Float64Array, levels: Uint8Array, n: number): number {
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < n; r++) {
    const v = nums[r];
    if (v === v) {
      levels[r] = 1;
      if (v < min) min = v;
      if (v > max) max = v;
    } else nulls++;
  }
  seen.min = min;
  seen.max = max;
  intDictWork.values += n;
  return nulls;
}

/** A PLAIN BYTE_ARRAY: u32le length, then the UTF-8 bytes, encoded in place (no array per text). */
function putText(b: Bytes, s: string): void {
  reserve(b, 4 + s.length * 3);
  const { written } = utf8.encodeInto(s, b.buf.subarray(b.len + 4));
  b.view.setUint32(b.len, written, true);
  b.len += 4 + written;
}

/** The texts a chunk uses, in first-use order, and each non-NULL row's index among them. */
interface TextChunk {
  used: Uint32Array;
  nUsed: number;
  idx: Uint32Array;
  /** Rows with a text (the length of idx used). */
  m: number;
}

function textChunk(ids: Uint32Array, dictLength: number, nullId: number, levels: Uint8Array, n: number): TextChunk {
  // Page ids → dictionary indices of the texts this chunk uses.
  const remap = new Int32Array(dictLength).fill(-1);
  const used = new Uint32Array(Math.min(n, dictLength));
  const idx = new Uint32Array(n);
  let nUsed = 0;
  let m = 0;
  for (let r = 0; r < n; r++) {
    const id = ids[r];
    if (id >= dictLength || id === nullId) continue;
    levels[r] = 1;
    let k = remap[id];
    if (k < 0) {
      k = remap[id] = nUsed;
      used[nUsed++] = id;
    }
    idx[m++] = k;
  }
  return { used, nUsed, idx, m };
}

/**
 * One column chunk of `n` rows, appended to `out` (`base` = the file offset of `out`'s start):
 * for texts a dictionary page of the texts the rows use (in first-use order) and a data page of
 * their indices, otherwise one PLAIN data page.
 */
export function putColumnChunk(out: Pieces, base: number, col: ParquetColumn, n: number, codec: ParquetCodec, nullId: number): ChunkMeta {
  const offset = base + out.len;
  const levels = new Uint8Array(n);
  let nulls: number;
  let dictionaryOffset: number | undefined;
  let uncompressed = 0;
  let compressed = 0;
  let encoding: number = ENC.PLAIN;
  let page: Uint8Array[];
  if (col.type === 'VARCHAR') {
    const dict = col.dict ?? [];
    const t = textChunk(wordsOf(col.ids, n, nullId), dict.length, nullId, levels, n);
    nulls = n - t.m;
    if (t.nUsed > 0) {
      const dpage = bytes(1024);
      for (let k = 0; k < t.nUsed; k++) putText(dpage, dict[t.used[k]] ?? '');
      dictionaryOffset = base + out.len;
      const sz = putPage(out, codec, PAGE.DICTIONARY, [contents(dpage)], [7, struct([1, i32(t.nUsed)], [2, i32(ENC.PLAIN)])]);
      uncompressed += sz.uncompressed;
      compressed += sz.compressed;
    }
    const width = bitWidth(Math.max(0, t.nUsed - 1));
    const body = bytes(levelBytes(n) + 1 + Math.ceil((t.m * width) / 8) + 16);
    putLevels(body, levels, n, nulls);
    putByte(body, width);
    hybrid32(body, t.idx, t.m, width);
    encoding = t.nUsed > 0 ? ENC.RLE_DICTIONARY : ENC.PLAIN;
    page = [contents(body)];
  } else {
    const nums = floatsOf(col.nums, n);
    nulls = numLevels(nums, levels, n);
    const count = n - nulls;
    const dict = col.type === 'BIGINT' ? intDictionaryIn(nums, levels, n, count, seen.min, seen.max) : undefined;
    if (dict !== undefined) {
      // A dictionary page of the distinct values (PLAIN INT64), a data page of their indices.
      const used = dict.values.length;
      dictionaryOffset = base + out.len;
      const sz = putPage(out, codec, PAGE.DICTIONARY, [plain64(dict.values, new Uint8Array(used).fill(1), used, used, false)], [7, struct([1, i32(used)], [2, i32(ENC.PLAIN)])]);
      uncompressed += sz.uncompressed;
      compressed += sz.compressed;
      encoding = ENC.RLE_DICTIONARY;
    }
    const width = dict === undefined ? 0 : bitWidth(Math.max(0, dict.values.length - 1));
    const body = bytes(levelBytes(n) + (col.type === 'BOOLEAN' ? count : 0) + (dict === undefined ? 0 : 1 + Math.ceil((count * width) / 8) + 5 * Math.ceil(count / 504) + 16) + 16);
    putLevels(body, levels, n, nulls);
    page = [contents(body)];
    if (dict !== undefined) {
      putByte(body, width);
      hybrid32(body, dict.idx, count, width);
      page = [contents(body)];
    } else if (col.type === 'BOOLEAN') {
      // PLAIN booleans are bit-packed, LSB first.
      reserve(body, (count + 7) >> 3);
      let acc = 0;
      let bits = 0;
      for (let r = 0; r < n; r++) {
        if (levels[r] === 0) continue;
        if (nums[r] !== 0) acc |= 1 << bits;
        if (++bits === 8) {
          body.buf[body.len++] = acc;
          acc = 0;
          bits = 0;
        }
      }
      if (bits > 0) body.buf[body.len++] = acc;
      page = [contents(body)];
    } else page.push(plain64(nums, levels, n, count, col.type === 'DOUBLE'));
  }
  const dataOffset = base + out.len;
  const sz = putPage(out, codec, PAGE.DATA, page, dataPageHeader(n, encoding));
  uncompressed += sz.uncompressed;
  compressed += sz.compressed;
  const encodings = encoding === ENC.RLE_DICTIONARY ? [ENC.PLAIN, ENC.RLE, ENC.RLE_DICTIONARY] : [ENC.PLAIN, ENC.RLE];
  return { type: PHYSICAL[col.type], codec, encodings, values: n, nulls, offset, dictionaryOffset, dataOffset, uncompressed, compressed };
}

// ---------------------------------------------------------------------------------------------
// Files

export interface RowGroupMeta {
  rows: number;
  /** By column name; a column the group lacks is all NULL (written at the end, see finishFile). */
  chunks: Map<string, ChunkMeta>;
}

/**
 * A file being written: its schema grows with the columns later row groups bring (captures of
 * different kinds in one table), and the footer records each row group's chunks by offset, so
 * a column a group lacks is an all-NULL chunk written after the last group.
 */
export interface ParquetFile {
  write: (data: Uint8Array) => void;
  offset: number;
  codec: ParquetCodec;
  nullId: number;
  schema: { name: string; type: ParquetColumn['type'] }[];
  groups: RowGroupMeta[];
}

export const MAGIC = utf8.encode('PAR1');

export function startFile(write: (data: Uint8Array) => void, opts: { codec?: ParquetCodec; nullId: number }): ParquetFile {
  write(MAGIC);
  return { write, offset: MAGIC.length, codec: opts.codec ?? 'none', nullId: opts.nullId, schema: [], groups: [] };
}

/** Append one row group of `rows` rows (each column `rows` long). */
export function writeRowGroup(f: ParquetFile, columns: readonly ParquetColumn[], rows: number): void {
  if (rows === 0 && f.groups.length > 0) return;
  const out: Pieces = { parts: [], len: 0 };
  const chunks = new Map<string, ChunkMeta>();
  for (const c of columns) {
    const known = f.schema.find((s) => s.name === c.name);
    if (known === undefined) f.schema.push({ name: c.name, type: c.type });
    else if (known.type !== c.type) throw new Error(`parquet: column ${c.name} is ${c.type} here but ${known.type} in an earlier row group`);
    if (rows > 0) chunks.set(c.name, putColumnChunk(out, f.offset, c, rows, f.codec, f.nullId));
  }
  if (rows === 0) return;
  // One write a row group (its pages in one buffer): a write per page was a syscall each, ~100 a group.
  f.write(joined(out));
  f.offset += out.len;
  f.groups.push({ rows, chunks });
}

function chunkThrift(name: string, m: ChunkMeta): Thrift {
  const meta = struct(
    [1, i32(m.type)],
    [2, list('i32', m.encodings.map(i32))],
    [3, list('bin', [bin(name)])],
    [4, i32(CODEC[m.codec])],
    [5, i64(m.values)],
    [6, i64(m.uncompressed)],
    [7, i64(m.compressed)],
    [9, i64(m.dataOffset)],
    m.dictionaryOffset === undefined ? undefined : [11, i64(m.dictionaryOffset)],
    [12, struct([3, i64(m.nulls)])],
  );
  return struct([2, i64(m.offset)], [3, meta]);
}

/** The footer: FileMetaData (version 1), its length and the closing magic. */
export function footerBytes(schema: ParquetFile['schema'], groups: readonly RowGroupMeta[], createdBy: string): Uint8Array {
  const root = struct([4, bin('schema')], [5, i32(schema.length)]);
  const elements = schema.map((s) =>
    struct([1, i32(PHYSICAL[s.type])], [3, i32(OPTIONAL)], [4, bin(s.name)], s.type === 'VARCHAR' ? [6, i32(CONVERTED_UTF8)] : undefined, s.type === 'VARCHAR' ? [10, struct([1, struct()])] : undefined),
  );
  const rowGroups = groups.map((g) => {
    const cols = schema.map((s) => {
      const m = g.chunks.get(s.name);
      if (m === undefined) throw new Error(`parquet: row group without column ${s.name}`);
      return chunkThrift(s.name, m);
    });
    let size = 0;
    for (const m of g.chunks.values()) size += m.uncompressed;
    return struct([1, list('struct', cols)], [2, i64(size)], [3, i64(g.rows)]);
  });
  const rows = groups.reduce((a, g) => a + g.rows, 0);
  const meta = thriftBytes(struct([1, i32(1)], [2, list('struct', [root, ...elements])], [3, i64(rows)], [4, list('struct', rowGroups)], [6, bin(createdBy)]));
  const b = bytes(meta.length + 8);
  putBytes(b, meta);
  putU32(b, meta.length);
  putBytes(b, MAGIC);
  return contents(b);
}

/** All-NULL chunks for the columns a row group lacks, then the footer. */
export function finishFile(f: ParquetFile, createdBy = 'tracelens'): void {
  for (const g of f.groups) {
    const missing = f.schema.filter((s) => !g.chunks.has(s.name));
    if (missing.length === 0) continue;
    const out: Pieces = { parts: [], len: 0 };
    for (const s of missing) {
      const empty: ParquetColumn = s.type === 'VARCHAR' ? { name: s.name, type: s.type, ids: new Uint32Array(g.rows).fill(f.nullId), dict: [] } : { name: s.name, type: s.type, nums: new Float64Array(g.rows).fill(NaN) };
      g.chunks.set(s.name, putColumnChunk(out, f.offset, empty, g.rows, f.codec, f.nullId));
    }
    f.write(joined(out));
    f.offset += out.len;
  }
  const foot = footerBytes(f.schema, f.groups, createdBy);
  f.write(foot);
  f.offset += foot.length;
}
