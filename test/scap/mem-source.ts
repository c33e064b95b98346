/** An in-memory CaptureSource (mutation tests, generated inputs). */
import type { CaptureSource } from '../../electron/engine/io/capture-source.ts';

export function memSource(bytes: Uint8Array, chunk = 4096, path = 'mem.scap'): CaptureSource {
  return {
    path,
    fileSize: bytes.length,
    compressed: false,
    async stream(onChunk, signal) {
      for (let p = 0; p < bytes.length && !signal?.aborted; p += chunk) await onChunk(bytes.subarray(p, Math.min(bytes.length, p + chunk)));
      return { bytes: bytes.length };
    },
    randomAccess: {
      read: (off, len) => bytes.slice(Math.max(0, off), Math.max(0, Math.min(bytes.length, off + len))),
      close() {},
    },
    peek: (n) => bytes.slice(0, n),
  };
}
