/**
 * TLS key logs in the window: recognising a dropped file as an NSS key log by its content, adding
 * it to the open capture, and refreshing what decryption changes (rows, HTTP view, follow pane)
 * without reopening the capture.
 */
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';

/** NSS key log labels (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/). */
const LABELS = [
  'CLIENT_RANDOM',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_',
  'SERVER_TRAFFIC_SECRET_',
  'EXPORTER_SECRET',
  'EARLY_EXPORTER_SECRET',
  'RSA',
];

/** True when the start of a file reads as a key log: its first meaningful line is a label or the SSLKEYLOGFILE comment. */
export function looksLikeKeylog(head: string): boolean {
  for (const raw of head.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^#\s*SSL\/TLS secrets log file/i.test(line)) return true;
    if (line.startsWith('#')) continue;
    const label = line.split(/\s+/)[0];
    return LABELS.some((l) => (l.endsWith('_') ? label.startsWith(l) && /^\d+$/.test(label.slice(l.length)) : label === l)) && /\s[0-9a-fA-F]{16,}/.test(line);
  }
  return false;
}

/** Read the first bytes of a dropped file and tell whether it is a key log. */
export async function fileIsKeylog(file: File): Promise<boolean> {
  if (file.size === 0 || file.size > 64 << 20) return false;
  const head = new TextDecoder('utf-8', { fatal: false }).decode(await file.slice(0, 4096).arrayBuffer());
  return looksLikeKeylog(head);
}

/** After new secrets: re-run the view (decrypted events change columns and filter results) and tell the panes. */
export async function refreshAfterKeys(session: Session): Promise<void> {
  const s = useApp.getState();
  useApp.setState({ keysVersion: s.keysVersion + 1 });
  if (s.view) await session.applyFilter(s.view.text);
  else session.rows()?.clear();
}

/** Add a key log (by host path or as text) to the open capture; reports in `keyNotice`. */
export async function addKeys(session: Session, source: { path: string } | { text: string }, name: string): Promise<boolean> {
  const c = session.client();
  if (!c) return false;
  try {
    const r = await c.call('addKeylog', source);
    const errs = r.errors.length ? `; ${r.errors.length} bad line${r.errors.length > 1 ? 's' : ''} (first: line ${r.errors[0].line}: ${r.errors[0].message})` : '';
    useApp.setState({ keyNotice: { text: `${name}: ${r.added} new secret${r.added === 1 ? '' : 's'} of ${r.lines}${errs}`, error: r.lines === 0 } });
    if (r.added > 0) await refreshAfterKeys(session);
    return r.lines > 0;
  } catch (e) {
    useApp.setState({ keyNotice: { text: `${name}: ${e instanceof Error ? e.message : String(e)}`, error: true } });
    return false;
  }
}

/** A dropped key log: by path on the desktop (the engine reads it), as text in browser mode. */
export async function addDroppedKeylog(session: Session, file: File): Promise<boolean> {
  const path = session.host.pathForFile(file);
  if (path) return addKeys(session, { path }, file.name);
  return addKeys(session, { text: await file.text() }, file.name);
}

/**
 * File → Export TLS Session Keys… (as Wireshark): the capture's secrets (added key logs and
 * pcapng Decryption Secrets Blocks) saved as an NSS key log `keys.txt`. With none, a notice says
 * so instead of saving an empty file. Returns the number of secret lines saved.
 */
export async function exportKeys(session: Session, save: (name: string, parts: BlobPart[], type: string) => void): Promise<number> {
  const c = session.client();
  if (!c) return 0;
  try {
    const text = await c.call('exportKeylog', null);
    const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).length;
    if (lines === 0) {
      useApp.setState({ keyNotice: { title: 'Export TLS Session Keys — ', text: 'no TLS session keys to export: add a key log first (or open a pcapng with Decryption Secrets Blocks)', error: true } });
      return 0;
    }
    save('keys.txt', [text], 'text/plain');
    useApp.setState({ keyNotice: { title: 'Export TLS Session Keys — ', text: `${lines} secret${lines === 1 ? '' : 's'} saved as keys.txt`, error: false } });
    return lines;
  } catch (e) {
    useApp.setState({ keyNotice: { title: 'Export TLS Session Keys — ', text: e instanceof Error ? e.message : String(e), error: true } });
    return 0;
  }
}

/**
 * A file picked with Open… or dropped: a key log (by content, whatever its name) goes to the
 * open capture; with no capture open it is not opened as one. Anything else opens as a capture.
 */
export async function openFileOrKeys(session: Session, file: File): Promise<void> {
  if (!(await fileIsKeylog(file))) {
    await session.open({ kind: 'file', file });
    return;
  }
  if (useApp.getState().phase === 'open') {
    await addDroppedKeylog(session, file);
    return;
  }
  useApp.setState({
    phase: 'error',
    error: { title: `${file.name} is a TLS key log, not a capture`, detail: 'Open the capture first, then add the key log: Add key log… or drop it on the open capture.', canReopen: false },
  });
}
