/**
 * Generate a large scap file by repeating the event blocks of a corpus capture (the header
 * blocks once), with timestamps shifted so time keeps increasing (bench/run.ts times it).
 * The source is sysdig-inspect's 502Error.scap (nginx, php-fpm and curl; 22,381 events), which
 * sysdig 0.29, the scap column's oracle, reads to its end. The Stratoshark capture
 * docker-curl-https.scap cannot be: written by libs 0.18+, it has fd types (pidfd: "wrong fd type
 * 21"), event types (newfstatat 418) and parameters (mmap's 10) sysdig 0.29 does not know, and
 * with the first two removed sysdig still crashes on the third.
 *   node --import tsx bench/make-scap.ts [events=3000000] [out=/tmp/tracelens-bench.scap]
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

const CORPUS = [resolve(import.meta.dirname, '../../shared/corpus'), '/work/shared/corpus'].find((p) => existsSync(p)) ?? '';
const SRC = resolve(CORPUS, 'scap/sysdig-inspect/502Error.scap');

/** Event block types whose layout is u16 cpu then the event header (scap_savefile.h EV_BLOCK_TYPE, _V2, _V2_LARGE). */
const EVENT_BLOCKS = new Set([0x204, 0x216, 0x221]);

/**
 * Write `target` event blocks (rounded up to whole repetitions unless `exact`) to `out`;
 * returns the number of event blocks written.
 */
export function makeScap(out: string, target: number, exact = false): number {
  const src = new Uint8Array(readFileSync(SRC));
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let p = 0;
  let firstEv = -1;
  while (p < src.length) {
    const t = dv.getUint32(p, true);
    if (firstEv < 0 && EVENT_BLOCKS.has(t)) firstEv = p;
    else if (firstEv >= 0 && !EVENT_BLOCKS.has(t)) throw new Error(`${SRC}: block type 0x${t.toString(16)} at byte ${p} among the events`);
    p += dv.getUint32(p + 4, true);
  }
  const head = src.subarray(0, firstEv);
  const body = src.slice(firstEv);
  const bdv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let perRound = 0;
  for (let q = 0; q < body.length; q += bdv.getUint32(q + 4, true)) perRound++;
  const rounds = Math.ceil(target / perRound);
  const fd = openSync(out, 'w');
  writeSync(fd, head);
  const SPAN = 20_000_000_000n; // each repetition 20 s later
  let written = 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      for (let q = 0; q < body.length; q += bdv.getUint32(q + 4, true)) {
        const ts = q + 8 + 2; // u16 cpu then u64 ts
        bdv.setBigUint64(ts, bdv.getBigUint64(ts, true) + SPAN, true);
      }
    }
    if (exact && written + perRound > target) {
      let q = 0;
      for (let k = 0; k < target - written; k++) q += bdv.getUint32(q + 4, true);
      writeSync(fd, body, 0, q);
      written = target;
      break;
    }
    writeSync(fd, body);
    written += perRound;
  }
  closeSync(fd);
  return written;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const target = Number(process.argv[2] ?? 3_000_000);
  const out = process.argv[3] ?? '/tmp/tracelens-bench.scap';
  console.log(`wrote ${out}: ${makeScap(out, target)} events`);
}
