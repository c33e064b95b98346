import { readFileSync } from 'node:fs';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { addCaptureKeylog } from '../../electron/engine/tls/capture-tls.ts';
import { openSession, type CaptureSession } from '../../electron/engine/layers/session.ts';
import type { CryptoProfileName } from '../../electron/engine/tls/crypto.ts';
import { CORPUS } from '../engine/corpus.ts';

export { CORPUS };

/** A session's capture (layer fields in its dissect) with the session itself. */
export type SessionCapture = Capture & { session: CaptureSession };

/** Open a corpus capture in a capture session, with key logs and a crypto profile. */
export async function openTls(rel: string, keys: string[], profile: CryptoProfileName): Promise<SessionCapture> {
  const { capture, indexing } = await openCapture(`${CORPUS}/${rel}`);
  await indexing;
  const session = openSession(capture, { profile });
  const c: SessionCapture = Object.assign(session.capture, { session });
  for (const k of keys) {
    const r = addCaptureKeylog(c, { path: `${CORPUS}/${k}` });
    if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  }
  return c;
}

/** tshark -T fields style rows (tab-separated, occurrences joined by ',') of events matching `keep`. */
export function fieldRows(c: Capture, fields: string[], keep: (vals: string[][]) => boolean): string[] {
  const defs = fields.map((f) => {
    const d = fieldByName(f);
    if (!d) throw new Error(`no field ${f}`);
    return d;
  });
  const d = createDissection();
  const out: string[] = [];
  for (let ev = 1; ev <= c.count(); ev++) {
    c.dissect(ev, d);
    const vals = defs.map((f) => fieldStrings(d, f));
    if (keep(vals)) out.push(vals.map((v) => v.join(',')).join('\t'));
  }
  return out;
}

/** The output lines of the oracle section whose command contains `marker`. */
export function oracleSection(rel: string, marker: string): string[] {
  const text = readFileSync(`${CORPUS}/${rel}.oracle.txt`, 'utf8');
  const sections = text.split(/\n(?=### )/);
  const s = sections.find((x) => x.includes(marker));
  if (!s) throw new Error(`no oracle section with ${marker}`);
  const lines = s.split('\n');
  const cmd = lines.findIndex((l) => l.startsWith('$ '));
  return lines.slice(cmd + 1).filter((l) => l !== '');
}
