/**
 * strace line-pass benchmark: index a large log (bench/make-strace.ts) and report MB/s,
 * events/s and index bytes per event. Usage: node --import tsx bench/strace.ts [file]
 */
import { statSync } from 'node:fs';
import { openCaptureSource } from '../electron/engine/io/capture-source.ts';
import { openStrace } from '../electron/engine/readers/strace/open-strace.ts';

const path = process.argv[2] ?? '/tmp/tracelens-strace-big.txt';
const size = statSync(path).size;
const warnings: string[] = [];
const t0 = performance.now();
const c0 = process.cpuUsage();
const cap = await openStrace(openCaptureSource(path), {}, warnings);
const s = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
const n = cap.count();
// the machine is shared: CPU time shows the speed without other processes' contention
const heap = process.memoryUsage();
console.log(`strace: ${(size / 1e6).toFixed(0)} MB, ${n} events in ${s.toFixed(2)} s = ${(size / 1e6 / s).toFixed(0)} MB/s wall (${(size / 1e6 / cpu).toFixed(0)} MB/s of CPU time), ${(n / s / 1e6).toFixed(2)} M events/s; heap ${(heap.heapUsed / 1e6).toFixed(0)} MB + arrays ${(heap.arrayBuffers / 1e6).toFixed(0)} MB; warnings ${warnings.length}`);
cap.close();
