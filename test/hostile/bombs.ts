/**
 * Decompression bombs, built without ever holding what they decode to: a zstd frame of RLE
 * blocks, gzip streams of one repeated deflate segment, gzip of gzip, brotli of zeros.
 */
import * as zlib from 'node:zlib';

const MIB = 1024 * 1024;

/**
 * RFC 8878: one frame (no content size, window 2^(10+windowExp)), `blocks` RLE blocks of 128 KiB
 * of zero bytes each (3-byte block header + 1 byte): 32768:1.
 */
export function zstdRleBomb(decodedBytes: number, windowExp = 7): Uint8Array {
  const BLOCK = 128 * 1024;
  const blocks = Math.max(1, Math.ceil(decodedBytes / BLOCK));
  const out = new Uint8Array(6 + blocks * 4);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, windowExp << 3]);
  for (let k = 0; k < blocks; k++) {
    const last = k === blocks - 1 ? 1 : 0;
    const size = Math.min(BLOCK, decodedBytes - k * BLOCK);
    const bh = last | (1 << 1) | (size << 3);
    out.set([bh & 0xff, (bh >> 8) & 0xff, (bh >> 16) & 0xff, 0], 6 + k * 4);
  }
  return out;
}

/**
 * gzip (RFC 1952) of `mib` MiB of zeros: one raw-deflate segment for 1 MiB of zeros ending in a
 * sync flush, repeated (each refers only to itself), a final empty block, and a correct trailer.
 */
export function gzipZeros(mib: number): Uint8Array {
  const zeros = new Uint8Array(MIB);
  const seg = zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const end = Uint8Array.from([0x03, 0x00]);
  let crc = 0;
  for (let k = 0; k < mib; k++) crc = zlib.crc32(zeros, crc);
  const out = new Uint8Array(10 + seg.length * mib + end.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  for (let k = 0; k < mib; k++) out.set(seg, 10 + k * seg.length);
  let o = 10 + seg.length * mib;
  out.set(end, o);
  o += end.length;
  const v = new DataView(out.buffer);
  v.setUint32(o, crc >>> 0, true);
  v.setUint32(o + 4, (mib * MIB) >>> 0, true);
  return out;
}

/** `Content-Encoding: gzip, gzip`: gzip of gzipZeros(mib). */
export function nestedGzip(mib: number): Uint8Array {
  return zlib.gzipSync(gzipZeros(mib), { level: 9 });
}

/** brotli (RFC 7932) of `mib` MiB of zeros. */
export function brotliZeros(mib: number): Uint8Array {
  return zlib.brotliCompressSync(new Uint8Array(mib * MIB), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
}
