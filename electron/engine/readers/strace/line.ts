/**
 * One strace output line, scanned byte by byte (no regex, no strings) into positions and
 * numbers. The index pass calls this for every line, so it only finds the landmarks: the pid
 * prefix, the timestamp, the syscall name, where the arguments start and end, the result,
 * the errno name, the `-T` duration. Arguments are decoded later, on demand.
 *
 * Shapes handled (strace(1) "DESCRIPTION" and the -f/-ff/-t/-tt/-ttt/-r/-T/-y/-Y/-k options):
 *   [PID prefix]  [timestamp]  body
 *   PID prefix: `12167 ` (-f with -o), `[pid 12167] ` (-f on stderr), `12167<curl> ` and
 *               `[pid 12167<curl>] ` (-Y, --decode-pids=comm)
 *   timestamp:  `19:05:37` (-t), `19:05:37.109664` (-tt), `1634121765.422781` (-ttt),
 *               `     0.000077` (-r); nanosecond fractions (--timestamps=ns) too; -r beside
 *               an absolute clock adds `(+     0.000463)` after it
 *   then        `[  42] ` (-n, the syscall number) and `[00007f3a9c1d2e3b] ` (-i, the
 *               instruction pointer; `[????????????????]` when there is none), in that order
 *   body:       `name(args) = result [errno (text)] [<duration>]`, `name(args <unfinished ...>`,
 *               `<... name resumed>args) = result`, `--- SIGxxx {...} ---`,
 *               `+++ exited with N +++`, `+++ killed by SIGxxx [(core dumped)] +++`,
 *               `strace: Process N attached|detached`; ` > frame` (-k), ` | 00000  hex` (-e read=)
 */

export const Kind = {
  Empty: 0,
  Syscall: 1,
  Unfinished: 2,
  Resumed: 3,
  Signal: 4,
  Exit: 5,
  Killed: 6,
  Attached: 7,
  Detached: 8,
  Stack: 9,
  HexDump: 10,
  Text: 11,
} as const;

export const TsKind = { None: 0, Clock: 1, Number: 2 } as const;

/** Landmarks of one line; every position is an index into the buffer given to `parseLine`. */
export interface StraceLine {
  kind: number;
  /** Thread id from the prefix, -1 when the line has none. */
  tid: number;
  /** `-Y` command name span (commStart === commEnd when absent). */
  commStart: number;
  commEnd: number;
  tsKind: number;
  /** Clock: seconds since midnight; Number: the printed seconds (epoch or relative). */
  tsSec: number;
  tsNsec: number;
  bodyStart: number;
  /** Syscall name, signal name (Signal, Killed) span. */
  nameStart: number;
  nameEnd: number;
  /** Argument text between the parentheses (Syscall/Unfinished/Resumed). */
  argsStart: number;
  argsEnd: number;
  /** A ` = result` was found. */
  hasResult: boolean;
  /** Result text after `= ` up to the duration (includes errno text and annotations). */
  resStart: number;
  resEnd: number;
  /** Numeric return value; NaN for `?` or none. For Exit: the exit status. */
  ret: number;
  /** `-y` decoration of the returned fd, inside the angle brackets (start === end when absent). */
  retDecorStart: number;
  retDecorEnd: number;
  /** Errno name span (start === end when absent). */
  errnoStart: number;
  errnoEnd: number;
  /** `-T` duration in ns, NaN when absent. */
  durNs: number;
  /** `-n` syscall number, -1 when absent. */
  nr: number;
  /** `-i` instruction pointer span, inside the brackets (start === end when absent). */
  ipStart: number;
  ipEnd: number;
  /** End of the content (line end without trailing CR/spaces). */
  end: number;
}

export function createLine(): StraceLine {
  return {
    kind: Kind.Empty, tid: -1, commStart: 0, commEnd: 0, tsKind: TsKind.None, tsSec: 0, tsNsec: 0, bodyStart: 0,
    nameStart: 0, nameEnd: 0, argsStart: 0, argsEnd: 0, hasResult: false, resStart: 0, resEnd: 0, ret: NaN,
    retDecorStart: 0, retDecorEnd: 0, errnoStart: 0, errnoEnd: 0, durNs: NaN, nr: -1, ipStart: 0, ipEnd: 0, end: 0,
  };
}

const SP = 0x20;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;

function startsWith(b: Uint8Array, p: number, end: number, s: string): boolean {
  if (end - p < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[p + i] !== s.charCodeAt(i)) return false;
  return true;
}

function skipSpaces(b: Uint8Array, p: number, end: number): number {
  while (p < end && b[p] === SP) p++;
  return p;
}

