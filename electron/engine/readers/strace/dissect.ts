/**
 * One strace event re-read from the file and decoded into fields, with byte ranges into the
 * event's text (the call line, its -k/hex-dump trailer lines and, for a joined
 * unfinished/resumed pair, "\n" + the resumed line). Also the Arguments column text.
 */
import { defineField, defineProtocol } from '../../fields/registry.ts';
import { addField, markMalformed, resetDissection, type Dissection } from '../../dissectors/dissection.ts';
import { windowedReader, type RandomAccess } from '../../io/capture-source.ts';
import { argField, SF } from '../../syscalls/fields.ts';
import { addIndexedSyscallFields, syscallSubtree, type SyscallFieldGroup, type SyscallIndex } from '../../syscalls/syscall-index.ts';
import { RowFlag } from '../../../../shared/rpc.ts';
import { splitArgs } from './args.ts';
import { FD_TYPE_CHARS, FD_TYPE_NAMES, fdCodeL4, fdCodeServer, fdCodeType, FdType, L4_NAMES } from './fd-names.ts';
import { IO_IN_RESUMED, isIovBase, T, type StraceExtra } from './indexer.ts';
import { createLine, Kind, parseLine, type StraceLine } from './line.ts';
import { decodeQuoted, hexDumpLine, latin1 } from './strings.ts';
import { Io, syscallInfo, type SyscallInfo } from './syscalls.ts';
import { EVENT_TABLE } from '../../syscalls/scap-event-table.ts';

export const STRACE = {
  proto: defineProtocol('strace', 'strace text'),
  frame: defineField({ name: 'strace.stack.frame', type: 'string', description: 'Stack frame printed by strace -k', multi: true }),
  hexdump: defineField({ name: 'strace.hexdump', type: 'bytes', description: 'Data dumped by strace -e read=/-e write= (hex dump lines)' }),
  text: defineField({ name: 'strace.text', type: 'string', description: 'Line that is not a syscall (kept as text)' }),
  incomplete: defineField({ name: 'strace.incomplete', type: 'bool', description: 'The call line has no result (cut off, or never resumed)' }),
  nr: defineField({ name: 'strace.syscall_nr', type: 'uint', description: 'System call number printed by strace -n' }),
  ip: defineField({ name: 'strace.ip', type: 'string', description: 'Instruction pointer at the call, printed by strace -i' }),
};

/** One indexed strace file: its index, side data and random access to its text. */
export interface StraceFile {
  ix: SyscallIndex;
  extra: StraceExtra;
  ra: RandomAccess;
}

const MAX_EVENT = 64 << 20;

/** The event's text: first segment, and for joined events "\n" + resumed segment. */
export function eventText(f: StraceFile, event: number, read: (offset: number, length: number) => Uint8Array = (o, l) => f.ra.read(o, l)): { bytes: Uint8Array; split: number } {
  const i = event - 1;
  const first = read(f.ix.offset.data[i], Math.min(MAX_EVENT, f.ix.length.data[i]));
  const off2 = f.extra.resumedOff.get(event);
  if (off2 === undefined) return { bytes: first, split: -1 };
  const second = f.ra.read(off2, Math.min(MAX_EVENT, f.extra.resumedLen.get(event) ?? 0));
  const bytes = new Uint8Array(first.length + 1 + second.length);
  bytes.set(first);
  bytes[first.length] = 10;
  bytes.set(second, first.length + 1);
  return { bytes, split: first.length };
}

const utf8 = new TextDecoder('utf-8');
const MAX_ARGS_TEXT = 2000;

/**
 * Argument text for display: as strace printed it, except that `\xHH` escapes of printable
 * ASCII (all of them with -xx) are shown as the characters, so -xx logs stay readable, and raw
 * control bytes (which strace never prints) as `\xHH`.
 */
