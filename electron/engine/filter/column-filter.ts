/**
 * Filters answered from the index columns alone, without re-dissecting a single event: when
 * every field a filter names is one the index stores per event (frame.number, frame.len,
 * tcp.stream, evt.type, proc.name, fd.num, …) and every comparison is with a literal, the
 * checked filter compiles to a predicate over event numbers that reads typed arrays only.
 * Anything else returns null and runs through re-dissection (run-filter.ts).
 */
import type { Const, FilterAst, Value } from '../../../shared/filter/ast.ts';
import type { CaptureInternals } from '../capture.ts';
import type { Interner } from '../index/columns.ts';

/** One indexed field: whether event `e` has it, and its value as a number or interned string id. */
export type ColumnField =
  | { kind: 'num'; has: (e: number) => boolean; num: (e: number) => number }
  | { kind: 'str'; has: (e: number) => boolean; id: (e: number) => number; strings: Interner };

const always = (): boolean => true;

export function columnFields(x: CaptureInternals): Map<string, ColumnField> {
  const m = new Map<string, ColumnField>();
  if (x.kind === 'packets') {
    const ix = x.index;
    const fs = x.conv.frameStream;
    m.set('frame.number', { kind: 'num', has: always, num: (e) => e });
    m.set('frame.len', { kind: 'num', has: always, num: (e) => ix.origLen.data[e - 1] });
    m.set('frame.cap_len', { kind: 'num', has: always, num: (e) => ix.capLen.data[e - 1] });
    // conversations.ts: per-frame id ≥ 0 = TCP stream, ≤ -2 = UDP stream -2-id, -1 = none.
    m.set('tcp.stream', { kind: 'num', has: (e) => fs[e] >= 0, num: (e) => fs[e] });
    m.set('udp.stream', { kind: 'num', has: (e) => fs[e] <= -2, num: (e) => -2 - fs[e] });
    return m;
  }
  const ix = x.index;
  const str = (col: { data: Uint32Array }, optional: boolean): ColumnField => ({
    kind: 'str',
    has: optional ? (e) => col.data[e - 1] !== 0 : always,
    id: (e) => col.data[e - 1],
    strings: ix.strings,
  });
  m.set('evt.num', { kind: 'num', has: always, num: (e) => e });
  m.set('evt.type', str(ix.type, false));
  m.set('proc.name', str(ix.procName, true));
  m.set('fd.name', str(ix.fdName, true));
  m.set('container.id', str(ix.container, true));
  m.set('evt.cpu', { kind: 'num', has: (e) => ix.cpu.data[e - 1] >= 0, num: (e) => ix.cpu.data[e - 1] });
  m.set('proc.pid', { kind: 'num', has: (e) => ix.pid.data[e - 1] >= 0, num: (e) => ix.pid.data[e - 1] });
  m.set('thread.tid', { kind: 'num', has: (e) => ix.tid.data[e - 1] >= 0, num: (e) => ix.tid.data[e - 1] });
  m.set('fd.num', { kind: 'num', has: (e) => ix.fd.data[e - 1] >= 0, num: (e) => ix.fd.data[e - 1] });
  m.set('evt.rawres', { kind: 'num', has: (e) => !Number.isNaN(ix.rawres.data[e - 1]), num: (e) => ix.rawres.data[e - 1] });
  m.set('evt.latency', { kind: 'num', has: (e) => !Number.isNaN(ix.latencyNs.data[e - 1]), num: (e) => ix.latencyNs.data[e - 1] });
  return m;
}

type Pred = (e: number) => boolean;

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

/** Compile to a column predicate, or null when some part needs a dissection. */
export function compileColumnFilter(ast: FilterAst, fields: Map<string, ColumnField>): Pred | null {
  switch (ast.t) {
    case 'and':
    case 'or':
    case 'xor': {
      const l = compileColumnFilter(ast.l, fields);
      const r = l && compileColumnFilter(ast.r, fields);
      if (!l || !r) return null;
      if (ast.t === 'and') return (e) => l(e) && r(e);
      if (ast.t === 'or') return (e) => l(e) || r(e);
      return (e) => l(e) !== r(e);
    }
    case 'not': {
      const p = compileColumnFilter(ast.e, fields);
      return p && ((e) => !p(e));
    }
    case 'exists': {
      const f = fieldOf(ast.e, fields);
      return f ? f.has : null;
    }
    case 'cmp': {
      // Index columns hold one value per event, so `any` and `all` coincide.
      const f = fieldOf(ast.l, fields);
      const c = constOf(ast.r);
      if (!f || !c) return null;
      if (f.kind === 'num') {
        const b = numOf(c);
        if (b === undefined) return null;
        const op = CMP[ast.op];
        const { has, num } = f;
        return (e) => has(e) && op(num(e), b);
      }
      if (c.k !== 'str' || (ast.op !== 'eq' && ast.op !== 'ne')) return null;
      const target = f.strings.ids.get(c.v) ?? -1;
      const { has, id } = f;
      return ast.op === 'eq' ? (e) => has(e) && id(e) === target : (e) => has(e) && id(e) !== target;
    }
    case 'in': {
      const f = fieldOf(ast.l, fields);
      if (!f) return null;
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
        const { has, num } = f;
        const inSet = (v: number): boolean => ranges.some(([a, b]) => v >= a && v <= b);
        return ast.negated ? (e) => has(e) && !inSet(num(e)) : (e) => has(e) && inSet(num(e));
      }
      const ids = new Set<number>();
      for (const it of ast.items) {
        const c = constOf(it.lo);
        if (!c || c.k !== 'str' || it.hi) return null;
        ids.add(f.strings.ids.get(c.v) ?? -1);
      }
      const { has, id } = f;
      return ast.negated ? (e) => has(e) && !ids.has(id(e)) : (e) => has(e) && ids.has(id(e));
    }
    default:
      return null;
  }
}
