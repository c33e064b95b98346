/**
 * Per-field agreement of our scap dissection with `sysdig -r FILE -p "%field ..."` (the golden
 * files test/golden/sysdig/*.tsv.gz written by scripts/make-golden-sysdig-fields.sh). Our values
 * are printed the way sysdig prints them: a field the event lacks is `<NA>`, booleans are
 * `true`/`false` (we print the filter language's 1/0, see docs/engine.md).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import '../../electron/engine/fields/all-fields.ts';
import type { ScapCapture } from '../../electron/engine/readers/scap/open-scap.ts';

export const GOLDEN_DIR = `${import.meta.dirname}/../golden/sysdig`;

export interface FieldDiff {
  num: number;
  type: string;
  want: string;
  got: string;
}

export interface FieldAgreement {
  field: string;
  same: number;
  total: number;
  diffs: FieldDiff[];
}

/** The oracle of one file: field names and one row of values per event number. */
export function readGolden(path: string): { fields: string[]; rows: Map<number, string[]> } {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  const fields = lines[0].split('\t');
  const rows = new Map<number, string[]>();
  for (const l of lines.slice(1)) {
    if (!l) continue;
    const cols = l.split('\t');
    rows.set(Number(cols[0]), cols);
  }
  return { fields, rows };
}

/** Our value of `field` on a dissected event, as sysdig prints it. */
function sysdigText(name: string, values: string[] | undefined, type: string | undefined): string {
  if (values === undefined || values.length === 0) return '<NA>';
  const v = values[0];
  if (type === 'bool') return v === '1' ? 'true' : 'false';
  void name;
  return v;
}

/**
 * The oracle's value with sysdig 0.29.3's one known misprint undone. Its group.gid is declared
 * PT_UINT64 (`sysdig --list-markdown`: "group.gid | UINT64") over libsinsp's 32-bit gid, so the
 * printer reads 4 more bytes of the thread info as the high half (4294967316 = 2^32 + 20, the
 * high half varying per thread, the low half always the stored gid); falcosecurity/libs later
 * declared it PT_UINT32 (sinsp_filtercheck_group.cpp). Only the low 32 bits are the gid.
 */
export function oracleValue(field: string, v: string): string {
  if (field === 'group.gid' && /^\d{10,}$/.test(v)) return String(BigInt(v) & 0xffffffffn);
  // PF_10_PADDED_DEC (printed with %09): the number is the field's value, the zeros are print format.
  if (PADDED.has(field) && /^\d+$/.test(v)) return String(BigInt(v));
  return v;
}

/** Fields sysdig prints zero-padded to 9 digits (libsinsp field tables: PF_10_PADDED_DEC). */
const PADDED = new Set(['evt.rawtime.ns', 'evt.reltime', 'evt.reltime.ns', 'evt.latency.ns', 'evt.deltatime.ns']);

/** Agreement per field over every event of the oracle. */
export function agreement(cap: ScapCapture, golden: { fields: string[]; rows: Map<number, string[]> }, only?: readonly string[]): FieldAgreement[] {
  const names = only ?? golden.fields;
  const out = names.map((field) => ({ field, same: 0, total: 0, diffs: [] as FieldDiff[] }));
  const col = names.map((n) => golden.fields.indexOf(n));
  const d = createDissection();
  for (const [num, row] of golden.rows) {
    cap.dissect(num, d);
    const type = row[golden.fields.indexOf('evt.type')] ?? '';
    for (let k = 0; k < names.length; k++) {
      // Falco's proc.aname[N] / proc.apid[N]: the Nth value of our multi-valued proc.aname / proc.apid.
      const m = /^(.*)\[(\d+)\]$/.exec(names[k]);
      const def = fieldByName(m ? m[1] : names[k]);
      const all = def ? fieldStrings(d, def) : undefined;
      const got = sysdigText(names[k], m ? all?.slice(Number(m[2]) - 1, Number(m[2])) : all, def?.type);
      const want = oracleValue(names[k], row[col[k]] ?? '');
      const a = out[k];
      a.total++;
      if (got === want) a.same++;
      else a.diffs.push({ num, type: `${row[golden.fields.indexOf('evt.dir')]} ${type}`, want, got });
    }
  }
  return out;
}