function text(b: Uint8Array, s: number, e: number): string {
  // Char codes into one reused buffer, made a string once: concatenating per character cost
  // more than the rest of a read/write event's dissection (fd streams dissect every I/O event).
  let w = 0;
  let n = 0;
  let p = s;
  for (; p < e && n < MAX_ARGS_TEXT; n++) {
    const c = b[p];
    if (c === 0x5c && p + 3 < e && b[p + 1] === 0x78) {
      const hi = hexValue(b[p + 2]);
      const lo = hexValue(b[p + 3]);
      const v = hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
      if (v >= 0x20 && v < 0x7f && v !== 0x22 && v !== 0x5c) textBuf[w++] = v;
      else {
        textBuf[w++] = c;
        textBuf[w++] = b[p + 1];
        textBuf[w++] = b[p + 2];
        textBuf[w++] = b[p + 3];
      }
      p += 4;
      continue;
    }
    if (c === 0x5c && p + 1 < e) {
      textBuf[w++] = c;
      textBuf[w++] = b[p + 1];
      p += 2;
      continue;
    }
    // Raw control bytes (binary garbage in the log; strace escapes its own) shown escaped.
    if ((c < 0x20 && c !== 9) || c === 0x7f) {
      textBuf[w++] = 0x5c;
      textBuf[w++] = 0x78;
      textBuf[w++] = HEX_DIGITS.charCodeAt(c >> 4);
      textBuf[w++] = HEX_DIGITS.charCodeAt(c & 15);
    } else textBuf[w++] = c;
    p++;
  }
  const out = charsText(w);
  return p < e ? `${out}…` : out;
}

/** At most 4 output characters per input step of text(). */
const textBuf = new Uint16Array(4 * MAX_ARGS_TEXT);
const utf16 = new TextDecoder('utf-16le');
/** The buffer's code units are in memory little-endian (as UTF-16LE reads them) on this machine. */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** textBuf[0..w) as a string; one decode is several times quicker than String.fromCharCode. */
function charsText(w: number): string {
  if (littleEndian) return utf16.decode(textBuf.subarray(0, w));
  let out = '';
  for (let k = 0; k < w; k += 4096) out += String.fromCharCode(...textBuf.subarray(k, Math.min(w, k + 4096)));
  return out;
}
const HEX_DIGITS = '0123456789abcdef';

/** Value of one ASCII hex digit, -1 if it is none. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function lineEnd(b: Uint8Array, s: number, e: number): number {
  const nl = b.indexOf(10, s);
  return nl < 0 || nl > e ? e : nl;
}

const L1 = createLine();
const L2 = createLine();

/** Parse the call line(s) of an event: L1 = first line, L2 = resumed line (or kind Empty). */
function parseEvent(bytes: Uint8Array, split: number): void {
  const end1 = lineEnd(bytes, 0, split < 0 ? bytes.length : split);
  parseLine(bytes, 0, end1, L1);
  if (split >= 0) parseLine(bytes, split + 1, lineEnd(bytes, split + 1, bytes.length), L2);
  else L2.kind = Kind.Empty;
}

function isCall(L: StraceLine): boolean {
  return L.kind === Kind.Syscall || L.kind === Kind.Unfinished || L.kind === Kind.Resumed;
}

/**
 * Read-ahead reads for the Arguments column: sorting or exporting it walks events in file order.
 * 64 KiB holds ~80 events of a -s 65535 log, and keeps a sparse walk (a sorted filter) cheap.
 */
const argsReaders = new WeakMap<StraceFile, (offset: number, length: number) => Uint8Array>();
const ARGS_WINDOW = 64 << 10;

function argsReader(f: StraceFile): (offset: number, length: number) => Uint8Array {
  let r = argsReaders.get(f);
  if (!r) argsReaders.set(f, (r = windowedReader(f.ra, ARGS_WINDOW)));
  return r;
}

/** Text of the Arguments column: strace's argument text and ` = result`. */
export function straceArgsText(f: StraceFile, event: number): string {
  // The window's bytes are only read here (the text is a new string), never kept.
  const { bytes, split } = eventText(f, event, argsReader(f));
  parseEvent(bytes, split);
  if (!isCall(L1)) {
    if (L1.kind === Kind.Signal || L1.kind === Kind.Exit || L1.kind === Kind.Killed) return text(bytes, L1.argsStart, L1.argsEnd);
    return text(bytes, L1.bodyStart, L1.end);
  }
  let out = text(bytes, L1.argsStart, L1.argsEnd);
  let R = L1;
  if (L2.kind !== Kind.Empty && isCall(L2)) {
    out += (out.endsWith(',') ? ' ' : '') + text(bytes, L2.argsStart, L2.argsEnd);
    R = L2;
  } else if (L1.kind === Kind.Unfinished) {
    return `${out} <unfinished ...>`;
  }
  if (R.hasResult) out += ` = ${text(bytes, R.resStart, R.resEnd)}`;
  return out;
}

