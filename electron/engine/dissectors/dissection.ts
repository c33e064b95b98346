/**
 * The result of dissecting one event, as flat parallel arrays so that the index pass can
 * dissect millions of events without allocating a tree per event. Each entry is one field
 * occurrence: which field, where its bytes are (data source + offset + length), its parent
 * entry, and its value. The details tree, `-e` output and filters are all read from here.
 *
 * Values: integers, booleans (0/1), times and other numbers go in `num`; anything else
 * (strings, bigints, byte arrays computed rather than sliced) in `obj`. When neither is set,
 * the value is read from the bytes of the range according to the field's type (see values.ts).
 */
import type { FieldValue } from '../../../shared/fields.ts';
import type { FieldDef } from '../fields/registry.ts';

export interface DataSource {
  /** Tab name shown under the hex pane, e.g. "Frame", "Reassembled TCP", "Decrypted TLS". */
  name: string;
  bytes: Uint8Array;
}

export interface Dissection {
  /** Number of entries in use. */
  n: number;
  fid: Int32Array;
  off: Int32Array;
  len: Int32Array;
  parent: Int32Array;
  /** Index into `sources` of the bytes this entry's range refers to. */
  src: Uint8Array;
  num: Float64Array;
  obj: (FieldValue | undefined)[];
  /** Optional label replacing the default "Description: value" text in the tree. */
  label: (string | undefined)[];
  /** Entries flagged as malformed / expert warnings carry a message here. */
  note: (string | undefined)[];
  sources: DataSource[];
  /** Info column text (Wireshark style); dissectors overwrite it as they go deeper. */
  info: string;
  /** Protocol column text: the highest protocol that was dissected. */
  protocol: string;
  /** Set when some layer found the data malformed: the first such message. */
  malformed: string | undefined;
  /**
   * Summary mode for the index pass: when set, only fields whose id is marked 1 are recorded
   * (addField returns -1 for the others), so a full dissection costs little more than the
   * parsing it must do anyway. null = record everything (details, -e, filters).
   */
  keep: Uint8Array | null;
  /**
   * The index pass: nothing is recorded and dissectors may skip computing header fields
   * wholesale; what the index needs is left in the PacketContext summary scratch instead (see
   * context.ts). Filters set `keep` without `summary`, so every field they name is computed.
   */
  summary: boolean;
  /**
   * The caller needs nothing carried by TCP or UDP (a filter on frame, link and IP fields only):
   * IP skips dissecting those payloads. ICMP is still dissected, for the IP header it quotes.
   */
  networkOnly: boolean;
  /**
   * With `keep`: the protocols (by protocol field id) that own a kept field. A protocol outside
   * it may skip computing its fields (see recordsProtocol). null = assume all.
   */
  keepProtocols: Uint8Array | null;
}

const INITIAL = 128;

export function createDissection(): Dissection {
  return {
    n: 0,
    fid: new Int32Array(INITIAL),
    off: new Int32Array(INITIAL),
    len: new Int32Array(INITIAL),
    parent: new Int32Array(INITIAL),
    src: new Uint8Array(INITIAL),
    num: new Float64Array(INITIAL),
    obj: [],
    label: [],
    note: [],
    sources: [],
    info: '',
    protocol: '',
    malformed: undefined,
    keep: null,
    summary: false,
    networkOnly: false,
    keepProtocols: null,
  };
}

/**
 * Give the dissection its own copy of the bytes its fields are read from, for one kept while
 * others are dissected: a capture reads frames through a window whose buffer the next window
 * reuses (io/capture-source.ts windowedReader), so the frame's bytes are only a view until then.
 */
export function ownBytes(d: Dissection): void {
  for (const s of d.sources) s.bytes = s.bytes.slice();
}

