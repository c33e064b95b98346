/** Expert Information grouped for the pane: one section per severity, as Wireshark's dialog. */
import { EXPERT_SEVERITIES, type ExpertEntry, type ExpertSeverity } from '../../shared/rpc.ts';

export interface ExpertSection {
  severity: ExpertSeverity;
  /** Wireshark's label for the severity. */
  title: string;
  /** Entries (frames) in the section. */
  total: number;
  entries: ExpertEntry[];
}

const TITLES: Record<ExpertSeverity, string> = { error: 'Error', warning: 'Warning', note: 'Note', chat: 'Chat' };

/** Sections for the severities that have entries, most severe first; entries keep the engine's order. */
export function expertSections(entries: readonly ExpertEntry[]): ExpertSection[] {
  const out: ExpertSection[] = [];
  for (const severity of EXPERT_SEVERITIES) {
    const list = entries.filter((e) => e.severity === severity);
    if (list.length === 0) continue;
    out.push({ severity, title: TITLES[severity], total: list.reduce((n, e) => n + e.count, 0), entries: list });
  }
  return out;
}

/** A stable key for an entry (its severity, group, protocol and summary). */
export function entryKey(e: ExpertEntry): string {
  return `${e.severity}|${e.group}|${e.protocol}|${e.summary}`;
}