const argPos: number[] = [];

function numberAt(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  let p = s;
  while (p < e && b[p] >= 0x30 && b[p] <= 0x39) v = v * 10 + (b[p++] - 0x30);
  return p === s ? NaN : v;
}

/** `ip:port` (IPv6 unbracketed, as Falco writes it) → [ip, port], or null. */
function endpoint(s: string): [string, number] | null {
  const c = s.lastIndexOf(':');
  if (c <= 0) return null;
  const port = Number(s.slice(c + 1));
  return c < s.length - 1 && Number.isInteger(port) ? [s.slice(0, c), port] : null;
}

/** Split an fd.name `a:p->b:p` (Falco form) into its endpoints. */
function tuple(name: string): [string, number, string, number] | null {
  const arrow = name.indexOf('->');
  if (arrow < 0) return null;
  const a = endpoint(name.slice(0, arrow));
  const z = endpoint(name.slice(arrow + 2));
  return a && z ? [a[0], a[1], z[0], z[1]] : null;
}

/**
 * Full dissection of one event. `ix`/`event` are the capture's (merged) index and number for
 * the indexed fields; `f`/`local` the file and event number the text comes from.
 */
export function dissectStrace(f: StraceFile, local: number, ix: SyscallIndex, event: number, d: Dissection): void {
  const { bytes, split } = eventText(f, local);
  resetDissection(d, bytes, 'strace');
  const evt = addIndexedSyscallFields(ix, event, d);
  parseEvent(bytes, split);
  const type = ix.strings.strings[ix.type.data[event - 1]];
  d.protocol = 'strace';
  d.info = straceArgsText(f, local);
  parseEvent(bytes, split); // straceArgsText reused the line structs
  addField(d, SF.args, L1.argsStart, Math.max(0, L1.argsEnd - L1.argsStart), evt, d.info);
  addField(d, SF.info, L1.argsStart, Math.max(0, L1.argsEnd - L1.argsStart), evt, d.info);
  const i = event - 1;
  if (L1.nr >= 0 || L1.ipEnd > L1.ipStart) {
    const p = addField(d, STRACE.proto, 0, 0, -1);
    if (L1.nr >= 0) addField(d, STRACE.nr, 0, 0, p, L1.nr);
    if (L1.ipEnd > L1.ipStart) addField(d, STRACE.ip, L1.ipStart, L1.ipEnd - L1.ipStart, p, latin1(bytes, L1.ipStart, L1.ipEnd));
  }

  if (!isCall(L1)) {
    if (L1.kind === Kind.Signal) addField(d, argField('sig'), L1.nameStart, L1.nameEnd - L1.nameStart, evt, latin1(bytes, L1.nameStart, L1.nameEnd));
    else if (L1.kind === Kind.Killed) addField(d, argField('sig'), L1.nameStart, L1.nameEnd - L1.nameStart, evt, latin1(bytes, L1.nameStart, L1.nameEnd));
    else if (L1.kind === Kind.Exit) addField(d, argField('status'), L1.argsStart, L1.argsEnd - L1.argsStart, evt, L1.ret);
    else {
      const p = addField(d, STRACE.proto, 0, bytes.length, -1);
      addField(d, STRACE.text, 0, bytes.length, p, utf8.decode(bytes));
    }
    addTrailers(d, bytes, split, evt);
    return;
  }

  const info = syscallInfo(type);
  // arguments of both parts, named where the syscall is known
  argPos.length = 0;
  splitArgs(bytes, L1.argsStart, L1.argsEnd, argPos);
  if (L2.kind !== Kind.Empty && isCall(L2)) splitArgs(bytes, L2.argsStart, L2.argsEnd, argPos);
  const argText = (name: string): string | undefined => {
    const k = info ? info.args.indexOf(name) : -1;
    return k >= 0 && 2 * k + 1 < argPos.length ? text(bytes, argPos[2 * k], argPos[2 * k + 1]) : undefined;
  };
  if (info) {
    for (let k = 0; k < info.args.length && 2 * k + 1 < argPos.length; k++) {
      const a = argPos[2 * k];
      const z = argPos[2 * k + 1];
      addField(d, argField(info.args[k]), a, z - a, evt, text(bytes, a, z));
    }
  }

  const R = L2.kind !== Kind.Empty && isCall(L2) ? L2 : L1;
  if (R.hasResult) {
    const failed = R.errnoEnd > R.errnoStart;
    const errno = failed ? latin1(bytes, R.errnoStart, R.errnoEnd) : '';
    const res = failed ? errno : Number.isNaN(R.ret) ? '' : 'SUCCESS';
    if (res) addField(d, SF.res, R.resStart, R.resEnd - R.resStart, evt, res);
    addField(d, SF.failed, R.resStart, R.resEnd - R.resStart, evt, failed);
  } else {
    const e = addField(d, STRACE.incomplete, L1.argsEnd, 0, evt, true);
    markMalformed(d, e, L1.kind === Kind.Unfinished ? `${type}() <unfinished ...> was never resumed` : `${type}() line has no result (cut off)`);
  }

  // fd details from the index (the name is already there)
  const fdCode = f.extra.fdType.data[local - 1];
  const fdType = fdCodeType(fdCode);
  if (ix.fd.data[i] >= 0 && FD_TYPE_NAMES[fdType]) addFdFields(d, findLastFdNode(d), fdCode, ix.strings.strings[ix.fdName.data[i]]);
  if (info) addField(d, SF.category, 0, 0, evt, info.io !== Io.None ? (fdType >= FdType.Ipv4 && fdType <= FdType.Unix ? 'net' : 'file') : info.category);

  addStraceFlagFields(d, evt, type, info, fdType, ix.strings.strings[ix.fdName.data[i]], R.hasResult && R.errnoEnd > R.errnoStart, argText);
  if (info && info.io !== Io.None) {
    addField(d, SF.isIo, 0, 0, evt, true);
    addField(d, SF.isIoRead, 0, 0, evt, info.io === Io.Read);
    addField(d, SF.isIoWrite, 0, 0, evt, info.io === Io.Write);
    addBuffer(d, bytes, info.dataArg, info.sizeArg, R, evt);
  }
  addTrailers(d, bytes, split, evt);
}

