/**
 * The rows the timeline pane draws (TimelinePane.tsx) from a connection's entries
 * (sets/timeline.ts): every landmark (SYN/FIN/RST, an HTTP message, a failed call, the socket's
 * open and close) on its own row, and each stretch between two landmarks folded into one row
 * that counts what each lane did ("write ×9 147 654 B" · "→ 9 segments" · "← 3 ACKs"). So a
 * long upload reads as its story: write … write (413 arrives) … write → EPIPE.
 */
import type { TimelineEntry } from '../../shared/rpc.ts';

/** The three lanes: the client's syscalls, the wire, the server's syscalls. */
export type Lane = 'client' | 'wire' | 'server';

export type TimelineRow =
  | { kind: 'entry'; entry: TimelineEntry }
  | { kind: 'run'; entries: TimelineEntry[]; lanes: Record<Lane, string> };

/** A stretch shorter than this is shown entry by entry. */
export const MIN_RUN = 3;

export function laneOf(e: TimelineEntry): Lane {
  if (e.kind === 'packet') return 'wire';
  return e.side === 0 ? 'client' : 'server';
}

/** `147654` → `147 654` (thin grouping, as the follow pane's counters). */
export function bytesText(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** One entry as its lane shows it. */
export function entryText(e: TimelineEntry): string {
  if (e.kind === 'packet') {
    const arrow = e.dir === 0 ? '→' : '←';
    // TCP's Info starts with its ports; a TLS or HTTP row's does not say what it is.
    return /^(TCP|UDP)$/.test(e.what) || e.text.startsWith(e.what) ? `${arrow} ${e.text}` : `${arrow} ${e.what}: ${e.text}`;
  }
  if (e.mark === 'error') return `${e.what} ${e.text}`;
  return e.bytes > 0 ? `${e.what} ${bytesText(e.bytes)} B` : `${e.what} ${e.text}`.trim();
}

/** What one lane did in a stretch: syscalls by name, packets by direction (data / pure ACKs). */
function summarise(entries: TimelineEntry[], lane: Lane): string {
  const mine = entries.filter((e) => laneOf(e) === lane);
  if (mine.length === 0) return '';
  if (lane !== 'wire') {
    const by = new Map<string, { n: number; bytes: number }>();
    for (const e of mine) {
      const s = by.get(e.what) ?? { n: 0, bytes: 0 };
      s.n++;
      s.bytes += e.bytes;
      by.set(e.what, s);
    }
    return [...by].map(([what, s]) => `${what} ×${s.n}${s.bytes > 0 ? ` ${bytesText(s.bytes)} B` : ''}`).join(' · ');
  }
  const parts: string[] = [];
  for (const dir of [0, 1] as const) {
    const d = mine.filter((e) => e.dir === dir);
    const data = d.filter((e) => e.bytes > 0);
    const acks = d.length - data.length;
    const arrow = dir === 0 ? '→' : '←';
    if (data.length > 0) parts.push(`${arrow} ${data.length} segment${data.length > 1 ? 's' : ''} ${bytesText(data.reduce((a, e) => a + e.bytes, 0))} B`);
    if (acks > 0) parts.push(`${arrow} ${acks} ACK${acks > 1 ? 's' : ''}`);
  }
  return parts.join(' · ');
}

/** The lanes worth a column: the wire, and each side that has syscalls. */
export function lanesOf(entries: TimelineEntry[]): Lane[] {
  const has = new Set(entries.map(laneOf));
  return (['client', 'wire', 'server'] as Lane[]).filter((l) => l === 'wire' || has.has(l));
}

export function timelineRows(entries: TimelineEntry[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let run: TimelineEntry[] = [];
  const flush = (): void => {
    if (run.length >= MIN_RUN) rows.push({ kind: 'run', entries: run, lanes: { client: summarise(run, 'client'), wire: summarise(run, 'wire'), server: summarise(run, 'server') } });
    else for (const e of run) rows.push({ kind: 'entry', entry: e });
    run = [];
  };
  for (const e of entries) {
    if (e.mark === '') {
      run.push(e);
      continue;
    }
    flush();
    rows.push({ kind: 'entry', entry: e });
  }
  flush();
  return rows;
}
