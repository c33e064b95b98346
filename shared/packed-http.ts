/**
 * HTTP exchange rows packed for an httpPage reply (rpc.ts PackedHttpRows): numbers in one
 * Float64Array, texts through the extract pages' packer (packed-values.ts), nulls in a bit mask.
 * A page of 5000 rows was 5000 objects of 25 keys to measure, clone and collect on both sides;
 * packed it is four arrays and one string, and a reader decodes only the rows it shows.
 */
import type { HttpExchangeRow, PackedHttpRows } from './rpc.ts';
import { createPackedBuilder, packedBytes, packedValueAt, packedValues, packField, packValue } from './packed-values.ts';

/**
 * How each field of a row is kept: `number` (flags as 0/1) or `text`; `absent` says what an
 * absent bit means: the field is null, or (optional fields) the key is left out.
 */
interface FieldSpec {
  kind: 'number' | 'flag' | 'text';
  absent?: 'null' | 'omit';
}

/** Every field of HttpExchangeRow (the Record type makes a new field fail to compile until it is listed here). */
const FIELD_SPECS: Record<keyof HttpExchangeRow, FieldSpec> = {
  stream: { kind: 'text' },
  index: { kind: 'number' },
  request: { kind: 'number', absent: 'null' },
  requestEnd: { kind: 'number', absent: 'null' },
  response: { kind: 'number', absent: 'null' },
  responseEnd: { kind: 'number', absent: 'null' },
  version: { kind: 'text' },
  method: { kind: 'text' },
  host: { kind: 'text' },
  uri: { kind: 'text' },
  status: { kind: 'number', absent: 'null' },
  phrase: { kind: 'text' },
  requestBodyBytes: { kind: 'number' },
  responseBodyBytes: { kind: 'number' },
  responseWireBytes: { kind: 'number' },
  contentType: { kind: 'text' },
  contentEncoding: { kind: 'text' },
  duration: { kind: 'number', absent: 'null' },
  upgrade: { kind: 'text' },
  truncated: { kind: 'flag' },
  missingBytes: { kind: 'number', absent: 'omit' },
  incomplete: { kind: 'flag' },
  streamId: { kind: 'number', absent: 'omit' },
  procName: { kind: 'text', absent: 'omit' },
  pid: { kind: 'number', absent: 'omit' },
};

type Field = keyof HttpExchangeRow;

/** Fields in row order; a field's absent bit is its position here. */
export const HTTP_ROW_FIELDS = Object.keys(FIELD_SPECS) as Field[];
const NUMBER_FIELDS = HTTP_ROW_FIELDS.filter((f) => FIELD_SPECS[f].kind !== 'text');
const TEXT_FIELDS = HTTP_ROW_FIELDS.filter((f) => FIELD_SPECS[f].kind === 'text');
const NN = NUMBER_FIELDS.length;
const NT = TEXT_FIELDS.length;

/** Where a field is: its absent bit, its kind and its slot among the row's numbers or texts. */
export interface HttpFieldRef {
  bit: number;
  kind: FieldSpec['kind'];
  slot: number;
  omit: boolean;
}

/** The place of field `f` (look it up once, read many cells with it). */
export function httpFieldRef(f: Field): HttpFieldRef {
  const spec = FIELD_SPECS[f];
  const slot = spec.kind === 'text' ? TEXT_FIELDS.indexOf(f) : NUMBER_FIELDS.indexOf(f);
  return { bit: HTTP_ROW_FIELDS.indexOf(f), kind: spec.kind, slot, omit: spec.absent === 'omit' };
}

const REFS = HTTP_ROW_FIELDS.map(httpFieldRef);

/**
 * Pack `rows` in order, stopping once the page passes `maxBytes` of structured clone (at least
 * one row is packed, so a reader always gets on).
 */
export function packHttpRows(rows: readonly HttpExchangeRow[], maxBytes = Infinity): PackedHttpRows {
  const numbers = new Float64Array(rows.length * NN);
  const absent = new Uint32Array(rows.length);
  const b = createPackedBuilder();
  let n = 0;
  for (; n < rows.length; n++) {
    if (n > 0 && packedBytes(b) + 8 * NN * n > maxBytes) break;
    const row = rows[n] as unknown as Record<string, unknown>;
    let bits = 0;
    for (let k = 0; k < REFS.length; k++) {
      const v = row[HTTP_ROW_FIELDS[k]];
      const ref = REFS[k];
      if (v === null || v === undefined) bits |= 1 << k;
      if (ref.kind === 'text') {
        packField(b);
        packValue(b, typeof v === 'string' ? v : '');
      } else {
        numbers[n * NN + ref.slot] = typeof v === 'number' ? v : v === true ? 1 : 0;
      }
    }
    absent[n] = bits;
  }
  return { n, numbers: numbers.slice(0, n * NN), texts: packedValues(b), absent: absent.slice(0, n) };
}

/** Field `ref` of row `i`: a number, a flag, a text, or null when absent. No object is made. */
export function httpCellAt(p: PackedHttpRows, i: number, ref: HttpFieldRef): number | string | boolean | null {
  if (p.absent[i] & (1 << ref.bit)) return null;
  if (ref.kind === 'text') return packedValueAt(p.texts, i * NT + ref.slot);
  const v = p.numbers[i * NN + ref.slot];
  return ref.kind === 'flag' ? v !== 0 : v;
}

/** Field `f` of row `i` (httpCellAt with the field looked up each time). */
export function httpCell(p: PackedHttpRows, i: number, f: Field): number | string | boolean | null {
  return httpCellAt(p, i, REFS[HTTP_ROW_FIELDS.indexOf(f)]);
}

/** Row `i` as the object httpPage gives unpacked (decoded when it is shown, not before). */
export function httpRowAt(p: PackedHttpRows, i: number): HttpExchangeRow {
  const row: Record<string, unknown> = {};
  const bits = p.absent[i];
  for (let k = 0; k < REFS.length; k++) {
    const ref = REFS[k];
    if (bits & (1 << k)) {
      if (!ref.omit) row[HTTP_ROW_FIELDS[k]] = null;
    } else row[HTTP_ROW_FIELDS[k]] = httpCellAt(p, i, ref);
  }
  return row as unknown as HttpExchangeRow;
}

/** Every row of a packed page (tests, and callers that want them all). */
export function httpRows(p: PackedHttpRows): HttpExchangeRow[] {
  const out: HttpExchangeRow[] = [];
  for (let i = 0; i < p.n; i++) out.push(httpRowAt(p, i));
  return out;
}