/** Syscalls that make the thread wait (the scap event table's EF_WAITS, ppm_events_public.h). */
const WAITS: ReadonlySet<string> = new Set(EVENT_TABLE.filter((e) => e && (e[2] & (1 << 7)) !== 0).map((e) => e![0]));

/**
 * evt.io_dir, evt.is_wait, evt.is_syslog, evt.is_open_*, evt.count.error* of one strace call,
 * with libsinsp's rules (sinsp_filter_check_event; see the scap reader's addEventFlagFields) on
 * what the line shows: flags as O_* names, the mode in octal.
 */
function addStraceFlagFields(d: Dissection, evt: number, type: string, info: SyscallInfo | undefined, fdType: number, fdName: string, failed: boolean, arg: (name: string) => string | undefined): void {
  const io = info?.io ?? Io.None;
  if (io === Io.Write) addField(d, SF.ioDir, 0, 0, evt, 'write');
  else if (io === Io.Read) addField(d, SF.ioDir, 0, 0, evt, 'read');
  addField(d, SF.isWait, 0, 0, evt, WAITS.has(type));
  addField(d, SF.isSyslog, 0, 0, evt, io === Io.Write && fdName.includes('/dev/log'));
  const open = type === 'open' || type === 'openat' || type === 'openat2' || type === 'creat';
  // openat2's flags are inside its open_how struct ({flags=O_RDONLY|..., mode=0...}).
  const flags = open ? (arg('flags') ?? arg('how') ?? '') : '';
  const mode = open ? (arg('mode') ?? /mode=(0[0-7]*)/.exec(arg('how') ?? '')?.[1] ?? '') : '';
  const creat = type === 'creat';
  addField(d, SF.isOpenRead, 0, 0, evt, open && !creat && /O_RDONLY|O_RDWR/.test(flags));
  addField(d, SF.isOpenWrite, 0, 0, evt, open && !creat && /O_WRONLY|O_RDWR/.test(flags));
  const makes = creat || /O_CREAT|O_TMPFILE/.test(flags);
  addField(d, SF.isOpenExec, 0, 0, evt, open && makes && /^0[0-7]*$/.test(mode) && (parseInt(mode, 8) & 0o111) !== 0);
  if (!failed) return;
  addField(d, SF.countError, 0, 0, evt, 1);
  const known = FD_TYPE_NAMES[fdType] !== '';
  const file = known ? fdType === FdType.File || fdType === FdType.Directory : open;
  const net = known ? fdType >= FdType.Ipv4 && fdType <= FdType.Unix : ['accept', 'accept4', 'connect'].includes(type);
  const memory = info?.category === 'memory';
  if (file) addField(d, SF.countErrorFile, 0, 0, evt, 1);
  if (net) addField(d, SF.countErrorNet, 0, 0, evt, 1);
  if (memory) addField(d, SF.countErrorMemory, 0, 0, evt, 1);
  if (!file && !net && (known || !memory)) addField(d, SF.countErrorOther, 0, 0, evt, 1);
}

