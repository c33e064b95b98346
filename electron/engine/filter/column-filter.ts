/**
 * Filters answered from the index columns alone, without re-dissecting a single event: when
 * every field a filter names is one the index stores per event (frame.number, frame.len,
 * tcp.stream, the TCP header's flags, length and ports, evt.type, proc.name, fd.num, …) and every
 * comparison is with a literal, the checked filter compiles to a predicate over event numbers
 * that reads typed arrays only. A column may not describe every event (a packet with two TCP
 * headers): those few are re-dissected (run-filter.ts). Anything else returns null and runs
 * through re-dissection.
 */
import type { Const, FilterAst, Value } from '../../../shared/filter/ast.ts';
import type { CaptureInternals } from '../capture.ts';
import { addField, createDissection, resetDissection } from '../dissectors/dissection.ts';
import { NO_TEXT } from '../../../shared/rpc.ts';
import type { Interner, PageTexts } from '../index/columns.ts';
import { IP_ONE, IP_OTHER, TCP_ONE, TCP_OTHER, type PacketIndex } from '../index/packet-index.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { fdLifetimes } from '../syscalls/fd-lifetimes.ts';
import { fdNumOf, hasFdName, type SyscallFieldGroup } from '../syscalls/syscall-index.ts';
import { compileFilter, fieldsUsed } from './compile.ts';

type Pred = (e: number) => boolean;

/**
 * One indexed field: whether event `e` has it, and its value as a number (a second one for a
 * two-valued field such as tcp.port) or interned string id. `exact(e)` false: the columns do not
 * hold event `e`'s values of this field, which must be re-dissected.
 */
export type ColumnField =
  | { kind: 'num'; has: Pred; num: (e: number) => number; num2?: (e: number) => number; exact?: Pred; fill?: Fill }
  | { kind: 'str'; has: Pred; id: (e: number) => number; strings: Interner; exact?: Pred; texts?: Texts };

/**
 * The texts of events start+1 … start+n where `has` and `exact` hold (NO_TEXT elsewhere) as ids
 * into the page's distinct texts in first-use order: one loop over the id column and a remap,
 * no string hashed per event (the SQL events table's proc.name, fd.name …).
 */
export type Texts = (start: number, n: number) => PageTexts;

/** An interned-string column's page texts where `has` holds (the rest NO_TEXT). */
function columnTexts(col: { data: Uint32Array }, strings: Interner, has: Pred | undefined): Texts {
  return (start, n) => {
    const data = col.data;
    const strs = strings.strings;
    const remap = new Int32Array(strs.length).fill(-1);
    const ids = new Uint32Array(n).fill(NO_TEXT);
    const dict: string[] = [];
    for (let r = 0; r < n; r++) {
      if (has && !has(start + r + 1)) continue;
      const s = data[start + r];
      let k = remap[s];
      if (!(k >= 0)) {
        k = dict.push(strs[s] ?? '') - 1;
        if (s < remap.length) remap[s] = k;
      }
      ids[r] = k;
    }
    return { ids, dict };
  };
}

/**
 * The values of events start+1 … start+n into out[0 … n), where `has` and `exact` hold (the rest
 * untouched): one loop over the typed arrays, for the SQL events table, where a call per event
 * through `has`/`exact`/`num` cost more than the rest of the page (filter/event-table.ts).
 */
export type Fill = (start: number, n: number, out: Float64Array) => void;

const always = (): boolean => true;

/** Every event's value from one column (frame.len, frame.cap_len). */
function fillAll(data: ArrayLike<number>, start: number, n: number, out: Float64Array): void {
  for (let r = 0; r < n; r++) out[r] = data[start + r];
}

/** Which TCP header field a fill reads (packet-index.ts addPacket layouts): a number, so the loop's switch is cheap. */
const TCP_FLAGS = 0;
const TCP_LEN = 1;
const TCP_SRC = 2;
const TCP_DST = 3;

/**
 * A fill of one TCP header field: packets with exactly one TCP header (TCP_ONE) and, where some
 * have several (`other` > 0), none marked TCP_OTHER; tcp.len only where it was stored (non-zero).
 */
