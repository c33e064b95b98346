/** Time the scap index pass on an existing file: node --import tsx bench/scap.ts FILE */
import { openCaptureSource } from '../electron/engine/io/capture-source.ts';
import { openScap } from '../electron/engine/readers/scap/open-scap.ts';

const file = process.argv[2] ?? '/tmp/tracelens-bench.scap';
const warnings: string[] = [];
const t0 = performance.now();
const cap = await openScap(openCaptureSource(file), {}, warnings);
const ms = performance.now() - t0;
const n = cap.count();
console.log(`scap index pass: ${n} events in ${(ms / 1000).toFixed(2)} s = ${((n / ms) * 1000 / 1e6).toFixed(2)} M events/s; warnings ${warnings.length}; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
cap.close();