/**
 * Only what dissectStrace decodes of an I/O event's data (addBuffer's fields, same inputs),
 * without the argument texts: the fd streams read every I/O event, and the texts were most
 * of the cost. Fields have no parent (nothing shows this tree).
 */
export function dissectStraceIo(f: StraceFile, local: number, ix: SyscallIndex, event: number, d: Dissection): void {
  const { bytes, split } = eventText(f, local);
  resetDissection(d, bytes, 'strace');
  parseEvent(bytes, split);
  if (!isCall(L1)) return;
  const info = syscallInfo(ix.strings.strings[ix.type.data[event - 1]]);
  if (!info || info.io === Io.None) return;
  argPos.length = 0;
  splitArgs(bytes, L1.argsStart, L1.argsEnd, argPos);
  if (L2.kind !== Kind.Empty && isCall(L2)) splitArgs(bytes, L2.argsStart, L2.argsEnd, argPos);
  const R = L2.kind !== Kind.Empty && isCall(L2) ? L2 : L1;
  addBuffer(d, bytes, info.dataArg, info.sizeArg, R, -1);
}

/** One read buffer for straceIoBytes (the decoded bytes are copied out of it). */
let ioScratch = new Uint8Array(1 << 16);

/**
 * evt.buffer of I/O event `local` decoded from the byte range the index recorded for it
 * (StraceExtra.bufAt): the line is neither parsed nor split. The same bytes dissectStraceIo
 * gives; null for events without data; undefined when the index kept no range (hex-dump or -k
 * lines, an argument it could not place): dissectStraceIo then.
 */