function tcpFill(tfc: { data: Uint16Array }, tlc: { data: Uint16Array }, tpc: { data: Uint32Array }, other: number, part: number): Fill {
  const skip = other === 0 ? 0 : TCP_OTHER;
  return (start, n, out) => {
    // The columns grow while indexing: their arrays are read per call.
    const tf = tfc.data;
    const tl = tlc.data;
    const tp = tpc.data;
    for (let r = 0; r < n; r++) {
      const i = start + r;
      const f = tf[i];
      if ((f & TCP_ONE) === 0 || (f & skip) !== 0) continue;
      switch (part) {
        case TCP_FLAGS: out[r] = f & 0x0fff; break;
        case TCP_LEN: if (tl[i] !== 0) out[r] = tl[i] - 1; break;
        case TCP_SRC: out[r] = tp[i] >>> 16; break;
        default: out[r] = tp[i] & 0xffff;
      }
    }
  };
}

/** The TCP header columns (packet-index.ts addPacket) as the fields tcp.ts declares. */
function tcpFields(m: Map<string, ColumnField>, tf: { data: Uint16Array }, tl: { data: Uint16Array }, tp: { data: Uint32Array }, other: number): void {
  const exact: Pred | undefined = other === 0 ? undefined : (e) => (tf.data[e - 1] & TCP_OTHER) === 0;
  const has: Pred = (e) => (tf.data[e - 1] & TCP_ONE) !== 0;
  const fill = (part: number): Fill => tcpFill(tf, tl, tp, other, part);
  m.set('tcp.flags', { kind: 'num', has, exact, num: (e) => tf.data[e - 1] & 0x0fff, fill: fill(TCP_FLAGS) });
  // Every flag bit by the mask its declaration gives (tcp.flags.syn: 0x0002, …).
  for (const f of allFields()) {
    if (f.type !== 'bool' || f.mask === undefined || !f.name.startsWith('tcp.flags.')) continue;
    const mask = f.mask;
    m.set(f.name, { kind: 'num', has, exact, num: (e) => ((tf.data[e - 1] & mask) !== 0 ? 1 : 0) });
  }
  m.set('tcp.len', { kind: 'num', has: (e) => tl.data[e - 1] !== 0, exact, num: (e) => tl.data[e - 1] - 1, fill: fill(TCP_LEN) });
  const src = (e: number): number => tp.data[e - 1] >>> 16;
  const dst = (e: number): number => tp.data[e - 1] & 0xffff;
  m.set('tcp.srcport', { kind: 'num', has, exact, num: src, fill: fill(TCP_SRC) });
  m.set('tcp.dstport', { kind: 'num', has, exact, num: dst, fill: fill(TCP_DST) });
  m.set('tcp.port', { kind: 'num', has, exact, num: src, num2: dst });
}

/** Per index: each interned string id's IPv4 address as a number (from the address table), and the address count it was built at. */
const addressNumbers = new WeakMap<PacketIndex, { count: number; strings: number; num: Uint32Array }>();

function ipv4Numbers(ix: PacketIndex): Uint32Array {
  const hit = addressNumbers.get(ix);
  if (hit && hit.count === ix.ipv4Count && hit.strings === ix.strings.strings.length) return hit.num;
  const num = new Uint32Array(ix.strings.strings.length);
  const t = ix.ipv4Table;
  for (let q = 0; q < t.length; q += 2) if (t[q + 1] !== 0) num[t[q + 1]] = t[q] >>> 0;
  addressNumbers.set(ix, { count: ix.ipv4Count, strings: ix.strings.strings.length, num });
  return num;
}

/** ip.src, ip.dst, ip.addr from the Source/Destination columns where the only IPv4 header gave them. */
function ipFields(m: Map<string, ColumnField>, ix: PacketIndex): void {
  const hf = ix.hdrFlags;
  const num = ipv4Numbers(ix);
  const has: Pred = (e) => (hf.data[e - 1] & IP_ONE) !== 0;
  const exact: Pred | undefined = ix.ipOther === 0 ? undefined : (e) => (hf.data[e - 1] & IP_OTHER) === 0;
  const src = (e: number): number => num[ix.src.data[e - 1]];
  const dst = (e: number): number => num[ix.dst.data[e - 1]];
  m.set('ip.src', { kind: 'num', has, exact, num: src });
  m.set('ip.dst', { kind: 'num', has, exact, num: dst });
  m.set('ip.addr', { kind: 'num', has, exact, num: src, num2: dst });
}

