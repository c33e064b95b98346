/**
 * Reading and printing field values from a Dissection. Printing follows `tshark -T fields`
 * (tshark 4.0): integers in their declared base, booleans as 1/0, MACs with colons, byte
 * fields as plain lowercase hex, absolute times as epoch seconds with 9 decimals.
 */
import type { FieldValue } from '../../../shared/fields.ts';
import { fieldById, type FieldDef } from '../fields/registry.ts';
import type { Dissection } from './dissection.ts';
import { formatIpv4, formatIpv6, formatLocalTime, formatUtcTime, hex } from '../fields/format.ts';

export function entryField(d: Dissection, i: number): FieldDef {
  return fieldById(d.fid[i]);
}

export function entryBytes(d: Dissection, i: number): Uint8Array {
  const bytes = d.sources[d.src[i]]?.bytes;
  if (!bytes) return new Uint8Array(0);
  const start = Math.max(0, Math.min(d.off[i], bytes.length));
  return bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, d.len[i])));
}

function readUintBE(b: Uint8Array): number {
  let v = 0;
  for (let k = 0; k < b.length && k < 6; k++) v = v * 256 + b[k];
  return v;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The typed value of entry `i` (undefined for protocol/label nodes). */
export function entryValue(d: Dissection, i: number): FieldValue | undefined {
  const f = entryField(d, i);
  const o = d.obj[i];
  if (o !== undefined) return o;
  const n = d.num[i];
  if (!Number.isNaN(n)) return f.type === 'bool' ? n !== 0 : n;
  switch (f.type) {
    case 'protocol':
    case 'none':
      return undefined;
    case 'bytes':
    case 'ether':
    case 'ipv6':
      return entryBytes(d, i);
    case 'ipv4':
      return readUintBE(entryBytes(d, i)) >>> 0;
    case 'string':
      return utf8.decode(entryBytes(d, i));
    case 'uint':
    case 'int':
    case 'framenum': {
      let v = readUintBE(entryBytes(d, i));
      if (f.mask !== undefined) v = maskValue(v, f.mask);
      return v;
    }
    case 'bool': {
      const v = readUintBE(entryBytes(d, i));
      return f.mask !== undefined ? (v & f.mask) !== 0 : v !== 0;
    }
    default:
      return undefined;
  }
}

/** Apply a Wireshark-style bitmask: keep the masked bits and shift them down. */
export function maskValue(v: number, mask: number): number {
  if (mask === 0) return v;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0 && shift < 32) shift++;
  return ((v & mask) >>> 0) / 2 ** shift;
}

/** Epoch nanoseconds (bigint) or seconds (number) as "S.NNNNNNNNN". */
export function formatEpoch(v: FieldValue): string {
  if (typeof v === 'bigint') {
    const neg = v < 0n;
    const a = neg ? -v : v;
    return `${neg ? '-' : ''}${a / 1_000_000_000n}.${(a % 1_000_000_000n).toString().padStart(9, '0')}`;
  }
  if (typeof v === 'number') return v.toFixed(9);
  return String(v);
}

/**
 * `v` with `digits` decimals as C's printf("%.*f") writes it: the exact binary value rounded,
 * an exact tie to the even digit (printf 6.25 → "6.2"), where toFixed rounds ties up ("6.3").
 */
export function fixedLikePrintf(v: number, digits: number): string {
  const s = v.toFixed(digits);
  if (!Number.isFinite(v) || Math.abs(v) >= 1e21) return s;
  // toFixed(100) is the exact expansion of any double below 1e21 (it ends well before 100 digits).
  const exact = Math.abs(v).toFixed(100);
  const frac = exact.slice(exact.indexOf('.') + 1);
  if (frac[digits] !== '5' || !/^0*$/.test(frac.slice(digits + 1))) return s;
  // A tie: toFixed went up; printf goes to the even neighbour.
  const down = (Math.sign(v) * (Math.floor(Math.abs(v) * 10 ** digits) / 10 ** digits)).toFixed(digits);
  const last = Number(down.at(-1));
  return last % 2 === 0 ? down : s;
}

