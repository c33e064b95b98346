/**
 * File ▸ Export ▸ HTTP Archive (HAR)… and the HTTP view's "Export HAR" button: the exchanges
 * (those the HTTP view shows, when it is searched or filtered) as one HAR 1.2 file, fetched from
 * the engine page by page and saved as a download.
 */
import { harEntries, harText, type HarEntry } from '../../shared/har.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';

/** `capture.pcapng` → `capture.har`. */
export function harFileName(captureName: string): string {
  const base = captureName.replace(/\.gz$/i, '').replace(/\.(pcapng|pcap|cap|scap|strace|txt|log)$/i, '');
  return `${base || 'capture'}.har`;
}

export async function exportHar(
  session: Session,
  save: (name: string, parts: BlobPart[], type: string) => void,
  query: { filter?: string; search?: string } = {},
): Promise<number> {
  const c = session.client();
  if (!c) return 0;
  const title = 'Export HAR — ';
  try {
    const entries: HarEntry[] = [];
    for await (const e of harEntries(c, query)) entries.push(e);
    if (entries.length === 0) {
      useApp.setState({ keyNotice: { title, text: 'no HTTP exchanges to export (add a key log to decrypt HTTPS)', error: true } });
      return 0;
    }
    const name = harFileName(useApp.getState().fileName || 'capture');
    save(name, [...harText(entries, 'window', `exported by Tracelens from ${useApp.getState().fileName}`)], 'application/json');
    useApp.setState({ keyNotice: { title, text: `${entries.length} exchange${entries.length === 1 ? '' : 's'} saved as ${name}`, error: false } });
    return entries.length;
  } catch (e) {
    useApp.setState({ keyNotice: { title, text: e instanceof Error ? e.message : String(e), error: true } });
    return 0;
  }
}