/** tcp.stream (`tcp`) or udp.stream from the per-frame stream ids (indexed by event number). */
function streamFill(fs: ArrayLike<number>, tcp: boolean): Fill {
  return (start, n, out) => {
    const end = Math.min(n, fs.length - start - 1);
    for (let r = 0; r < end; r++) {
      const v = fs[start + r + 1];
      if (tcp ? v >= 0 : v <= -2) out[r] = tcp ? v : -2 - v;
    }
  };
}

/** Values of one column where it holds one: cpu, pid, tid, fd.stream ≥ 0 (`nonNegative`); results and latencies not NaN. */
function fillWhere(data: ArrayLike<number>, nonNegative: boolean, start: number, n: number, out: Float64Array): void {
  for (let r = 0; r < n; r++) {
    const v = data[start + r];
    if (nonNegative ? v >= 0 : !Number.isNaN(v)) out[r] = v;
  }
}

export function columnFields(x: CaptureInternals): Map<string, ColumnField> {
  // A capture set composes its parts' columns (sets/set-capture.ts).
  if (x.kind === 'set') return x.columnFields();
  const m = new Map<string, ColumnField>();
  if (x.kind === 'packets') {
    const ix = x.index;
    const fs = x.conv.frameStream;
    m.set('frame.number', { kind: 'num', has: always, num: (e) => e });
    m.set('frame.len', { kind: 'num', has: always, num: (e) => ix.origLen.data[e - 1], fill: (start, n, out) => fillAll(ix.origLen.data, start, n, out) });
    m.set('frame.cap_len', { kind: 'num', has: always, num: (e) => ix.capLen.data[e - 1], fill: (start, n, out) => fillAll(ix.capLen.data, start, n, out) });
    // conversations.ts: per-frame id ≥ 0 = TCP stream, ≤ -2 = UDP stream -2-id, -1 = none.
    m.set('tcp.stream', { kind: 'num', has: (e) => fs[e] >= 0, num: (e) => fs[e], fill: streamFill(fs, true) });
    m.set('udp.stream', { kind: 'num', has: (e) => fs[e] <= -2, num: (e) => -2 - fs[e], fill: streamFill(fs, false) });
    tcpFields(m, ix.hdrFlags, ix.tcpLen, ix.tcpPorts, ix.tcpOther);
    ipFields(m, ix);
    return m;
  }
  const ix = x.index;
  const str = (col: { data: Uint32Array }, optional: boolean, has: Pred = optional ? (e) => col.data[e - 1] !== 0 : always): ColumnField => ({
    kind: 'str',
    has,
    id: (e) => col.data[e - 1],
    strings: ix.strings,
    texts: columnTexts(col, ix.strings, has === always ? undefined : has),
  });
  m.set('evt.num', { kind: 'num', has: always, num: (e) => e });
  m.set('evt.type', str(ix.type, false));
  m.set('proc.name', str(ix.procName, true));
  // Every event with an fd has an fd.name, "" until the fd is named (syscall-index.ts hasFdName).
  m.set('fd.name', str(ix.fdName, false, (e) => hasFdName(ix, e - 1)));
  m.set('container.id', str(ix.container, true));
  // Columns grow (live captures): fills read `.data` per call.
  m.set('evt.cpu', { kind: 'num', has: (e) => ix.cpu.data[e - 1] >= 0, num: (e) => ix.cpu.data[e - 1], fill: (s, n, o) => fillWhere(ix.cpu.data, true, s, n, o) });
  m.set('proc.pid', { kind: 'num', has: (e) => ix.pid.data[e - 1] >= 0, num: (e) => ix.pid.data[e - 1], fill: (s, n, o) => fillWhere(ix.pid.data, true, s, n, o) });
  m.set('thread.tid', { kind: 'num', has: (e) => ix.tid.data[e - 1] >= 0, num: (e) => ix.tid.data[e - 1], fill: (s, n, o) => fillWhere(ix.tid.data, true, s, n, o) });
  // fd lifetimes extend as the index grows: read them per call, not once.
  m.set('fd.stream', { kind: 'num', has: (e) => fdLifetimes(ix).ids[e - 1] >= 0, num: (e) => fdLifetimes(ix).ids[e - 1], fill: (s, n, o) => fillWhere(fdLifetimes(ix).ids, true, s, n, o) });
  m.set('fd.num', { kind: 'num', has: (e) => fdNumOf(ix, e - 1) !== undefined, num: (e) => fdNumOf(ix, e - 1) ?? NaN });
  m.set('evt.rawres', { kind: 'num', has: (e) => !Number.isNaN(ix.rawres.data[e - 1]), num: (e) => ix.rawres.data[e - 1], fill: (s, n, o) => fillWhere(ix.rawres.data, false, s, n, o) });
  m.set('evt.latency', { kind: 'num', has: (e) => !Number.isNaN(ix.latencyNs.data[e - 1]), num: (e) => ix.latencyNs.data[e - 1], fill: (s, n, o) => fillWhere(ix.latencyNs.data, false, s, n, o) });
  return m;
}

