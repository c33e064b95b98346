/**
 * Seeded damage to a capture's bytes, shared by the mutation tests. A case of the pipeline test
 * is reproduced from its seed alone:
 *   node --import tsx test/engine/mutate.ts CAPTURE SEED OUT
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rng } from '../../bench/make-pcap.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';

export type Mutation = { kind: string; at: number; data: Uint8Array };

/**
 * Truncation, a byte flip, a length-like field overwritten with a huge value, or a zeroed run,
 * at a random offset (or at `where`, then never a truncation).
 */
export function mutate(bytes: Uint8Array, r: () => number, where?: number): Mutation {
  const b = bytes.slice();
  const at = where ?? Math.floor(r() * b.length);
  const pick = where === undefined ? r() : 0.3 + 0.7 * r();
  if (pick < 0.3) return { kind: 'truncate', at, data: b.subarray(0, at) };
  if (pick < 0.6) {
    b[at] ^= 1 + Math.floor(r() * 255);
    return { kind: 'flip', at, data: b };
  }
  if (pick < 0.85) {
    // A length-like field overwritten with a huge or negative-looking value.
    const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff, 0][Math.floor(r() * 5)];
    for (let k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (v >>> (8 * k)) & 255;
    return { kind: 'length', at, data: b };
  }
  const n = 1 + Math.floor(r() * 64);
  b.fill(0, at, Math.min(b.length, at + n));
  return { kind: 'zero', at, data: b };
}

/** 1–3 stacked mutations (a truncation ends the stack): damage in several places at once. */
export function mutations(bytes: Uint8Array, r: () => number): Mutation {
  let m = mutate(bytes, r);
  let last = m.kind;
  const more = Math.floor(r() * 3);
  for (let k = 0; k < more && last !== 'truncate'; k++) {
    const next = mutate(m.data, r);
    last = next.kind;
    m = { kind: `${m.kind}+${next.kind}`, at: m.at, data: next.data };
  }
  return m;
}

/**
 * 1–4 mutations inside events' bytes past their first 40 (beyond record headers and, in
 * packets, mostly beyond the IP header): the container stays readable and the damage reaches
 * the layers above it (TCP payload, TLS records, HTTP, HTTP/2 frames, syscall arguments).
 */
export function payloadMutations(bytes: Uint8Array, events: { offset: number; length: number }[], r: () => number): Mutation {
  const inner = events.filter((e) => e.length > 48);
  if (inner.length === 0) return mutations(bytes, r);
  let m: Mutation | undefined;
  const count = 1 + Math.floor(r() * 4);
  for (let k = 0; k < count; k++) {
    const e = inner[Math.floor(r() * inner.length)];
    const at = e.offset + 40 + Math.floor(r() * (e.length - 40));
    const next = mutate(m?.data ?? bytes, r, Math.min(at, bytes.length - 1));
    m = m ? { kind: `${m.kind}+${next.kind}`, at: m.at, data: next.data } : { ...next, kind: `payload-${next.kind}` };
  }
  return m as Mutation;
}

/** Nearby xorshift seeds give correlated first outputs: skip a few. */
export function caseRng(seed: number): () => number {
  const r = rng(seed);
  for (let k = 0; k < 8; k++) r();
  return r;
}

/** The pipeline test's mutation for `seed`: odd seeds damage the container anywhere, even seeds the bytes of events. */
export function pipelineMutation(bytes: Uint8Array, events: { offset: number; length: number }[], seed: number): Mutation {
  return seed % 2 === 1 ? mutations(bytes, caseRng(seed)) : payloadMutations(bytes, events, caseRng(seed));
}

/** File ranges of every event of the intact capture. */
export async function eventRanges(path: string): Promise<{ offset: number; length: number }[]> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const out: { offset: number; length: number }[] = [];
  for (let e = 1; e <= capture.count(); e++) out.push(capture.range(e));
  capture.close();
  return out;
}

if (process.argv[1]?.endsWith('mutate.ts')) {
  const [path, seed, out] = process.argv.slice(2);
  if (!path || !seed || !out) throw new Error('usage: mutate.ts CAPTURE SEED OUT');
  const m = pipelineMutation(new Uint8Array(readFileSync(path)), await eventRanges(path), Number(seed));
  writeFileSync(out, m.data);
  console.log(`${m.kind}@${m.at}`);
}