function formatInt(f: FieldDef, v: number | bigint, both = false): string {
  const base = f.base ?? 'dec';
  if (base === 'dec') return v.toString();
  const width = Math.ceil((f.bits ?? 8) / 4);
  const h = `0x${v.toString(16).padStart(width, '0')}`;
  if (base === 'hex') return h;
  if (base === 'oct') return `0${v.toString(8)}`;
  // tshark -T fields prints only the first form of BASE_DEC_HEX / BASE_HEX_DEC (ip.id → 0x1b68);
  // the details tree shows both.
  if (!both) return base === 'dec_hex' ? v.toString() : h;
  return base === 'dec_hex' ? `${v} (${h})` : `${h} (${v})`;
}

/** A value printed as `tshark -T fields` prints it. */
export function formatFieldValue(f: FieldDef, v: FieldValue | undefined): string {
  if (v === undefined) return '';
  switch (f.type) {
    case 'bool':
      return v === true || v === 1 ? '1' : '0';
    case 'uint':
    case 'int':
    case 'framenum':
      return typeof v === 'number' || typeof v === 'bigint' ? formatInt(f, v) : String(v);
    case 'ipv4':
      return typeof v === 'number' ? formatIpv4(v) : String(v);
    case 'ipv6':
      return v instanceof Uint8Array ? formatIpv6(v) : String(v);
    case 'ether':
      return v instanceof Uint8Array ? hex(v, ':') : String(v);
    case 'bytes':
      return v instanceof Uint8Array ? hex(v) : String(v);
    case 'time':
      if (f.time === 'ntp_utc' && typeof v === 'bigint') return v === 0n ? 'NULL' : formatUtcTime(v);
      if (f.time === 'local' && typeof v === 'bigint') return formatLocalTime(v);
      return formatEpoch(v);
    case 'reltime':
      return typeof v === 'number' ? v.toFixed(9) : formatEpoch(v);
    case 'float':
      return typeof v === 'number' && f.decimals !== undefined ? fixedLikePrintf(v, f.decimals) : String(v);
    default:
      return v instanceof Uint8Array ? hex(v) : String(v);
  }
}

/**
 * Values of every occurrence of `field` in the dissection, printed tshark-style. As tshark 4.0's
 * -T fields (epan/print.c get_node_field_value): a protocol prints its tree line (Data its
 * bytes), a field without a value (FT_NONE) prints 1, so that its presence shows.
 */
export function fieldStrings(d: Dissection, field: FieldDef): string[] {
  const out: string[] = [];
  for (let i = 0; i < d.n; i++) {
    if (d.fid[i] !== field.id) continue;
    // The Data protocol prints its bytes (print.c special-cases proto_data).
    if (field.type === 'protocol') out.push(field.name === 'data' ? hex(entryBytes(d, i)) : entryLabel(d, i));
    else if (field.type === 'none') out.push('1');
    else out.push(formatFieldValue(field, entryValue(d, i)));
  }
  return out;
}

/** The details-tree label of entry `i`: its custom label, or "Description: value". */
export function entryLabel(d: Dissection, i: number): string {
  const custom = d.label[i];
  if (custom !== undefined) return custom;
  const f = entryField(d, i);
  const v = entryValue(d, i);
  if (v === undefined) return f.label ?? f.description;
  let text = (f.type === 'uint' || f.type === 'int') && (typeof v === 'number' || typeof v === 'bigint') ? formatInt(f, v, true) : formatFieldValue(f, v);
  if (f.values && (typeof v === 'number' || typeof v === 'string')) {
    const meaning = f.values[String(v)];
    if (meaning !== undefined) text = `${meaning} (${text})`;
  }
  return `${f.label ?? f.description}: ${text}`;
}