function fieldOf(v: Value, fields: Map<string, ColumnField>): ColumnField | undefined {
  return v.v === 'field' ? fields.get(v.name) : undefined;
}

function constOf(v: Value): Const | undefined {
  return v.v === 'const' ? v.c : undefined;
}

function numOf(c: Const): number | undefined {
  return c.k === 'num' ? Number(c.v) : undefined;
}

const CMP: Record<string, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
};

/** `has(e) && num(e) OP b` with one closure per operator (a shared operator table made the loop several times slower). */
function numTest(op: string, has: Pred, num: (e: number) => number, b: number): Pred {
  switch (op) {
    case 'eq': return (e) => has(e) && num(e) === b;
    case 'ne': return (e) => has(e) && num(e) !== b;
    case 'gt': return (e) => has(e) && num(e) > b;
    case 'ge': return (e) => has(e) && num(e) >= b;
    case 'lt': return (e) => has(e) && num(e) < b;
    default: return (e) => has(e) && num(e) <= b;
  }
}

/**
 * A filter over the columns: `test(e)` is its answer for event `e` wherever `exact(e)` holds
 * (`exact` null: everywhere); elsewhere the event must be re-dissected.
 */
export interface ColumnFilter {
  test: Pred;
  exact: Pred | null;
  /**
   * Some part reads the file per event (a field group without a key, such as evt.buffer): the
   * test costs microseconds, not nanoseconds, and the run must yield between slices.
   */
  reads: boolean;
}

/**
 * The field groups of a syscall capture that a filter evaluates per distinct key (syscall-index.ts
 * SyscallFieldGroup): the format's own (fd and process snapshots, results, the I/O buffer) and one
 * per interned-string column, so that `fd.name contains "x"` or `proc.name matches "^ng"` is
 * evaluated once per distinct string and the events are then scanned by string id.
 * Other captures have none (a capture set's parts are not composed here).
 */
export function columnGroups(x: CaptureInternals, fields: Map<string, ColumnField>): SyscallFieldGroup[] {
  if (x.kind !== 'syscalls') return [];
  const out = [...(x.index.fieldGroups ?? [])];
  for (const [name, f] of fields) {
    const def = fieldByName(name);
    if (f.kind !== 'str' || !def) continue;
    const { has, id, strings } = f;
    out.push({
      fields: new Set([name]),
      key: (e) => (has(e) ? id(e) + 1 : 0),
      fill: (e, d) => {
        if (has(e)) addField(d, def, 0, 0, -1, strings.strings[id(e)]);
      },
      ...(f.exact ? { exact: f.exact } : {}),
    });
  }
  return out;
}

/**
 * Compile to a column filter, or null when some part needs a dissection. `terms`: nodes answered
 * per event by other means (filter/frame-bytes.ts: a scan of the frames' bytes), exact everywhere.
 */
