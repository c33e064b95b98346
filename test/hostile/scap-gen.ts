/**
 * Damage generators for scap savefiles (pcapng-style framing: u32 type, u32 total length,
 * body, u32 total length again; falcosecurity/libs userspace/libscap/scap_savefile.h).
 * They work on a copy of a corpus file; nothing binary is stored in the repository.
 */

/** Offsets of every block of an intact file, found by walking the leading lengths. */
export function blockOffsets(b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let p = 0; p + 12 <= b.length; p += dv.getUint32(p + 4, true)) out.push(p);
  return out;
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A copy with the leading total length of the block at `at` set to `len`. */
export function withLeadingLength(b: Uint8Array, at: number, len: number): Uint8Array {
  const out = b.slice();
  view(out).setUint32(at + 4, len, true);
  return out;
}

/** A copy with the trailing total length of the block at `at` set to `len`. */
export function withTrailingLength(b: Uint8Array, at: number, len: number): Uint8Array {
  const out = b.slice();
  const dv = view(out);
  dv.setUint32(at + dv.getUint32(at + 4, true) - 4, len, true);
  return out;
}

/** A copy with an intact block of `type` and `bodyLen` zero bytes inserted at `at`. */
export function withBlock(b: Uint8Array, at: number, type: number, bodyLen: number): Uint8Array {
  const len = 12 + bodyLen;
  const block = new Uint8Array(len);
  const dv = view(block);
  dv.setUint32(0, type, true);
  dv.setUint32(4, len, true);
  dv.setUint32(len - 4, len, true);
  const out = new Uint8Array(b.length + len);
  out.set(b.subarray(0, at));
  out.set(block, at);
  out.set(b.subarray(at), at + len);
  return out;
}
