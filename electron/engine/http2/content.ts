/**
 * Content-Encoding decoding for HTTP bodies (RFC 9110 §8.4.1): gzip, deflate (zlib or raw, as
 * servers send both), br, zstd (node:zlib when it has zstd — Node ≥ 22.15 / Electron 45 —
 * else fzstd). Several codings apply in order; decoding stops at the first unknown one.
 */
import * as zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';

export interface DecodedBody {
  body: Uint8Array;
  /** Codings that were undone, in order. */
  applied: string[];
  error?: string;
}

type ZstdSync = (b: Uint8Array) => Buffer;
const nodeZstd = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

function undo(coding: string, b: Uint8Array): Uint8Array {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      try {
        return zlib.inflateSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch {
        return zlib.inflateRawSync(b, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      }
    case 'br':
      return zlib.brotliDecompressSync(b);
    case 'zstd':
      return nodeZstd ? nodeZstd(b) : fzstdDecompress(b);
    default:
      throw new Error(`unknown content coding "${coding}"`);
  }
}

/** Undo `Content-Encoding: a, b` (applied a then b, so undone b then a). Never throws. */
export function decodeContent(body: Uint8Array, contentEncoding: string | undefined): DecodedBody {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s && s !== 'identity');
  let b = body;
  const applied: string[] = [];
  for (let k = codings.length - 1; k >= 0; k--) {
    try {
      b = new Uint8Array(undo(codings[k], b));
      applied.push(codings[k]);
    } catch (e) {
      return { body: b, applied, error: `${codings[k]}: ${(e as Error).message}` };
    }
  }
  return { body: b, applied };
}