export function compileColumnFilter(ast: FilterAst, fields: Map<string, ColumnField>, groups: readonly SyscallFieldGroup[] = [], terms: ReadonlyMap<FilterAst, Pred> = NO_TERMS): ColumnFilter | null {
  const used: Used = { fields: new Set(), groups: new Set(), terms };
  const test = compileNode(ast, fields, groups, used);
  if (!test) return null;
  const partial = [...[...used.fields].flatMap((f) => (f.exact ? [f.exact] : [])), ...[...used.groups].flatMap((g) => (g.exact ? [g.exact] : []))];
  const exact: Pred | null = partial.length === 0 ? null : partial.length === 1 ? partial[0] : (e) => partial.every((p) => p(e));
  return { test, exact, reads: [...used.groups].some((g) => !g.key) };
}

interface Used {
  fields: Set<ColumnField>;
  groups: Set<SyscallFieldGroup>;
  /** The nodes answered without the columns (compileColumnFilter's `terms`), read, not filled. */
  terms: ReadonlyMap<FilterAst, Pred>;
}

const NO_TERMS: ReadonlyMap<FilterAst, Pred> = new Map();

/** Whether a filter reads a field reference (`${f}`) or a layer (`f#2`): no group answers those. */
function readsReference(ast: FilterAst): boolean {
  const value = (v: Value): boolean => {
    switch (v.v) {
      case 'ref': case 'layer': return true;
      case 'slice': return value(v.of);
      case 'call': return v.args.some(value);
      case 'arith': return value(v.l) || value(v.r);
      case 'neg': return value(v.e);
      default: return false;
    }
  };
  switch (ast.t) {
    case 'and': case 'or': case 'xor': return readsReference(ast.l) || readsReference(ast.r);
    case 'not': return readsReference(ast.e);
    case 'exists': case 'nonzero': return value(ast.e);
    case 'cmp': case 'contains': return value(ast.l) || value(ast.r);
    case 'matches': return value(ast.l);
    case 'in': return value(ast.l) || ast.items.some((it) => value(it.lo) || (it.hi !== undefined && value(it.hi)));
  }
}

const NO_BYTES = new Uint8Array(0);

/**
 * A filter (part) over the fields of one group: the ordinary predicate over a dissection that
 * holds only the group's fields, evaluated once per distinct key (the first event with it) and
 * remembered; without a key, per event.
 */
function compileGroupNode(ast: FilterAst, groups: readonly SyscallFieldGroup[], used: Used): Pred | null {
  if (groups.length === 0 || readsReference(ast)) return null;
  const names = fieldsUsed(ast);
  const g = names.length === 0 ? undefined : groups.find((gr) => names.every((n) => gr.fields.has(n)));
  if (!g) return null;
  used.groups.add(g);
  const pred = compileFilter(ast);
  const d = createDissection();
  const { fill, key, present } = g;
  const evaluate = (e: number): boolean => {
    resetDissection(d, NO_BYTES, 'Event');
    fill(e, d);
    return pred(d);
  };
  if (present) {
    // The answer where the fields are absent (`not evt.buffer contains …` holds there).
    resetDissection(d, NO_BYTES, 'Event');
    const absent = pred(d);
    if (!key) return (e) => (present(e) ? evaluate(e) : absent);
  }
  if (!key) return evaluate;
  // Answers per key: small keys in a byte array (0 not yet, 1 false, 2 true), others in a map.
  let small = new Uint8Array(1024);
  const large = new Map<number, boolean>();
  // Consecutive events mostly share their key (an fd's events, a thread's run).
  let lastKey = -1;
  let last = false;
  return (e) => {
    const k = key(e);
    if (k === lastKey) return last;
    let v: boolean;
    if (k < SMALL_KEYS) {
      if (k >= small.length) {
        const grown = new Uint8Array(Math.min(SMALL_KEYS, Math.max(k + 1, small.length * 2)));
        grown.set(small);
        small = grown;
      }
      const m = small[k];
      v = m === 0 ? evaluate(e) : m === 2;
      if (m === 0) small[k] = v ? 2 : 1;
    } else {
      const m = large.get(k);
      v = m ?? evaluate(e);
      if (m === undefined) large.set(k, v);
    }
    lastKey = k;
    last = v;
    return v;
  };
}

/** Keys below this are remembered in a byte array (at most 16 MB per filter part). */
const SMALL_KEYS = 1 << 24;

function compileNode(ast: FilterAst, fields: Map<string, ColumnField>, groups: readonly SyscallFieldGroup[], used: Used): Pred | null {
  return used.terms.get(ast) ?? compileColumnNode(ast, fields, groups, used) ?? compileGroupNode(ast, groups, used);
}

