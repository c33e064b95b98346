/**
 * HTTP content codings (RFC 9110 §8.4.1, IANA HTTP Content Coding Registry): gzip/x-gzip,
 * deflate (zlib, or raw deflate as some servers send), br (RFC 7932), zstd (RFC 8878), identity.
 * Codings listed in Content-Encoding were applied in order, so they are undone in reverse.
 * zstd: node:zlib has it from Node 22.15/23.8 (Electron 45); Node 20 uses the fzstd package.
 */
import * as zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';

type ZstdSync = (b: Uint8Array) => Uint8Array;
const nativeZstd = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

/** Bound on a decoded body: a decompression bomb must not exhaust the engine's heap. */
const MAX_DECODED = 512 * 1024 * 1024;

function once(coding: string, b: Uint8Array): Uint8Array {
  const opts = { maxOutputLength: MAX_DECODED };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      // Partial bodies (lost segments) still yield what decodes.
      return zlib.gunzipSync(b, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      try {
        return zlib.inflateSync(b, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch {
        return zlib.inflateRawSync(b, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      }
    case 'br':
      return zlib.brotliDecompressSync(b, opts);
    case 'zstd':
      return nativeZstd ? nativeZstd(b) : fzstdDecompress(b);
    case 'identity':
    case '':
      return b;
    default:
      throw new Error(`unknown content coding "${coding}"`);
  }
}

/** Undo `Content-Encoding`; on failure the bytes decoded so far are the raw body and `error` says why. */
export function decodeBody(raw: Uint8Array, contentEncoding: string): { bytes: Uint8Array; error?: string } {
  const codings = contentEncoding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  let b = raw;
  for (let k = codings.length - 1; k >= 0; k--) {
    try {
      b = once(codings[k], b);
    } catch (e) {
      return { bytes: b, error: `${codings[k]}: ${(e as Error).message}` };
    }
  }
  return { bytes: b };
}
