/**
 * Generate a large strace log for the strace line-pass benchmark: the bodies of the corpus
 * logs' lines (prefix and timestamp stripped by the real line parser) re-emitted in the
 * `-f -tt` form `PID HH:MM:SS.uuuuuu body`, with increasing times, until the size is reached.
 * Usage: node --import tsx bench/make-strace.ts [out=/tmp/tracelens-strace-big.txt] [MB=500]
 */
import { closeSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { createLine, Kind, parseLine } from '../electron/engine/readers/strace/line.ts';

const out = process.argv[2] ?? '/tmp/tracelens-strace-big.txt';
const targetMb = Number(process.argv[3] ?? 500);
const dirs = ['../shared/corpus/strace/public', '../shared/corpus/strace/generated'].map((d) => new URL(`../${d}`, import.meta.url).pathname);

const bodies: Buffer[] = [];
const bodyPid: number[] = [];
const L = createLine();
for (const dir of dirs) {
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.oracle.txt') || f.includes('LICENSE')) continue;
    const b = readFileSync(`${dir}/${f}`);
    let p = 0;
    while (p < b.length) {
      let nl = b.indexOf(10, p);
      if (nl < 0) nl = b.length;
      parseLine(b, p, nl, L);
      if (L.kind !== Kind.Text && L.kind !== Kind.Empty && L.kind !== Kind.Stack && L.kind !== Kind.HexDump && L.kind !== Kind.Attached) {
        bodies.push(b.subarray(L.bodyStart, nl));
        bodyPid.push(4242 + (L.tid >= 0 ? L.tid % 7 : 0) + 10 * dirs.indexOf(dir) + f.length);
      }
      p = nl + 1;
    }
  }
}

const fd = openSync(out, 'w');
const block = Buffer.alloc(8 << 20);
let used = 0;
let total = 0;
let us = 0;
const two = (n: number): string => String(n).padStart(2, '0');
outer: for (;;) {
  for (let i = 0; i < bodies.length; i++) {
    us += 7;
    const sec = Math.floor(us / 1e6);
    const head = `${bodyPid[i]} ${two(Math.floor(sec / 3600) % 24)}:${two(Math.floor(sec / 60) % 60)}:${two(sec % 60)}.${String(us % 1e6).padStart(6, '0')} `;
    const body = bodies[i];
    const need = head.length + body.length + 1;
    if (used + need > block.length) {
      writeSync(fd, block, 0, used);
      total += used;
      used = 0;
      if (total >= targetMb * 1e6) break outer;
    }
    used += block.write(head, used, 'latin1');
    used += body.copy(block, used);
    block[used++] = 10;
  }
}
if (used > 0) {
  writeSync(fd, block, 0, used);
  total += used;
}
closeSync(fd);
console.log(`${out}: ${(total / 1e6).toFixed(0)} MB from ${bodies.length} corpus lines`);