/** Decimal digits at p..: value in `numVal`, returns the position after them. */
let numVal = 0;
function readInt(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  while (p < end && isDigit(b[p])) v = v * 10 + (b[p++] - 0x30);
  numVal = v;
  return p;
}

/** Fraction digits after a '.', scaled to ns (6 digits: µs, 9: ns); value in `numVal`. */
function readFracNs(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  let n = 0;
  while (p < end && isDigit(b[p])) {
    if (n < 9) v = v * 10 + (b[p] - 0x30);
    n++;
    p++;
  }
  for (; n < 9; n++) v *= 10;
  numVal = v;
  return p;
}

/**
 * End (index of the closing '>') of an fd decoration whose '<' is at `lt`, or -1.
 * Socket decorations contain `->`, -yy device suffixes nest (`</dev/pts/0<char 136:0>>`),
 * UNIX paths are quoted strings; strace escapes '<' and '>' inside path names.
 */
export function decorEnd(b: Uint8Array, lt: number, end: number): number {
  let depth = 0;
  for (let p = lt; p < end; p++) {
    const c = b[p];
    if (c === 0x3c) depth++;
    else if (c === 0x3e) {
      if (b[p - 1] === 0x2d) continue; // "->" inside a socket tuple
      if (--depth === 0) return p;
    } else if (c === 0x22) {
      p = stringEnd(b, p, end) - 1;
    }
  }
  return -1;
}

/** Position after the closing quote of the string opening at `q` (or `end` if unterminated). */
export function stringEnd(b: Uint8Array, q: number, end: number): number {
  for (let p = q + 1; p < end; p++) {
    const c = b[p];
    if (c === 0x5c) p++;
    else if (c === 0x22) return p + 1;
  }
  return end;
}

function parseTimestamp(b: Uint8Array, p: number, end: number, out: StraceLine): number {
  const q = readInt(b, p, end);
  const first = numVal;
  if (q < end && b[q] === 0x3a) {
    // HH:MM:SS[.frac]
    let r = readInt(b, q + 1, end);
    const mm = numVal;
    if (r >= end || b[r] !== 0x3a) return p;
    r = readInt(b, r + 1, end);
    out.tsSec = first * 3600 + mm * 60 + numVal;
    out.tsNsec = 0;
    if (r < end && b[r] === 0x2e) {
      r = readFracNs(b, r + 1, end);
      out.tsNsec = numVal;
    }
    if (r < end && b[r] !== SP) return p;
    out.tsKind = TsKind.Clock;
    return r;
  }
  if (q < end && b[q] === 0x2e) {
    const r = readFracNs(b, q + 1, end);
    if (r < end && b[r] !== SP) return p;
    out.tsSec = first;
    out.tsNsec = numVal;
    out.tsKind = TsKind.Number;
    return r;
  }
  return p;
}

/** `-T` duration `<0.000123>` ending at e-1; returns the new content end (or e when none). */
function stripDuration(b: Uint8Array, s: number, e: number, out: StraceLine): number {
  if (e - s < 3 || b[e - 1] !== 0x3e) return e;
  let p = e - 2;
  const stop = Math.max(s, e - 40);
  while (p > stop && (isDigit(b[p]) || b[p] === 0x2e)) p--;
  if (b[p] === 0x3c && p < e - 2 && b[p - 1] === SP) {
    let r = readInt(b, p + 1, e);
    let ns = numVal * 1e9;
    if (r < e && b[r] === 0x2e) {
      r = readFracNs(b, r + 1, e);
      ns += numVal;
    }
    if (r !== e - 1) return e;
    out.durNs = ns;
    return p - 1;
  }
  if (e - s > 14 && startsWith(b, e - 14, e, ' <unavailable>')) return e - 14;
  return e;
}

function trimEnd(b: Uint8Array, s: number, e: number): number {
  while (e > s && (b[e - 1] === SP || b[e - 1] === 0x0d || b[e - 1] === 0x09)) e--;
  return e;
}

/** After `(` (or `resumed>`) at p: the unfinished marker or the result and duration. */
function parseCallTail(b: Uint8Array, p: number, e: number, out: StraceLine): void {
  out.argsStart = p;
  if (e - p >= 16 && startsWith(b, e - 16, e, '<unfinished ...>')) {
    if (out.kind === Kind.Syscall) out.kind = Kind.Unfinished;
    out.argsEnd = trimEnd(b, p, e - 16);
    return;
  }
  e = trimEnd(b, p, stripDuration(b, p, e, out));
  // The result is after the last " = " that follows the closing ')' (strace pads with spaces).
  for (let i = e - 2; i > p; i--) {
    if (b[i] !== 0x3d || b[i - 1] !== SP || b[i + 1] !== SP) continue;
    let j = i - 2;
    while (j >= p && b[j] === SP) j--;
    if (j < p || b[j] !== 0x29) continue;
    out.argsEnd = j;
    out.hasResult = true;
    parseResult(b, i + 2, e, out);
    return;
  }
  // No result: an interrupted or cut-off line (e.g. the last line of a trace).
  out.argsEnd = b[e - 1] === 0x29 ? e - 1 : e;
}

