/**
 * Framing for RPC messages over a byte channel (browser mode's WebSocket), where structured
 * clone is not available. A frame is JSON for the message shape plus the raw bytes of every typed
 * array inside it, so RowsPage index arrays and EventBytes survive without per-element JSON.
 *
 * Frame layout (little-endian):
 *   u32 magic 'TLW1' | u32 json byte length | json (UTF-8) | zero padding to 8 |
 *   per binary: u32 byte length, u32 reserved | bytes | zero padding to 8
 * In the JSON, a typed array is replaced by {"\u0000b": index, "\u0000t": kind}: a key starting
 * with NUL cannot come from our own message types, so the placeholder is unambiguous.
 */

const MAGIC = 0x31574c54; // 'TLW1' read as little-endian u32
const BIN_KEY = '\u0000b';
const TYPE_KEY = '\u0000t';

type TypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

type Ctor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

const KINDS: Record<string, Ctor> = {
  u8: Uint8Array, i8: Int8Array, u16: Uint16Array, i16: Int16Array, u32: Uint32Array, i32: Int32Array,
  f32: Float32Array, f64: Float64Array, i64: BigInt64Array, u64: BigUint64Array,
};

function kindOf(v: ArrayBufferView): string | null {
  if (v instanceof Uint8Array) return 'u8';
  if (v instanceof Uint32Array) return 'u32';
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint16Array) return 'u16';
  if (v instanceof Int16Array) return 'i16';
  if (v instanceof Int8Array) return 'i8';
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof BigInt64Array) return 'i64';
  if (v instanceof BigUint64Array) return 'u64';
  return null;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** Encode one message into a single frame. */
export function encodeFrame(message: unknown): Uint8Array {
  const bins: ArrayBufferView[] = [];
  const json = JSON.stringify(message, function (this: unknown, _key: string, value: unknown) {
    if (ArrayBuffer.isView(value)) {
      const kind = kindOf(value);
      if (kind === null) throw new Error('wire: DataView cannot be framed');
      bins.push(value);
      return { [BIN_KEY]: bins.length - 1, [TYPE_KEY]: kind };
    }
    if (value instanceof ArrayBuffer) {
      bins.push(new Uint8Array(value));
      return { [BIN_KEY]: bins.length - 1, [TYPE_KEY]: 'u8' };
    }
    return value;
  });
  const text = new TextEncoder().encode(json ?? 'null');
  let size = 8 + pad8(text.length);
  for (const b of bins) size += 8 + pad8(b.byteLength);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, text.length, true);
  out.set(text, 8);
  let off = 8 + pad8(text.length);
  for (const b of bins) {
    dv.setUint32(off, b.byteLength, true);
    off += 8;
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), off);
    off += pad8(b.byteLength);
  }
  return out;
}

function isPlaceholder(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && BIN_KEY in v && TYPE_KEY in v;
}

/** Decode a frame; throws a precise Error on a damaged frame (callers drop the connection). */
export function decodeFrame(data: Uint8Array): unknown {
  if (data.byteLength < 8) throw new Error(`wire: frame of ${data.byteLength} bytes is shorter than its 8-byte header`);
  // Our own buffer, 8-aligned, so typed-array views over it need no copy.
  const buf = new Uint8Array(data.byteLength);
  buf.set(data);
  const dv = new DataView(buf.buffer);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('wire: bad frame magic');
  const jsonLen = dv.getUint32(4, true);
  if (8 + jsonLen > buf.byteLength) throw new Error(`wire: JSON length ${jsonLen} runs past the frame (${buf.byteLength} bytes)`);
  const json = new TextDecoder().decode(buf.subarray(8, 8 + jsonLen));
  const bins: { off: number; len: number }[] = [];
  let off = 8 + pad8(jsonLen);
  while (off < buf.byteLength) {
    if (off + 8 > buf.byteLength) throw new Error(`wire: truncated binary header at byte ${off}`);
    const len = dv.getUint32(off, true);
    off += 8;
    if (off + len > buf.byteLength) throw new Error(`wire: binary ${bins.length} (${len} bytes) runs past the frame at byte ${off}`);
    bins.push({ off, len });
    off += pad8(len);
  }
  return JSON.parse(json, (_key, value: unknown) => {
    if (!isPlaceholder(value)) return value;
    const index = value[BIN_KEY];
    const kind = value[TYPE_KEY];
    const ctor = typeof kind === 'string' ? KINDS[kind] : undefined;
    const bin = typeof index === 'number' ? bins[index] : undefined;
    if (!ctor || !bin) throw new Error(`wire: bad binary reference ${String(index)}/${String(kind)}`);
    if (bin.len % ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`wire: binary ${index} length ${bin.len} is not a multiple of ${ctor.BYTES_PER_ELEMENT}`);
    return new ctor(buf.buffer, bin.off, bin.len / ctor.BYTES_PER_ELEMENT);
  });
}
