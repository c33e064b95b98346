import type { CaptureSource } from '../../electron/engine/io/capture-source.ts';

/** An in-memory source delivering `chunkSize` pieces, as the file source does. */
export function memorySource(bytes: Uint8Array, chunkSize: number, path = 'mem.strace'): CaptureSource {
  return {
    path,
    fileSize: bytes.length,
    compressed: false,
    async stream(onChunk) {
      for (let p = 0; p < bytes.length; p += chunkSize) await onChunk(bytes.subarray(p, Math.min(bytes.length, p + chunkSize)));
      return { bytes: bytes.length };
    },
    randomAccess: {
      read: (offset, length) => bytes.slice(Math.max(0, offset), Math.max(0, Math.min(bytes.length, offset + length))),
      close: () => undefined,
    },
  } as CaptureSource;
}