function parseResult(b: Uint8Array, p: number, e: number, out: StraceLine): void {
  out.resStart = p;
  out.resEnd = e;
  let neg = false;
  if (b[p] === 0x3f) {
    p++;
  } else {
    if (b[p] === 0x2d) {
      neg = true;
      p++;
    }
    if (b[p] === 0x30 && (b[p + 1] === 0x78 || b[p + 1] === 0x58)) {
      let v = 0;
      p += 2;
      for (; p < e; p++) {
        const c = b[p];
        const d = isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
        if (d < 0) break;
        v = v * 16 + d;
      }
      out.ret = neg ? -v : v;
    } else if (isDigit(b[p])) {
      p = readInt(b, p, e);
      out.ret = neg ? -numVal : numVal;
    } else {
      return;
    }
    if (p < e && b[p] === 0x3c) {
      const gt = decorEnd(b, p, e);
      if (gt > 0) {
        out.retDecorStart = p + 1;
        out.retDecorEnd = gt;
        p = gt + 1;
      }
    }
  }
  if (p + 1 < e && b[p] === SP && b[p + 1] === 0x45 /* E */) {
    let q = p + 1;
    while (q < e && b[q] !== SP) q++;
    out.errnoStart = p + 1;
    out.errnoEnd = q;
  }
}

const isHexOrQ = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || c === 0x3f;

/** `[  42] ` (-n) and `[00007f...] ` (-i) after the timestamp; returns the body start. */
function bracketPrefixes(b: Uint8Array, p: number, e: number, out: StraceLine): number {
  for (let k = 0; k < 2 && p < e && b[p] === 0x5b; k++) {
    let q = p + 1;
    while (q < e && q - p <= 20 && b[q] !== 0x5d) q++;
    if (q >= e || b[q] !== 0x5d || q + 1 >= e || b[q + 1] !== SP) return p;
    const len = q - p - 1;
    let r = p + 1;
    while (r < q && b[r] === SP) r++;
    let digits = true;
    let hex = true;
    for (let i = r; i < q; i++) {
      if (!isDigit(b[i])) digits = false;
      if (!isHexOrQ(b[i])) hex = false;
    }
    // an address is 8 or 16 hex digits, zero-padded; a syscall number is space-padded decimal
    if (hex && r === p + 1 && (len === 16 || len === 8) && out.ipEnd === 0) {
      out.ipStart = p + 1;
      out.ipEnd = q;
    } else if (digits && r < q && out.nr < 0 && out.ipEnd === 0) {
      readInt(b, r, q);
      out.nr = numVal;
    } else {
      return p;
    }
    p = skipSpaces(b, q + 1, e);
  }
  return p;
}

/**
 * Scan `b[start..end)` (one line without its newline) into `out`.
 * Never throws; anything it does not recognise is Kind.Text.
 */
