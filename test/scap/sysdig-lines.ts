/** Helpers shared by the scap tests: open a corpus file and print events as `sysdig -r` does. */
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { openScap, isInternalEvent, type ScapCapture } from '../../electron/engine/readers/scap/open-scap.ts';
import { CORPUS } from '../engine/corpus.ts';

export const SCAP = `${CORPUS}/scap`;

export async function open(path: string): Promise<{ cap: ScapCapture; warnings: string[] }> {
  const warnings: string[] = [];
  const cap = await openScap(openCaptureSource(path), {}, warnings);
  return { cap, warnings };
}

/** `NUM HH:MM:SS.nnnnnnnnn CPU PROC (TID) DIR TYPE ARGS` (UTC), sysdig's default line; internal events skipped. */
export function sysdigLines(cap: ScapCapture): Map<number, string> {
  const out = new Map<number, string>();
  const cells: string[] = [];
  for (let e = 1; e <= cap.count(); e++) {
    if (isInternalEvent(cap.typeOf(e))) continue;
    cap.cells(e, cells);
    const [, time, cpu, proc, , tid, dir, type] = cells;
    const sec = Number(time.split('.')[0]);
    const d = new Date(sec * 1000);
    const hms = d.toISOString().slice(11, 19);
    out.set(e, `${e} ${hms}.${time.split('.')[1]} ${cpu} ${proc || '<NA>'} (${tid}) ${dir} ${type} ${cap.argsOf(e)}`);
  }
  return out;
}