/** Reset for the next event, keeping the allocated arrays. `bytes` becomes data source 0. */
export function resetDissection(d: Dissection, bytes: Uint8Array, sourceName = 'Frame'): void {
  d.n = 0;
  if (d.obj.length > 0) d.obj.length = 0;
  if (d.label.length > 0) d.label.length = 0;
  if (d.note.length > 0) d.note.length = 0;
  // The first source object is reused: one allocation per dissection adds up over millions.
  // (Setting an array's length is a runtime call even when it does not change: test first.)
  const first = d.sources[0];
  if (first !== undefined) {
    if (d.sources.length !== 1) d.sources.length = 1;
    first.name = sourceName;
    first.bytes = bytes;
  } else {
    d.sources[0] = { name: sourceName, bytes };
  }
  d.info = '';
  d.protocol = '';
  d.malformed = undefined;
}

function grow(d: Dissection): void {
  const size = d.fid.length * 2;
  const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const b = make(size);
    b.set(a);
    return b;
  };
  d.fid = g(d.fid, (n) => new Int32Array(n));
  d.off = g(d.off, (n) => new Int32Array(n));
  d.len = g(d.len, (n) => new Int32Array(n));
  d.parent = g(d.parent, (n) => new Int32Array(n));
  d.src = g(d.src, (n) => new Uint8Array(n));
  d.num = g(d.num, (n) => new Float64Array(n));
}

/**
 * Add one field occurrence. `parent` is the entry index of the enclosing node (-1 for top level).
 * A number value goes to `num`; other values to `obj`; omit `value` to read it from the bytes.
 * Returns the new entry's index (use it as `parent` for children).
 */
export function addField(
  d: Dissection,
  field: FieldDef,
  offset: number,
  length: number,
  parent: number,
  value?: FieldValue,
  source = 0,
): number {
  // Summary mode records nothing (the index reads the PacketContext scratch); a keep mask
  // records only its fields.
  if (d.summary) return -1;
  const keep = d.keep;
  if (keep !== null && keep[field.id] !== 1) return -1;
  if (d.n === d.fid.length) grow(d);
  const i = d.n++;
  d.fid[i] = field.id;
  d.off[i] = offset;
  d.len[i] = length;
  d.parent[i] = parent;
  d.src[i] = source;
  if (typeof value === 'number') {
    d.num[i] = value;
  } else if (typeof value === 'boolean') {
    d.num[i] = value ? 1 : 0;
  } else {
    d.num[i] = NaN;
    if (value !== undefined) d.obj[i] = value;
  }
  return i;
}

/** Give an entry a custom tree label (protocol summaries, generated fields). */
export function setLabel(d: Dissection, entry: number, text: string): void {
  if (entry >= 0) d.label[entry] = text;
}

/**
 * Whether a protocol should compute and record its header fields: always for a full dissection,
 * never in the index pass's summary mode, and with a keep mask only if one of its fields is kept.
 */
export function recordsProtocol(d: Dissection, protocol: FieldDef): boolean {
  if (d.summary) return false;
  const kp = d.keepProtocols;
  return d.keep === null || kp === null || kp[protocol.id] === 1;
}

/** False when the dissection does not record `field` (summary mode, keep mask): skip computing its value. */
export function wants(d: Dissection, field: FieldDef): boolean {
  return !d.summary && (d.keep === null || d.keep[field.id] === 1);
}

/** Mark an entry malformed with a message; the first message also marks the whole event. */
export function markMalformed(d: Dissection, entry: number, message: string): void {
  if (entry >= 0) d.note[entry] = message;
  if (d.malformed === undefined) d.malformed = message;
}

/** Add a data source (reassembled or decrypted bytes) and return its index for `addField`. */
export function addSource(d: Dissection, name: string, bytes: Uint8Array): number {
  d.sources.push({ name, bytes });
  return d.sources.length - 1;
}

/** Index of the first entry of `field`, or -1. */
export function findField(d: Dissection, field: FieldDef, from = 0): number {
  const id = field.id;
  for (let i = from; i < d.n; i++) if (d.fid[i] === id) return i;
  return -1;
}