export function parseLine(b: Uint8Array, start: number, end: number, out: StraceLine): void {
  out.kind = Kind.Text;
  out.tid = -1;
  out.commStart = out.commEnd = 0;
  out.tsKind = TsKind.None;
  out.tsSec = out.tsNsec = 0;
  out.nameStart = out.nameEnd = 0;
  out.argsStart = out.argsEnd = 0;
  out.hasResult = false;
  out.resStart = out.resEnd = 0;
  out.ret = NaN;
  out.retDecorStart = out.retDecorEnd = 0;
  out.errnoStart = out.errnoEnd = 0;
  out.durNs = NaN;
  out.nr = -1;
  out.ipStart = out.ipEnd = 0;
  const e = trimEnd(b, start, end);
  out.end = e;
  out.bodyStart = start;
  if (e === start) {
    out.kind = Kind.Empty;
    return;
  }
  let p = start;
  const c0 = b[p];
  if (c0 === SP) {
    if (e - p > 3 && b[p + 2] === SP && (b[p + 1] === 0x3e || b[p + 1] === 0x7c)) {
      out.kind = b[p + 1] === 0x3e ? Kind.Stack : Kind.HexDump;
      return;
    }
    p = skipSpaces(b, p, e);
  } else if (c0 === 0x5b && startsWith(b, p, e, '[pid')) {
    let q = readInt(b, skipSpaces(b, p + 4, e), e);
    const tid = numVal;
    if (q < e && b[q] === 0x3c) {
      // -Y on stderr: [pid 123<curl>]
      let r = q + 1;
      while (r < e && b[r] !== 0x3e) r++;
      if (r + 1 < e && b[r + 1] === 0x5d) {
        out.commStart = q + 1;
        out.commEnd = r;
        q = r + 1;
      }
    }
    if (q < e && b[q] === 0x5d) {
      out.tid = tid;
      p = skipSpaces(b, q + 1, e);
    }
  } else if (isDigit(c0)) {
    const q = readInt(b, p, e);
    const c = b[q];
    if (c === SP) {
      out.tid = numVal;
      p = skipSpaces(b, q, e);
    } else if (c === 0x3c) {
      // -Y: PID<comm>
      let r = q + 1;
      while (r < e && b[r] !== 0x3e) r++;
      if (r < e) {
        out.tid = numVal;
        out.commStart = q + 1;
        out.commEnd = r;
        p = skipSpaces(b, r + 1, e);
      }
    }
  }
  if (p < e && isDigit(b[p])) {
    const q = parseTimestamp(b, p, e, out);
    if (q !== p) {
      p = skipSpaces(b, q, e);
      // -r with an absolute clock (strace 6: -r -t, -r --timestamps=ns): `(+     0.000463) `
      if (b[p] === 0x28 && b[p + 1] === 0x2b) {
        let r = p + 2;
        while (r < e && (b[r] === SP || isDigit(b[r]) || b[r] === 0x2e)) r++;
        if (b[r] === 0x29) p = skipSpaces(b, r + 1, e);
      }
    }
  }
  p = bracketPrefixes(b, p, e, out);
  out.bodyStart = p;
  if (p >= e) return;
  const c = b[p];
  if (isLower(c) || c === 0x5f || (c >= 0x41 && c <= 0x5a) || c === 0x3f) {
    let q = p + 1;
    while (q < e) {
      const d = b[q];
      if (isLower(d) || isDigit(d) || d === 0x5f || (d >= 0x41 && d <= 0x5a) || d === 0x3f) q++;
      else break;
    }
    if (q < e && b[q] === 0x28) {
      out.kind = Kind.Syscall;
      out.nameStart = p;
      out.nameEnd = q;
      parseCallTail(b, q + 1, e, out);
      return;
    }
    if (startsWith(b, p, e, 'strace: Process ')) {
      const r = readInt(b, p + 16, e);
      if (startsWith(b, r, e, ' attached')) out.kind = Kind.Attached;
      else if (startsWith(b, r, e, ' detached')) out.kind = Kind.Detached;
      else return;
      out.ret = numVal;
    }
    return;
  }
  if (c === 0x3c && startsWith(b, p, e, '<... ')) {
    const ns = p + 5;
    let q = ns;
    while (q < e && b[q] !== SP && b[q] !== 0x3e) q++;
    if (!startsWith(b, q, e, ' resumed>')) return;
    out.kind = Kind.Resumed;
    out.nameStart = ns;
    out.nameEnd = q;
    parseCallTail(b, q + 9, e, out);
    return;
  }
  if (c === 0x2d && startsWith(b, p, e, '--- ')) {
    // `--- SIGCHLD {...} ---` or `--- stopped by SIGSTOP ---`
    let q = p + 4;
    while (q < e && !(b[q] === 0x53 && b[q + 1] === 0x49 && b[q + 2] === 0x47)) {
      if (b[q] === 0x7b) break;
      q++;
    }
    let r = q;
    while (r < e && b[r] !== SP) r++;
    out.kind = Kind.Signal;
    out.nameStart = q;
    out.nameEnd = r;
    out.argsStart = p + 4;
    out.argsEnd = e >= p + 8 && startsWith(b, e - 4, e, ' ---') ? e - 4 : e;
    return;
  }
  if (c === 0x2b && startsWith(b, p, e, '+++ ')) {
    out.argsStart = p + 4;
    out.argsEnd = startsWith(b, e - 4, e, ' +++') ? e - 4 : e;
    if (startsWith(b, p, e, '+++ exited with ')) {
      readInt(b, p + 16, e);
      out.kind = Kind.Exit;
      out.ret = numVal;
    } else if (startsWith(b, p, e, '+++ killed by ')) {
      let r = p + 14;
      while (r < e && b[r] !== SP) r++;
      out.kind = Kind.Killed;
      out.nameStart = p + 14;
      out.nameEnd = r;
    }
  }
}