function compileColumnNode(ast: FilterAst, fields: Map<string, ColumnField>, groups: readonly SyscallFieldGroup[], used: Used): Pred | null {
  const fieldIn = (v: Value): ColumnField | undefined => {
    const f = fieldOf(v, fields);
    if (f) used.fields.add(f);
    return f;
  };
  switch (ast.t) {
    case 'and':
    case 'or':
    case 'xor': {
      const l = compileNode(ast.l, fields, groups, used);
      const r = l && compileNode(ast.r, fields, groups, used);
      if (!l || !r) return null;
      if (ast.t === 'and') return (e) => l(e) && r(e);
      if (ast.t === 'or') return (e) => l(e) || r(e);
      return (e) => l(e) !== r(e);
    }
    case 'not': {
      const p = compileNode(ast.e, fields, groups, used);
      return p && ((e) => !p(e));
    }
    case 'exists': {
      const f = fieldIn(ast.e);
      return f ? f.has : null;
    }
    case 'cmp': {
      const f = fieldIn(ast.l);
      const c = constOf(ast.r);
      if (!f || !c) return null;
      if (f.kind === 'num' && c.k === 'net4' && (ast.op === 'eq' || ast.op === 'ne')) {
        // ip.addr == 10.0.0.0/8: the masked address (the same test as compile.ts netTest).
        const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
        const net = (c.addr & mask) >>> 0;
        const want = ast.op === 'eq';
        const { has, num, num2 } = f;
        const inNet = (v: number): boolean => ((v & mask) >>> 0 === net) === want;
        if (!num2) return (e) => has(e) && inNet(num(e));
        return ast.quant === 'all' ? (e) => has(e) && inNet(num(e)) && inNet(num2(e)) : (e) => has(e) && (inNet(num(e)) || inNet(num2(e)));
      }
      if (f.kind === 'num') {
        const b = numOf(c);
        if (b === undefined) return null;
        const op = CMP[ast.op];
        const { has, num, num2 } = f;
        if (!num2) return numTest(ast.op, has, num, b);
        // Two values (tcp.port): `any` holds when one does, `all` when both do.
        return ast.quant === 'all' ? (e) => has(e) && op(num(e), b) && op(num2(e), b) : (e) => has(e) && (op(num(e), b) || op(num2(e), b));
      }
      if (c.k !== 'str' || (ast.op !== 'eq' && ast.op !== 'ne')) return null;
      const target = f.strings.ids.get(c.v) ?? -1;
      const { has, id } = f;
      return ast.op === 'eq' ? (e) => has(e) && id(e) === target : (e) => has(e) && id(e) !== target;
    }
    case 'in': {
      // `not in` is the negation of `in` (compile.ts): true also where the field is absent.
      const f = fieldIn(ast.l);
      if (!f) return null;
      let inSet: Pred;
      if (f.kind === 'num') {
        const ranges: [number, number][] = [];
        for (const it of ast.items) {
          const lo = constOf(it.lo);
          const hi = it.hi ? constOf(it.hi) : lo;
          const a = lo && numOf(lo);
          const b = hi && numOf(hi);
          if (a === undefined || b === undefined) return null;
          ranges.push([a, b]);
        }
        const { has, num, num2 } = f;
        const inRanges = (v: number): boolean => ranges.some(([a, b]) => v >= a && v <= b);
        // `all x in {…}` over two values needs both in one and the same element (compile.ts).
        if (num2 && ast.quant === 'all') return null;
        inSet = num2 ? (e) => has(e) && (inRanges(num(e)) || inRanges(num2(e))) : (e) => has(e) && inRanges(num(e));
      } else {
        const ids = new Set<number>();
        for (const it of ast.items) {
          const c = constOf(it.lo);
          if (!c || c.k !== 'str' || it.hi) return null;
          ids.add(f.strings.ids.get(c.v) ?? -1);
        }
        const { has, id } = f;
        inSet = (e) => has(e) && ids.has(id(e));
      }
      return ast.negated ? (e) => !inSet(e) : inSet;
    }
    default:
      return null;
  }
}
