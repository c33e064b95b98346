/**
 * Parameter text as sysdig prints it in `evt.args` (`name=value` or `name=value(resolved)`,
 * space separated). Rules follow libsinsp's sinsp_evt::get_param_as_str (falcosecurity/libs
 * userspace/libsinsp/event.cpp) and the TYPE_ARGS filter check: numbers in the schema's print
 * format, errno names for negative results, flag names, fd resolution `<typechar>name`, socket
 * tuples, buffers with non-printable bytes as dots, truncated to 80 characters like sysdig's
 * default output.
 */
import { DYN_TABLES, ERRNO_NAMES, EVENT_TABLE, FLAG_TABLES, SIGNAL_NAMES, type ParamDef } from '../../syscalls/scap-event-table.ts';
import { ipv6 } from './state.ts';
import type { EventView } from './event.ts';

/** PT_* parameter types (ppm_events_public.h enum ppm_param_type). */
export const PT = {
  NONE: 0, INT8: 1, INT16: 2, INT32: 3, INT64: 4, UINT8: 5, UINT16: 6, UINT32: 7, UINT64: 8, CHARBUF: 9, BYTEBUF: 10,
  ERRNO: 11, SOCKADDR: 12, SOCKTUPLE: 13, FD: 14, PID: 15, FDLIST: 16, FSPATH: 17, SYSCALLID: 18, SIGTYPE: 19,
  RELTIME: 20, ABSTIME: 21, PORT: 22, L4PROTO: 23, SOCKFAMILY: 24, BOOL: 25, IPV4ADDR: 26, DYN: 27, FLAGS8: 28,
  FLAGS16: 29, FLAGS32: 30, UID: 31, GID: 32, DOUBLE: 33, SIGSET: 34, CHARBUFARRAY: 35, CHARBUF_PAIR_ARRAY: 36,
  IPV4NET: 37, IPV6ADDR: 38, IPV6NET: 39, IPADDR: 40, IPNET: 41, MODE: 42, FSRELPATH: 43, ENUMFLAGS8: 44,
  ENUMFLAGS16: 45, ENUMFLAGS32: 46, FD32: 47, PID32: 48,
} as const;

/** PF_* print formats. */
const PF = { NA: 0, DEC: 1, HEX: 2, PADDED: 3, ID: 4, DIR: 5, OCT: 6 } as const;

/** sysdig's default maximum length of a rendered buffer (sinsp max_evt_output_len, sysdig -r default 80). */
export const MAX_BUF_TEXT = 80;

const AT_FDCWD = -100; // PPM_AT_FDCWD

/** What the renderer needs to know about state at the time of the event. */
export interface Resolver {
  /** `<typechar>name` of an fd, or undefined when unknown. */
  fd(fd: number, paramIndex: number): string | undefined;
  /** comm of a thread id, or undefined. */
  pid(tid: number, paramIndex: number): string | undefined;
  /** Type characters of the fds of an fd-list parameter, in list order. */
  fdList(paramIndex: number): string | undefined;
  /** Directory a relative path param is resolved against (cwd or dirfd's path), or undefined. */
  base(paramIndex: number): string | undefined;
}

export function errnoName(n: number): string {
  return ERRNO_NAMES.get(-n) ?? '';
}

function num(v: number | bigint, fmt: number): string {
  if (fmt === PF.HEX) return v.toString(16).toUpperCase();
  // libsinsp prints PF_OCT with printf's `%#o`: a leading 0 on non-zero values (event.cpp SET_NUMERIC_FORMAT).
  if (fmt === PF.OCT) return v === 0 || v === 0n ? '0' : `0${v.toString(8)}`;
  return v.toString();
}

function readInt(dv: DataView, p: number, len: number, signed: boolean): number | bigint {
  if (len >= 8) {
    const v = signed ? dv.getBigInt64(p, true) : dv.getBigUint64(p, true);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }
  if (len >= 4) return signed ? dv.getInt32(p, true) : dv.getUint32(p, true);
  if (len >= 2) return signed ? dv.getInt16(p, true) : dv.getUint16(p, true);
  if (len >= 1) return signed ? dv.getInt8(p) : dv.getUint8(p);
  return 0;
}

