/**
 * Literal conversion: the same text means different things next to different fields
 * (wireshark-filter(4) "Protocol field types", "Implicit type conversions"). Every function
 * returns the converted constant or a string explaining why the text is not a valid value.
 */
import type { FieldInfo } from '../fields.ts';
import type { Const, ValueType } from './ast.ts';

/** The literal as written, after the lexer: bare word, quoted or raw string, or 'c'. */
export type Lit = { kind: 'word'; text: string } | { kind: 'string'; text: string; raw: boolean } | { kind: 'char'; code: number };

export const TYPE_NAMES: Record<ValueType, string> = {
  protocol: 'protocol',
  bool: 'boolean',
  uint: 'unsigned integer',
  int: 'signed integer',
  float: 'floating-point number',
  string: 'character string',
  bytes: 'byte sequence',
  ether: 'Ethernet address',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  time: 'date and time',
  reltime: 'time offset',
  framenum: 'frame number',
};

/** Integer literal: decimal, 0x hex, 0b binary, leading-0 octal, optional leading '-'. */
export function parseIntLiteral(text: string): number | bigint | undefined {
  const m = /^(-?)(0[xX][0-9A-Fa-f]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (/^0[bB]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body[0] === '0') v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (m[1]) v = -v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let k = 1; k <= 4; k++) {
    const o = parseInt(m[k], 10);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v;
}

/** RFC 4291 §2.2 text forms, including `::` and a dotted-quad tail. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.split('::').length > 2) return undefined;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) > 0) {
    // Dotted-quad tail (::ffff:1.2.3.4): rewrite it as two hex groups.
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let words: number[];
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    const head = groups(s.slice(0, dbl));
    const rest = groups(s.slice(dbl + 2));
    if (!head || !rest) return undefined;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    const all = groups(s);
    if (!all) return undefined;
    words = all;
  }
  if (words.length !== 8) return undefined;
  const b = new Uint8Array(16);
  words.forEach((w, k) => {
    b[2 * k] = w >> 8;
    b[2 * k + 1] = w & 255;
  });
  return b;
}

/**
 * Byte strings: hex digit groups separated by `:`, `-` or `.` (one or two digits per group,
 * `0.1.0.d` is four bytes), Cisco-style `aabb.ccdd.eeff`, or an even run of hex digits.
 */
export function parseBytes(text: string): Uint8Array | undefined {
  if (/^[0-9A-Fa-f]{4}(\.[0-9A-Fa-f]{4})+$/.test(text) && text.length === 14) {
    return parseBytes(text.replace(/\./g, ''));
  }
  if (/^[0-9A-Fa-f]+$/.test(text)) {
    if (text.length <= 2) return Uint8Array.of(parseInt(text, 16));
    if (text.length % 2) return undefined;
    const b = new Uint8Array(text.length / 2);
    for (let k = 0; k < b.length; k++) b[k] = parseInt(text.slice(2 * k, 2 * k + 2), 16);
    return b;
  }
  if (!/^[0-9A-Fa-f]{1,2}([:.-][0-9A-Fa-f]{1,2})+$/.test(text)) return undefined;
  return Uint8Array.from(text.split(/[:.-]/), (g) => parseInt(g, 16));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Absolute times (wireshark-filter(4)): ISO 8601 `YYYY-MM-DD[T ]HH:MM[:SS[.frac]]` with an
 * optional `Z` / `±HH[:MM]`, or the legacy `Mon DD, YYYY HH:MM:SS[.frac]` with an optional
 * trailing `UTC`. Without a zone the time is local, as in Wireshark. Returns epoch seconds.
 */
export function parseAbsTime(text: string): number | undefined {
  const s = text.trim();
  let y: number, mo: number, d: number, h: number, mi: number, sec: number, frac: string | undefined, zone: string | undefined;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i.exec(s);
  if (m) {
    [y, mo, d] = [+m[1], +m[2] - 1, +m[3]];
    [h, mi, sec] = [+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
    frac = m[7];
    zone = m[8];
  } else {
    m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:\s+(UTC))?$/i.exec(s);
    if (!m) return undefined;
    mo = MONTHS.indexOf(m[1].toLowerCase());
    if (mo < 0) return undefined;
    [y, d] = [+m[3], +m[2]];
    [h, mi, sec] = [+(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
    frac = m[7];
    zone = m[8];
  }
  if (mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  let ms: number;
  if (zone === undefined) {
    const dt = new Date(y, mo, d, h, mi, sec);
    if (dt.getDate() !== d) return undefined;
    ms = dt.getTime();
  } else {
    ms = Date.UTC(y, mo, d, h, mi, sec);
    if (new Date(ms).getUTCDate() !== d) return undefined;
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (z) ms -= (z[1] === '-' ? -1 : 1) * (+z[2] * 60 + +(z[3] ?? 0)) * 60_000;
  }
  return ms / 1000 + (frac ? parseInt(frac, 10) / 10 ** frac.length : 0);
}

/** Strings whose UTF-16 units are all ≤ 0xff came from `\xNN`/octal escapes or Latin-1 text: byte per unit. */
export function stringToBytes(s: string): Uint8Array {
  let simple = true;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 0x7f) simple = false;
  if (simple) return Uint8Array.from(s, (c) => c.charCodeAt(0));
  // Escaped bytes (\x80-\xff) are kept as such; other characters are UTF-8 encoded.
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0xff) out.push(cp);
    else out.push(...new TextEncoder().encode(ch));
  }
  return Uint8Array.from(out);
}

function enumLookup(field: FieldInfo | undefined, text: string): string | undefined {
  if (!field?.values) return undefined;
  const low = text.toLowerCase();
  for (const [k, meaning] of Object.entries(field.values)) if (meaning.toLowerCase() === low) return k;
  return undefined;
}

function showLit(lit: Lit): string {
  if (lit.kind === 'word') return `"${lit.text}"`;
  if (lit.kind === 'char') return `'${String.fromCodePoint(lit.code)}'`;
  return JSON.stringify(lit.text);
}

/**
 * Convert `lit` to a constant of `type`. `field` (when the other side is a field) supplies
 * enumerated value names; `allowNet` accepts CIDR prefixes (equality and `in` only).
 */
export function convertLiteral(lit: Lit, type: ValueType, field: FieldInfo | undefined, allowNet: boolean): Const | string {
  const what = field ? `${field.name} (${TYPE_NAMES[type]})` : `a ${TYPE_NAMES[type]}`;
  const bad = (extra = '') => `${showLit(lit)} is not a valid value for ${what}${extra}`;
  switch (type) {
    case 'uint':
    case 'int':
    case 'framenum': {
      if (lit.kind === 'char') return { k: 'num', v: lit.code };
      const en = enumLookup(field, lit.text);
      if (en !== undefined) {
        const v = parseIntLiteral(en);
        if (v !== undefined) return { k: 'num', v };
      }
      if (lit.kind === 'string') return `${what} cannot be compared with a string (${showLit(lit)}); write the number without quotes`;
      const v = parseIntLiteral(lit.text);
      if (v === undefined) {
        if (field?.values) return bad(`; known values: ${Object.values(field.values).slice(0, 6).join(', ')}`);
        return bad(/^-?\d*\.\d+$/.test(lit.text) ? ': it must be a whole number' : '');
      }
      if (type !== 'int' && v < 0) return bad(': it cannot be negative');
      return { k: 'num', v };
    }
    case 'bool': {
      if (lit.kind === 'char') return { k: 'num', v: lit.code ? 1 : 0 };
      const t = lit.text;
      if (/^true$/i.test(t)) return { k: 'num', v: 1 };
      if (/^false$/i.test(t)) return { k: 'num', v: 0 };
      if (lit.kind === 'word') {
        const v = parseIntLiteral(t);
        if (v !== undefined) return { k: 'num', v: v === 0 || v === 0n ? 0 : 1 };
      }
      return bad(': use True, False, 1 or 0');
    }
    case 'float':
    case 'reltime': {
      if (lit.kind !== 'word') return bad();
      const t = lit.text;
      if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) {
        const i = parseIntLiteral(t);
        if (i !== undefined) return { k: 'num', v: Number(i) };
        return bad();
      }
      return { k: 'num', v: parseFloat(t) };
    }
    case 'time': {
      if (lit.kind === 'char') return bad();
      // Epoch seconds as a bare number: Wireshark 4.0 types frame.time_epoch as a time offset,
      // so saved filters like `frame.time_epoch >= 1102274184.3` must keep working here.
      if (lit.kind === 'word' && /^\d+(\.\d+)?$/.test(lit.text)) return { k: 'num', v: parseFloat(lit.text) };
      const v = parseAbsTime(lit.text);
      if (v === undefined) return bad(': write a date as "2024-01-01 10:00:00" (local time), add Z or UTC for UTC');
      return { k: 'num', v };
    }
    case 'string': {
      if (lit.kind === 'char') return { k: 'str', v: String.fromCodePoint(lit.code) };
      return { k: 'str', v: lit.text };
    }
    case 'bytes':
    case 'protocol': {
      if (lit.kind === 'char') return { k: 'bytes', v: Uint8Array.of(lit.code & 255) };
      if (lit.kind === 'string') return { k: 'bytes', v: stringToBytes(lit.text) };
      // A hex integer of one byte converts to a byte (wireshark-filter(4)); bigger ones do not.
      const hexInt = /^0x([0-9A-Fa-f]{1,2})$/.exec(lit.text);
      if (hexInt) return { k: 'bytes', v: Uint8Array.of(parseInt(hexInt[1], 16)) };
      if (/^0x/i.test(lit.text)) return bad(': only hex integers up to 0xff convert to bytes; write bytes as 01:02:03');
      if (/^\d+$/.test(lit.text) && lit.text.length % 2 === 1 && lit.text.length > 2) return bad(': write bytes as hex pairs, as in 01:02:03');
      const b = parseBytes(lit.text);
      return b ? { k: 'bytes', v: b } : bad(': write bytes as hex pairs, as in 01:02:03, or as "text"');
    }
    case 'ether': {
      if (lit.kind === 'char') return bad();
      const b = parseBytes(lit.text);
      if (!b || b.length !== 6) return bad(': write a MAC as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff');
      return { k: 'bytes', v: b };
    }
    case 'ipv4': {
      if (lit.kind === 'char') return bad();
      const [addr, prefix, ...more] = lit.text.split('/');
      const v = parseIpv4(addr);
      if (v === undefined || more.length) return bad(': write an address as 192.168.0.1 or a network as 10.0.0.0/8 (host names are not resolved)');
      if (prefix === undefined) return { k: 'num', v };
      const bits = /^\d{1,2}$/.test(prefix) ? parseInt(prefix, 10) : -1;
      if (bits < 0 || bits > 32) return bad(': the prefix length must be 0 to 32');
      if (!allowNet) return `${showLit(lit)} is a network; networks can only be used with ==, != and in`;
      return bits === 32 ? { k: 'num', v } : { k: 'net4', addr: v, bits };
    }
    case 'ipv6': {
      if (lit.kind === 'char') return bad();
      const [addr, prefix, ...more] = lit.text.split('/');
      const v = parseIpv6(addr);
      if (!v || more.length) return bad(': write an address as 2001:db8::1 or a network as fe80::/10');
      if (prefix === undefined) return { k: 'bytes', v };
      const bits = /^\d{1,3}$/.test(prefix) ? parseInt(prefix, 10) : -1;
      if (bits < 0 || bits > 128) return bad(': the prefix length must be 0 to 128');
      if (!allowNet) return `${showLit(lit)} is a network; networks can only be used with ==, != and in`;
      return bits === 128 ? { k: 'bytes', v } : { k: 'net6', addr: v, bits };
    }
  }
}
