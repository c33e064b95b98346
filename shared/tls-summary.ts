/**
 * The TLS summary (CLI `tls FILE`; issue 14's "TLS summary"): per TLS connection its version,
 * cipher suite, SNI, ALPN and whether it was decrypted, and the totals by each — from the
 * engine's `tlsStreams` (the ClientHello's server_name, the ServerHello's suite, selected
 * version and ALPN: RFC 8446 §4.1.2–4.1.3, RFC 6066 §3, RFC 7301 §3.1).
 */
import type { TlsStreamInfo } from './rpc.ts';

/** TLS/SSL version numbers as Wireshark names them (ssl_versions, RFC 8446 §4.2.1). */
const VERSIONS: Readonly<Record<number, string>> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };

export function tlsVersionName(v: number | undefined): string {
  if (v === undefined) return '';
  return VERSIONS[v] ?? `0x${v.toString(16).padStart(4, '0')}`;
}

const hex4 = (v: number): string => `0x${v.toString(16).padStart(4, '0')}`;

export interface TlsSummaryRow {
  stream: string;
  version: string;
  /** The suite number as tshark's tls.handshake.ciphersuite prints it (0x1302), and its name when known. */
  cipherSuite: string;
  suiteName: string;
  sni: string;
  alpn: string;
  decrypted: boolean;
  /** The engine's status (decrypted, no-key, auth-failed, unsupported, no-encrypted-data) and its text. */
  status: string;
  statusText: string;
}

export interface TlsSummary {
  connections: TlsSummaryRow[];
  totals: { connections: number; decrypted: number; versions: Record<string, number>; suites: Record<string, number>; sni: Record<string, number>; alpn: Record<string, number>; status: Record<string, number> };
}

const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

export function tlsSummary(streams: readonly TlsStreamInfo[]): TlsSummary {
  const connections = streams.map((s): TlsSummaryRow => ({
    stream: s.stream,
    version: tlsVersionName(s.version),
    cipherSuite: s.cipherSuite !== undefined ? hex4(s.cipherSuite) : '',
    suiteName: s.suite ?? '',
    sni: s.sni ?? '',
    alpn: s.alpn ?? '',
    decrypted: s.status === 'decrypted',
    status: s.status,
    statusText: s.statusText,
  }));
  const totals: TlsSummary['totals'] = { connections: connections.length, decrypted: 0, versions: {}, suites: {}, sni: {}, alpn: {}, status: {} };
  for (const c of connections) {
    if (c.decrypted) totals.decrypted++;
    bump(totals.versions, c.version || '(no ServerHello)');
    bump(totals.suites, c.suiteName || c.cipherSuite || '(no ServerHello)');
    bump(totals.sni, c.sni || '(none)');
    bump(totals.alpn, c.alpn || '(none)');
    bump(totals.status, c.status);
  }
  return { connections, totals };
}

const TSV_COLUMNS = ['stream', 'version', 'cipherSuite', 'suiteName', 'sni', 'alpn', 'decrypted', 'status'] as const;

/** One line per connection, tab-separated, with a header. */
export function tlsSummaryTsv(s: TlsSummary): string {
  let t = `${TSV_COLUMNS.join('\t')}\n`;
  for (const c of s.connections) t += `${TSV_COLUMNS.map((k) => String(c[k])).join('\t')}\n`;
  return t;
}

/** The connections as a table, then the totals by version, suite, SNI, ALPN and decryption. */
export function tlsSummaryText(s: TlsSummary): string {
  const head = ['Stream', 'Version', 'Cipher suite', 'SNI', 'ALPN', 'Decrypted'];
  const rows = s.connections.map((c) => [c.stream, c.version, c.suiteName ? `${c.suiteName} (${c.cipherSuite})` : c.cipherSuite, c.sni, c.alpn, c.decrypted ? 'yes' : `no: ${c.statusText}`]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]): string => `${cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]))).join('  ')}\n`;
  let t = `TLS connections: ${s.totals.connections}, decrypted: ${s.totals.decrypted}\n\n${line(head)}`;
  for (const r of rows) t += line(r);
  const section = (title: string, m: Record<string, number>): string => {
    const entries = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return `\n${title}:\n${entries.map(([k, n]) => `  ${String(n).padStart(6)}  ${k}\n`).join('')}`;
  };
  t += section('Versions', s.totals.versions) + section('Cipher suites', s.totals.suites) + section('SNI', s.totals.sni) + section('ALPN', s.totals.alpn) + section('Decryption', s.totals.status);
  return t;
}
