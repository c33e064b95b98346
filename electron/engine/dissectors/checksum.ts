/**
 * The Internet checksum (RFC 1071: the 16-bit one's complement of the one's complement sum) and
 * how Wireshark shows its verification (epan/proto.c proto_tree_add_checksum).
 */
import { addField, setLabel, type Dissection } from './dissection.ts';
import type { FieldDef } from '../fields/registry.ts';

/** One's complement sum of data[off, end) as 16-bit big-endian words (an odd last byte padded with 0), added to `sum`; not folded. */
export function onesSum(data: Uint8Array, off: number, end: number, sum = 0): number {
  let s = sum;
  let p = off;
  for (; p + 1 < end; p += 2) s += (data[p] << 8) | data[p + 1];
  if (p < end) s += data[p] << 8;
  return s;
}

/** Fold a sum to 16 bits and complement it: 0 when a packet carrying its checksum is intact. */
export function foldComplement(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The value the checksum field should hold, from the sum over the data with the field's bytes included. */
export function expectedChecksum(sumWithField: number, field: number): number {
  // Remove the carried value from the sum: what remains, complemented, is the right checksum.
  return foldComplement(sumWithField + (~field & 0xffff));
}

export const CHECKSUM_BAD = 0;
export const CHECKSUM_GOOD = 1;
export const CHECKSUM_UNVERIFIED = 2;

/**
 * Add the checksum field and its status as tshark shows them: `[correct]` / `incorrect, should be
 * 0x…` (with an expert note) when verified (`sum` = the folded-not sum over everything the
 * checksum covers, field included), `[unverified]` when `sum` is undefined.
 */
export function addChecksum(
  d: Dissection, field: FieldDef, status: FieldDef, data: Uint8Array, off: number, parent: number, sum: number | undefined,
): void {
  const value = (data[off] << 8) | data[off + 1];
  const hexv = `0x${value.toString(16).padStart(4, '0')}`;
  const e = addField(d, field, off, 2, parent);
  if (sum === undefined) {
    setLabel(d, e, `${field.description}: ${hexv} [unverified]`);
    addField(d, status, off, 0, parent, CHECKSUM_UNVERIFIED);
    return;
  }
  const good = foldComplement(sum) === 0;
  if (good) {
    setLabel(d, e, `${field.description}: ${hexv} [correct]`);
  } else {
    const want = `0x${expectedChecksum(sum, value).toString(16).padStart(4, '0')}`;
    setLabel(d, e, `${field.description}: ${hexv} incorrect, should be ${want}`);
    // An expert warning, not damage: the frame stays readable and is not marked malformed.
    if (e >= 0) d.note[e] = `Bad checksum [should be ${want}]`;
  }
  addField(d, status, off, 0, parent, good ? CHECKSUM_GOOD : CHECKSUM_BAD);
}