export function straceIoBytes(f: StraceFile, local: number): Uint8Array | null | undefined {
  const i = local - 1;
  const info = syscallInfo(f.ix.strings.strings[f.ix.type.data[i]]);
  if (!info || info.io === Io.None) return null;
  const at = f.extra.bufAt.data[i];
  if (at === 0) return undefined;
  const resumed = at >= IO_IN_RESUMED;
  const rel = (resumed ? at - IO_IN_RESUMED : at) - 1;
  const lineStart = resumed ? f.extra.resumedOff.get(local) : f.ix.offset.data[i];
  const lineLen = resumed ? f.extra.resumedLen.get(local) : f.ix.length.data[i];
  if (lineStart === undefined || lineLen === undefined || rel >= lineLen) return undefined;
  const len = Math.min(MAX_EVENT, lineLen - rel);
  if (ioScratch.length < len) ioScratch = new Uint8Array(Math.max(len, 2 * ioScratch.length));
  const b = f.ra.read(lineStart + rel, len, ioScratch);
  if (b[0] !== 0x22) return undefined;
  if (info.dataArg !== -2) return decodeQuoted(b, 0, b.length).bytes;
  // iovec/msghdr: the iov_base strings in order, other strings skipped (as addBuffer reads them)
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let p = 0; p < b.length; p++) {
    if (b[p] !== 0x22) continue;
    const q = decodeQuoted(b, p, b.length);
    if (p === 0 || (p >= 9 && isIovBase(b, p))) {
      parts.push(q.bytes);
      total += q.bytes.length;
    }
    p = q.end - 1;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/** Loopback addresses: the only ones a strace log shows to be this machine's (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3). */
function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

/**
 * Falco's fd fields from the event's fd code and name. The tuple fields follow libsinsp's
 * sinsp_filter_check_fd: a connected socket has client (`fd.cip`/`fd.cport`, the first side of
 * the name) and server (`fd.sip`/`fd.sport`); a bound or listening one only the server side.
 * `fd.lip`/`fd.lport` is the traced process's side (libsinsp: the client side when the client
 * address is local; the traced process is always on this machine, so its own side is the local
 * one), `fd.rip`/`fd.rport` the other. `fd.is_server`: the side that accepted or bound, or, as
 * libsinsp, a client whose server address is this machine's (known here for loopback only).
 */
function addFdFields(d: Dissection, fdNode: number, code: number, name: string): void {
  const type = fdCodeType(code);
  const server = fdCodeServer(code);
  addField(d, SF.fdType, 0, 0, fdNode, FD_TYPE_NAMES[type]);
  addField(d, SF.fdTypechar, 0, 0, fdNode, FD_TYPE_CHARS[type]);
  if (type === FdType.File || type === FdType.Directory) {
    // sinsp_filter_check_fd TYPE_DIRECTORY / TYPE_FILENAME: split at the last '/'
    const at = name.lastIndexOf('/');
    const file = type === FdType.File;
    addField(d, SF.fdDirectory, 0, 0, fdNode, !file ? name : at > 0 ? name.slice(0, at) : '/');
    if (file) addField(d, SF.fdFilename, 0, 0, fdNode, at >= 0 ? name.slice(at + 1) : name);
    return;
  }
  if (type === FdType.Unix) {
    addField(d, SF.fdSockfamily, 0, 0, fdNode, 'unix');
    // libsinsp's fd.is_server is false for every non-IP fd
    addField(d, SF.fdIsServer, 0, 0, fdNode, false);
    return;
  }
  if (type !== FdType.Ipv4 && type !== FdType.Ipv6) return;
  addField(d, SF.fdSockfamily, 0, 0, fdNode, 'ip');
  const l4 = L4_NAMES[fdCodeL4(code)];
  if (l4) addField(d, SF.fdL4proto, 0, 0, fdNode, l4);
  const t = tuple(name);
  if (t) {
    addField(d, SF.fdCip, 0, 0, fdNode, t[0]);
    addField(d, SF.fdCport, 0, 0, fdNode, t[1]);
    addField(d, SF.fdSip, 0, 0, fdNode, t[2]);
    addField(d, SF.fdSport, 0, 0, fdNode, t[3]);
    addField(d, SF.fdLip, 0, 0, fdNode, server ? t[2] : t[0]);
    addField(d, SF.fdLport, 0, 0, fdNode, server ? t[3] : t[1]);
    addField(d, SF.fdRip, 0, 0, fdNode, server ? t[0] : t[2]);
    addField(d, SF.fdRport, 0, 0, fdNode, server ? t[1] : t[3]);
    addField(d, SF.fdIsServer, 0, 0, fdNode, server || isLoopback(t[2]));
    return;
  }
  const bound = endpoint(name);
  if (bound) {
    addField(d, SF.fdSip, 0, 0, fdNode, bound[0]);
    addField(d, SF.fdSport, 0, 0, fdNode, bound[1]);
  }
  addField(d, SF.fdIsServer, 0, 0, fdNode, server);
}

function findLastFdNode(d: Dissection): number {
  for (let k = d.n - 1; k >= 0; k--) if (d.fid[k] === SF.fd.id) return k;
  return -1;
}

/** evt.buffer from the data argument (or the -e read=/write= hex dump), with truncation. */
function addBuffer(d: Dissection, bytes: Uint8Array, dataArg: number, sizeArg: number, R: StraceLine, evt: number): void {
  const ret = R.hasResult && R.errnoEnd === R.errnoStart ? R.ret : NaN;
  const size = sizeArg >= 0 && 2 * sizeArg + 1 < argPos.length ? numberAt(bytes, argPos[2 * sizeArg], argPos[2 * sizeArg + 1]) : NaN;
  let expected = !Number.isNaN(ret) && ret >= 0 ? ret : size;
  // hex dump lines carry every byte: prefer them
  const dump: number[] = [];
  let dumpStart = -1;
  let dumpEnd = -1;
  for (let p = 0; p < bytes.length; ) {
    const nl = lineEnd(bytes, p, bytes.length);
    if (nl - p > 10 && bytes[p] === 0x20 && bytes[p + 1] === 0x7c && bytes[p + 2] === 0x20) {
      if (dumpStart < 0) dumpStart = p;
      dumpEnd = nl;
      hexDumpLine(bytes, p, nl, dump);
    }
    p = nl + 1;
  }
  let buf: Uint8Array | null = null;
  let bs = 0;
  let be = 0;
  let truncatedShown = false;
  if (dumpStart >= 0) {
    buf = Uint8Array.from(dump);
    bs = dumpStart;
    be = dumpEnd;
    addField(d, STRACE.hexdump, bs, be - bs, evt, buf);
  } else if (dataArg >= 0 && 2 * dataArg + 1 < argPos.length) {
    const a = argPos[2 * dataArg];
    const z = argPos[2 * dataArg + 1];
    if (bytes[a] === 0x22) {
      const q = decodeQuoted(bytes, a, z);
      buf = q.bytes;
      truncatedShown = q.truncated;
      bs = a;
      be = q.end;
    }
  } else if (dataArg === -2) {
    // readv/writev/sendmsg/recvmsg: the iov_base strings in order
    const parts: Uint8Array[] = [];
    let total = 0;
    const first = argPos.length > 0 ? argPos[0] : 0;
    const last = argPos.length > 0 ? argPos[argPos.length - 1] : 0;
    for (let p = first; p < last; p++) {
      if (bytes[p] === 0x22 && p >= 9 && latin1(bytes, p - 9, p) === 'iov_base=') {
        const q = decodeQuoted(bytes, p, last);
        if (bs === 0) bs = p;
        be = q.end;
        parts.push(q.bytes);
        total += q.bytes.length;
        if (q.truncated) truncatedShown = true;
        p = q.end - 1;
      } else if (bytes[p] === 0x22) {
        p = decodeQuoted(bytes, p, last).end - 1;
      }
    }
    if (parts.length > 0) {
      buf = new Uint8Array(total);
      let o = 0;
      for (const part of parts) {
        buf.set(part, o);
        o += part.length;
      }
    }
  }
  if (!buf) return;
  addField(d, SF.buffer, bs, be - bs, evt, buf);
  if (Number.isNaN(expected)) expected = buf.length;
  addField(d, SF.buflen, 0, 0, evt, expected);
  const missing = expected - buf.length;
  if (missing > 0 || truncatedShown) addField(d, SF.truncated, be, 0, evt, Math.max(0, missing));
}

/** -k stack frames after the call line(s). */
function addTrailers(d: Dissection, bytes: Uint8Array, split: number, evt: number): void {
  let parent = -1;
  for (let p = 0; p < bytes.length; ) {
    const nl = lineEnd(bytes, p, bytes.length);
    if (nl - p > 3 && bytes[p] === 0x20 && bytes[p + 1] === 0x3e && bytes[p + 2] === 0x20) {
      if (parent < 0) parent = addField(d, STRACE.proto, p, 0, -1);
      addField(d, STRACE.frame, p + 3, nl - p - 3, parent, utf8.decode(bytes.subarray(p + 3, nl)));
    }
    p = nl + 1;
  }
  void split;
  void evt;
}

/** Every field addFdFields gives: a function of the event's fd code and fd name. */
const FD_GROUP = new Set(['fd.type', 'fd.typechar', 'fd.directory', 'fd.filename', 'fd.sockfamily', 'fd.is_server', 'fd.l4proto',
  'fd.cip', 'fd.cport', 'fd.sip', 'fd.sport', 'fd.lip', 'fd.lport', 'fd.rip', 'fd.rport']);
/** What addBuffer gives (dissectStraceIo reads it without the argument texts). */
const BUFFER_GROUP = new Set(['evt.buffer', 'evt.buflen', 'evt.buffer.truncated', 'strace.hexdump']);
/** Event types of lines that are not calls (no evt.res): the indexer's names for them. */
const NOT_CALLS: ReadonlySet<string> = new Set(Object.values(T));

/**
 * The fields a filter reads without a full dissection (syscall-index.ts SyscallFieldGroup): fd
 * fields per (fd code, fd name), evt.res/evt.failed of calls that succeeded, and the buffer of I/O
 * calls only (other events are not read). `at(event)` is the file and its event number.
 */
export function straceFieldGroups(ix: SyscallIndex, at: (event: number) => { file: StraceFile; local: number }): SyscallFieldGroup[] {
  const codeOf = (e: number): number => {
    const { file, local } = at(e);
    return file.extra.fdType.data[local - 1];
  };
  const hasFd = (e: number, code: number): boolean => ix.fd.data[e - 1] >= 0 && FD_TYPE_NAMES[fdCodeType(code)] !== '';
  const typeIs = (cache: Map<number, boolean>, test: (name: string) => boolean) => (e: number): boolean => {
    const id = ix.type.data[e - 1];
    let v = cache.get(id);
    if (v === undefined) {
      v = test(ix.strings.strings[id]);
      cache.set(id, v);
    }
    return v;
  };
  const isIo = typeIs(new Map(), (name) => (syscallInfo(name)?.io ?? Io.None) !== Io.None);
  const notCall = typeIs(new Map(), (name) => NOT_CALLS.has(name));
  return [
    {
      fields: FD_GROUP,
      key: (e) => {
        const code = codeOf(e);
        return hasFd(e, code) ? ix.fdName.data[e - 1] * 256 + code + 1 : 0;
      },
      fill: (e, d) => {
        const code = codeOf(e);
        if (hasFd(e, code)) addFdFields(d, syscallSubtree(d, SF.fd), code, ix.strings.strings[ix.fdName.data[e - 1]]);
      },
    },
    {
      fields: new Set(['evt.res', 'evt.failed']),
      // A call that returned without an errno: SUCCESS; a failed one: per errno number (its name
      // read from the first such event's text). rawres -1 is also what an errno name the table
      // does not know gives, so those, calls without a result and other lines are dissected.
      key: (e) => ((ix.flags.data[e - 1] & RowFlag.Failed) === 0 ? 1 : 2 - ix.rawres.data[e - 1]),
      exact: (e) => {
        const raw = ix.rawres.data[e - 1];
        if (Number.isNaN(raw) || notCall(e)) return false;
        return (ix.flags.data[e - 1] & RowFlag.Failed) === 0 || (Number.isInteger(raw) && raw < -1);
      },
      fill: (e, d) => {
        const evt = syscallSubtree(d, SF.evt);
        if ((ix.flags.data[e - 1] & RowFlag.Failed) === 0) {
          addField(d, SF.res, 0, 0, evt, 'SUCCESS');
          addField(d, SF.failed, 0, 0, evt, false);
          return;
        }
        const { file, local } = at(e);
        const { bytes, split } = eventText(file, local);
        parseEvent(bytes, split);
        const R = L2.kind !== Kind.Empty && isCall(L2) ? L2 : L1;
        if (!isCall(L1) || !R.hasResult) return;
        const failed = R.errnoEnd > R.errnoStart;
        const res = failed ? latin1(bytes, R.errnoStart, R.errnoEnd) : Number.isNaN(R.ret) ? '' : 'SUCCESS';
        if (res) addField(d, SF.res, 0, 0, evt, res);
        addField(d, SF.failed, 0, 0, evt, failed);
      },
    },
    {
      fields: BUFFER_GROUP,
      present: isIo,
      fill: (e, d) => {
        const { file, local } = at(e);
        dissectStraceIo(file, local, ix, e, d);
      },
    },
  ];
}
