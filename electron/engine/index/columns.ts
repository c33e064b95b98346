/**
 * Growable typed-array columns: the event index stores one entry per event per column, never
 * one object per event (docs/engine.md, "One streaming pass": ≤ 100 bytes per event). Columns double their capacity as
 * events arrive; `view()` gives the filled part without copying.
 */
type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
type TypedArrayCtor<T extends TypedArray> = { new (n: number): T };

export interface Column<T extends TypedArray> {
  data: T;
  length: number;
}

export function createColumn<T extends TypedArray>(ctor: TypedArrayCtor<T>, capacity = 1024): Column<T> {
  return { data: new ctor(capacity), length: 0 };
}

export function pushValue<T extends TypedArray>(c: Column<T>, v: number): void {
  if (c.length === c.data.length) {
    const bigger = new (c.data.constructor as TypedArrayCtor<T>)(grownCapacity(c.data.length, c.length + 1));
    bigger.set(c.data as never);
    c.data = bigger;
  }
  c.data[c.length++] = v;
}

/**
 * Capacity after `cap` is full: doubling while small, then 1.5×, so the spare capacity the memory
 * budget counts (limits.ts) stays at most half of what is used, and growing never needs more
 * than 2.5× the used bytes at once.
 */
export function grownCapacity(cap: number, n: number): number {
  return Math.max(n, cap < 1 << 20 ? cap * 2 : Math.ceil(cap * 1.5));
}

/** Entries read before expectedCapacity trusts the input's average record size. */
const SAMPLE_ENTRIES = 1024;

/**
 * Capacity for `n` entries when `done` of the input's `total` bytes are read: every entry the
 * whole input holds at the rate so far, plus 1/32. A column of a 1 M-packet file then grows
 * about three times instead of ~12 (each a copy, and each large allocation a GC for external
 * memory pressure). The step is at most 16× (a file whose first records are unusually small
 * must not reserve for millions at once) and at least 1/8 (a file whose records get smaller
 * later still grows geometrically). Plain geometric growth (grownCapacity) when the size is
 * unknown (0: compressed input, a merged set) or too little is read to tell.
 */
export function expectedCapacity(cap: number, n: number, done: number, total: number): number {
  if (total <= 0 || done <= 0 || done >= total || n < SAMPLE_ENTRIES) return grownCapacity(cap, n);
  const expected = Math.ceil(((n * total) / done) * (1 + 1 / 32));
  return Math.max(n, Math.min(Math.max(expected, Math.ceil(cap * 1.125)), cap * 16));
}

/** Grow every column to exactly `capacity` entries (when it holds fewer). */
export function reserveExactly(cols: readonly Column<TypedArray>[], capacity: number): void {
  for (const c of cols) {
    if (c.data.length >= capacity) continue;
    const bigger = new (c.data.constructor as TypedArrayCtor<TypedArray>)(capacity);
    bigger.set(c.data as never);
    c.data = bigger;
  }
}

/**
 * Grow every column to hold at least `n` entries. Hot loops call this once per event and then
 * write `col.data[i]` directly: one monomorphic store per column instead of a generic push.
 */
export function reserve(cols: readonly Column<TypedArray>[], n: number): void {
  for (const c of cols) {
    if (c.data.length >= n) continue;
    const bigger = new (c.data.constructor as TypedArrayCtor<TypedArray>)(grownCapacity(c.data.length, n));
    bigger.set(c.data as never);
    c.data = bigger;
  }
}

/** Bytes held by a column's backing store. */
export function columnBytes(c: Column<TypedArray>): number {
  return c.data.byteLength;
}

/** String dictionary: each distinct string stored once, events hold its number. */
export interface Interner {
  ids: Map<string, number>;
  strings: string[];
}

export function createInterner(): Interner {
  const it: Interner = { ids: new Map(), strings: [] };
  intern(it, '');
  return it;
}

export function intern(it: Interner, s: string): number {
  let id = it.ids.get(s);
  if (id === undefined) {
    id = it.strings.length;
    it.strings.push(s);
    it.ids.set(s, id);
  }
  return id;
}

/** Texts of a page: ids into `dict`, the page's distinct texts in first-use order (`none`: no text). */
export interface PageTexts {
  ids: Uint32Array;
  dict: string[];
}

/**
 * Interned ids data[start … start+count) as a page's texts: one typed-array pass and a remap
 * the interner's size, no string or Map lookup per event (the SQL events table's Source,
 * Destination, Protocol). An id the interner lacks is `none`.
 */
export function pageTexts(data: ArrayLike<number>, strings: readonly string[], start: number, count: number, none: number): PageTexts {
  const remap = new Int32Array(strings.length).fill(-1);
  const ids = new Uint32Array(count);
  const dict: string[] = [];
  for (let r = 0; r < count; r++) {
    const s = data[start + r];
    let k = remap[s];
    if (k === undefined) {
      ids[r] = none;
      continue;
    }
    if (k < 0) k = remap[s] = dict.push(strings[s]) - 1;
    ids[r] = k;
  }
  return { ids, dict };
}