/** Printable bytes as they are, others as '.', up to `max` characters (then '...'). */
export function dotted(b: Uint8Array, p: number, len: number, max = MAX_BUF_TEXT): string {
  let s = '';
  const n = Math.min(len, max);
  for (let i = 0; i < n; i++) {
    const c = b[p + i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  if (len > max && max > 3) s = `${s.slice(0, max - 3)}...`;
  return s;
}

function cstring(b: Uint8Array, p: number, len: number): string {
  let e = p + len;
  const z = b.indexOf(0, p);
  if (z >= 0 && z < e) e = z;
  return new TextDecoder().decode(b.subarray(p, e));
}

function ipv4(dv: DataView, p: number): string {
  return `${dv.getUint8(p)}.${dv.getUint8(p + 1)}.${dv.getUint8(p + 2)}.${dv.getUint8(p + 3)}`;
}

function flagsText(val: number, table: string, exact: boolean): string {
  const t = FLAG_TABLES[table];
  if (!t) return '';
  const out: string[] = [];
  let rest = val;
  for (const [name, fv] of t) {
    if (exact) {
      if (fv === val) out.push(name);
      continue;
    }
    if ((fv === 0 && val === 0) || (fv !== 0 && (rest & fv) >>> 0 === fv && rest !== 0)) {
      out.push(name);
      rest = (rest & ~fv) >>> 0;
      if (fv === val) break;
    }
  }
  return out.join('|');
}

function modeText(val: number, table: string): string {
  const t = FLAG_TABLES[table];
  if (!t) return '';
  const out: string[] = [];
  let rest = val;
  let i = 0;
  for (; i < t.length && t[i][1] !== val; i++) {
    const fv = t[i][1];
    if ((fv === 0 && val === 0) || (fv !== 0 && (rest & fv) >>> 0 === fv && rest !== 0)) {
      out.push(t[i][0]);
      rest = (rest & ~fv) >>> 0;
    }
  }
  if (i < t.length) out.push(t[i][0]);
  return out.join('|');
}

function sockaddrText(v: EventView, p: number, l: number): string {
  if (l === 0) return 'NULL'; // as the capture author's sysdig prints an absent address
  const b = v.buf;
  const fam = b[p];
  if (fam === 1) return cstring(b, p + 1, l - 1);
  if (fam === 2 && l >= 7) return `${ipv4(v.dv, p + 1)}:${v.dv.getUint16(p + 5, true)}`;
  if (fam === 10 && l >= 19) return `${ipv6(b, p + 1)}:${v.dv.getUint16(p + 17, true)}`;
  return `family ${fam}`;
}

function socktupleText(v: EventView, p: number, l: number): string {
  if (l === 0) return 'NULL';
  const b = v.buf;
  const dv = v.dv;
  const fam = b[p];
  if (fam === 2 && l >= 13) return `${ipv4(dv, p + 1)}:${dv.getUint16(p + 5, true)}->${ipv4(dv, p + 7)}:${dv.getUint16(p + 11, true)}`;
  if (fam === 10 && l >= 37) {
    // libsinsp treats ::ffff:a.b.c.d and the all-zero address as IPv4 (sysdig prints 0.0.0.0)
    const mapped = (q: number): boolean =>
      b.subarray(q, q + 10).every((x) => x === 0) && ((b[q + 10] === 0xff && b[q + 11] === 0xff) || b.subarray(q + 10, q + 16).every((x) => x === 0));
    if (mapped(p + 1) && mapped(p + 19)) {
      return `${ipv4(dv, p + 13)}:${dv.getUint16(p + 17, true)}->${ipv4(dv, p + 31)}:${dv.getUint16(p + 35, true)}`;
    }
    return `${ipv6(b, p + 1)}:${dv.getUint16(p + 17, true)}->${ipv6(b, p + 19)}:${dv.getUint16(p + 35, true)}`;
  }
  if (fam === 1 && l >= 17) {
    const src = dv.getBigUint64(p + 1, true).toString(16);
    const dst = dv.getBigUint64(p + 9, true).toString(16);
    return `${src}->${dst} ${cstring(b, p + 17, l - 17)}`;
  }
  return `family ${fam}`;
}

/** Value text and resolved text of parameter i (resolved '' when none). */
export function paramText(v: EventView, i: number, def: ParamDef, r: Resolver | undefined): [string, string] {
  const p = v.pOff[i];
  const l = v.pLen[i];
  let type = def[1];
  let fmt = def[2];
  const dv = v.dv;
  if (l === 0) {
    if (v.legacy && (type === PT.BYTEBUF || type === PT.CHARBUF || type === PT.FSPATH)) return ['', ''];
    const nullish = type === PT.BYTEBUF || type === PT.SOCKADDR || type === PT.SOCKTUPLE || type === PT.FDLIST || type === PT.CHARBUFARRAY || type === PT.CHARBUF_PAIR_ARRAY || type === PT.DYN;
    return [nullish ? 'NULL' : '<NA>', ''];
  }
  let dp = p;
  let dl = l;
  if (type === PT.DYN) {
    const tbl = DYN_TABLES[def[3]];
    const idx = v.buf[p];
    const d = tbl?.[idx];
    if (!d) return ['INVALID DYNAMIC PARAMETER', ''];
    type = d[0];
    fmt = d[1];
    dp = p + 1;
    dl = l - 1;
  }
  switch (type) {
    case PT.INT8: case PT.INT16: case PT.INT32: case PT.INT64:
      return [num(readInt(dv, dp, dl, true), fmt), ''];
    case PT.UINT8: case PT.UINT16: case PT.UINT32: case PT.PORT: case PT.L4PROTO: case PT.SOCKFAMILY: case PT.BOOL:
      return [num(readInt(dv, dp, dl, false), fmt), ''];
    case PT.UINT64:
      // libsinsp prints PT_UINT64 through a signed conversion for decimal
      return [num(readInt(dv, dp, dl, fmt !== PF.HEX && fmt !== PF.OCT), fmt), ''];
    case PT.FD: case PT.FD32: {
      const fd = Number(readInt(dv, dp, dl, true));
      if (fd >= 0) return [String(fd), r?.fd(fd, i) ?? ''];
      if (fd === AT_FDCWD) return [String(fd), 'AT_FDCWD'];
      return [String(fd), errnoName(fd)];
    }
    case PT.PID: case PT.PID32: {
      const pid = Number(readInt(dv, dp, dl, true));
      return [String(pid), r?.pid(pid, i) ?? ''];
    }
    case PT.ERRNO: {
      const e = Number(readInt(dv, dp, dl, true));
      return [String(e), e < 0 ? errnoName(e) : ''];
    }
    case PT.CHARBUF:
      return [cstring(v.buf, dp, dl), ''];
    case PT.FSPATH: case PT.FSRELPATH: {
      const path = cstring(v.buf, dp, dl);
      if (path === '' || path.startsWith('/') || path === '<NA>' || !r) return [path, ''];
      const base = r.base(i);
      if (base === undefined) return [path, ''];
      return [path, joinPaths(base, path)];
    }
    case PT.BYTEBUF:
      return [dotted(v.buf, dp, dl), ''];
    case PT.SOCKADDR:
      return [sockaddrText(v, dp, dl), ''];
    case PT.SOCKTUPLE:
      return [socktupleText(v, dp, dl), ''];
    case PT.FDLIST: {
      if (dl < 2) return ['', ''];
      const nfds = dv.getUint16(dp, true);
      const parts: string[] = [];
      const chars = r?.fdList(i) ?? '';
      for (let j = 0, q = dp + 2; j < nfds && q + 10 <= dp + dl; j++, q += 10) {
        const fd = Number(dv.getBigInt64(q, true));
        const fl = dv.getInt16(q + 8, true);
        parts.push(`${fd}:${chars[j] ?? '?'}${(fl & 0xffff).toString(16)}`);
      }
      return [parts.join(' '), ''];
    }
    case PT.SYSCALLID:
      return [String(readInt(dv, dp, dl, false)), ''];
    case PT.SIGTYPE: {
      const s = Number(readInt(dv, dp, 1, false));
      return [String(s), SIGNAL_NAMES.get(s) ?? ''];
    }
    case PT.RELTIME: {
      const t = dl >= 8 ? dv.getBigUint64(dp, true) : BigInt(readInt(dv, dp, dl, false));
      if (t === 0xffffffffffffffffn) return ['none', ''];
      return [t.toString(), `${gFormat(Number(t) / 1e9)}s`];
    }
    case PT.ABSTIME: {
      const t = dl >= 8 ? dv.getBigUint64(dp, true) : 0n;
      return [absTime(t), ''];
    }
    case PT.FLAGS8: case PT.FLAGS16: case PT.FLAGS32: case PT.ENUMFLAGS8: case PT.ENUMFLAGS16: case PT.ENUMFLAGS32: {
      const val = Number(readInt(dv, dp, type === PT.FLAGS8 || type === PT.ENUMFLAGS8 ? 1 : type === PT.FLAGS16 || type === PT.ENUMFLAGS16 ? 2 : 4, false));
      return [String(val), flagsText(val, def[3], type >= PT.ENUMFLAGS8)];
    }
    case PT.MODE: {
      const val = Number(readInt(dv, dp, 4, false));
      return [num(val, fmt), modeText(val, def[3])];
    }
    case PT.UID: case PT.GID: {
      const val = Number(readInt(dv, dp, 4, false));
      if (val === 0xffffffff) return ['-1', '<NONE>'];
      return [String(val), '<NA>'];
    }
    case PT.DOUBLE:
      return [dl >= 8 ? String(dv.getFloat64(dp, true)) : '', ''];
    case PT.SIGSET: {
      const val = Number(readInt(dv, dp, 4, false));
      const names: string[] = [];
      for (let s = 0; s < 32; s++) if (val & (1 << s)) { const nm = SIGNAL_NAMES.get(s + 1); if (nm) names.push(nm); }
      return [names.join(' '), ''];
    }
    case PT.IPV4ADDR:
      return [dl >= 4 ? ipv4(dv, dp) : '', ''];
    case PT.IPV6ADDR:
      return [dl >= 16 ? ipv6(v.buf, dp) : '', ''];
    case PT.IPADDR:
      return [dl === 4 ? ipv4(dv, dp) : dl >= 16 ? ipv6(v.buf, dp) : '', ''];
    default:
      return [hexBytes(v.buf, dp, dl), ''];
  }
}

/** %lg of a number (6 significant digits, trailing zeros trimmed). */
function gFormat(x: number): string {
  if (x === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(x)));
  if (e < -5 || e >= 6) return x.toExponential(5).replace(/\.?0+e/, 'e').replace(/e([+-])(\d)$/, 'e$10$2');
  return String(Number(x.toPrecision(6)));
}

/** PT_ABSTIME: `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (UTC; sysdig uses local time, the corpus oracles were rendered in UTC). */
function absTime(ns: bigint): string {
  const sec = Number(ns / 1000000000n);
  const nsec = Number(ns % 1000000000n);
  const d = new Date(sec * 1000);
  const p2 = (x: number): string => String(x).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(nsec).padStart(9, '0')}`;
}

function joinPaths(base: string, path: string): string {
  const full = `${base.endsWith('/') ? base : `${base}/`}${path}`;
  const out: string[] = [];
  for (const s of full.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return `/${out.join('/')}`;
}

export function hexBytes(b: Uint8Array, p: number, l: number): string {
  let s = '';
  for (let i = 0; i < l; i++) s += b[p + i].toString(16).padStart(2, '0');
  return s;
}

/** The whole `evt.args` text of an event (sysdig's TYPE_ARGS); unknown types show raw hex params. */
export function argsText(v: EventView, r: Resolver | undefined): string {
  const def = v.type < EVENT_TABLE.length ? EVENT_TABLE[v.type] : undefined;
  // Generic events (PPME_GENERIC_E/X): sysdig names them after the syscall and prints no args.
  if (v.type === 0 || v.type === 1) return '';
  const parts: string[] = [];
  for (let i = 0; i < v.nparams; i++) {
    const pd = def?.[3][i];
    if (!pd) {
      parts.push(`arg${i}=${hexBytes(v.buf, v.pOff[i], v.pLen[i])}`);
      continue;
    }
    const [val, res] = paramText(v, i, pd, r);
    parts.push(res ? `${pd[0]}=${val}(${res})` : `${pd[0]}=${val}`);
  }
  return parts.join(' ');
}
