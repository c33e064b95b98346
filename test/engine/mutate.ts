/** Seeded damage to a capture's bytes, shared by the mutation tests. */

export type Mutation = { kind: string; at: number; data: Uint8Array };

/**
 * Truncation, a byte flip, a length-like field overwritten with a huge value, or a zeroed run,
 * at a random offset (or at `where`, then never a truncation).
 */
export function mutate(bytes: Uint8Array, r: () => number, where?: number): Mutation {
  const b = bytes.slice();
  const at = where ?? Math.floor(r() * b.length);
  const pick = where === undefined ? r() : 0.3 + 0.7 * r();
  if (pick < 0.3) return { kind: 'truncate', at, data: b.subarray(0, at) };
  if (pick < 0.6) {
    b[at] ^= 1 + Math.floor(r() * 255);
    return { kind: 'flip', at, data: b };
  }
  if (pick < 0.85) {
    // A length-like field overwritten with a huge or negative-looking value.
    const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff, 0][Math.floor(r() * 5)];
    for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (v >>> (8 * k)) & 255;
    return { kind: 'length', at, data: b };
  }
  const n = 1 + Math.floor(r() * 64);
  b.fill(0, at, Math.min(b.length, at + n));
  return { kind: 'zero', at, data: b };
}
