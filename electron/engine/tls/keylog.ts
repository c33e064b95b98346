/**
 * TLS secrets in the NSS key log format (the SSLKEYLOGFILE format written by NSS, OpenSSL,
 * BoringSSL, curl, browsers; described by NSS "Key Log Format" and
 * draft-ietf-tls-keylogfile): one `LABEL <client_random hex> <secret hex>` per line, `#`
 * comments and blank lines ignored. Secrets are kept per client random, which the ClientHello
 * of each connection carries, so one store serves TCP and syscall streams alike.
 *
 * Sources: key log files, key log text (drop / RPC), pcapng Decryption Secrets Blocks of type
 * TLS Key Log (0x544c534b, pcapng spec §4.7), and `FILE.keys` / `FILE.keylog` next to a capture.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Every secret the key log can hold for one connection (keyed by its client random). */
export interface SessionSecrets {
  /** TLS 1.2 and earlier: the 48-byte master secret (`CLIENT_RANDOM`). */
  master?: Uint8Array;
  clientEarly?: Uint8Array;
  clientHandshake?: Uint8Array;
  serverHandshake?: Uint8Array;
  /** `CLIENT_TRAFFIC_SECRET_N` / `SERVER_TRAFFIC_SECRET_N`, index N (0 = first). */
  clientTraffic: Uint8Array[];
  serverTraffic: Uint8Array[];
  exporter?: Uint8Array;
}

export interface KeylogError {
  line: number;
  message: string;
}

export interface KeyStore {
  /** Lower-case hex client random → secrets. */
  byRandom: Map<string, SessionSecrets>;
  /** `RSA <first 8 bytes of encrypted pre-master> <pre-master>` lines, kept for export. */
  rsa: Map<string, string>;
  /** Incremented whenever a secret is added: decryption caches compare it. */
  generation: number;
  /** Where keys came from (file paths, "pcapng DSB", "text"). */
  sources: string[];
  /**
   * TLS 1.2 pre-shared keys (Wireshark's `tls.psk`): sessions with a plain PSK cipher suite
   * derive their master secret from one (RFC 4279 §2).
   */
  psks: Uint8Array[];
}

export interface KeylogAddResult {
  /** Secrets that were new (or changed). */
  added: number;
  /** Secret lines seen (valid ones, including duplicates). */
  lines: number;
  errors: KeylogError[];
}

export function createKeyStore(): KeyStore {
  return { byRandom: new Map(), rsa: new Map(), generation: 0, sources: [], psks: [] };
}

/** Add a pre-shared key given in hex; false when it is not 1–64 bytes of hex. */
export function addPsk(store: KeyStore, hex: string): boolean {
  const h = hex.trim().toLowerCase();
  if (!/^([0-9a-f]{2}){1,64}$/.test(h)) return false;
  const key = Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  if (store.psks.some((k) => k.length === key.length && k.every((v, i) => v === key[i]))) return true;
  store.psks.push(key);
  store.sources.push('pre-shared key');
  store.generation++;
  return true;
}

type Slot = 'master' | 'clientEarly' | 'clientHandshake' | 'serverHandshake' | 'exporter';

/** Labels of the NSS key log format and the secret each one sets. */
const LABELS: Record<string, Slot> = {
  CLIENT_RANDOM: 'master',
  CLIENT_EARLY_TRAFFIC_SECRET: 'clientEarly',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  EXPORTER_SECRET: 'exporter',
};
/** Labels recognised but not used for decryption (no error, nothing stored). */
const IGNORED = new Set(['EARLY_EXPORTER_SECRET', 'CLIENT_HANDSHAKE_SECRET_0', 'ECH_SECRET', 'ECH_CONFIG']);

const HEX = /^[0-9a-fA-F]*$/;

function hexBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function secretsFor(store: KeyStore, random: string): SessionSecrets {
  let s = store.byRandom.get(random);
  if (!s) {
    s = { clientTraffic: [], serverTraffic: [] };
    store.byRandom.set(random, s);
  }
  return s;
}

/** Parse key log text into the store. Malformed lines are reported by (1-based) line number. */
export function addKeylogText(store: KeyStore, text: string, source = 'text'): KeylogAddResult {
  const res: KeylogAddResult = { added: 0, lines: 0, errors: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const label = parts[0];
    const err = (message: string): void => {
      res.errors.push({ line: i + 1, message });
    };
    if (parts.length !== 3) {
      err(`expected "LABEL <client random> <secret>", got ${parts.length} word${parts.length === 1 ? '' : 's'}`);
      continue;
    }
    const [, a, b] = parts;
    if (!HEX.test(a) || !HEX.test(b) || a.length % 2 !== 0 || b.length % 2 !== 0) {
      err(`${label}: values must be hex strings of even length`);
      continue;
    }
    if (label === 'RSA') {
      if (a.length !== 16 || b.length !== 96) {
        err('RSA: expected 8 bytes of encrypted pre-master secret and a 48-byte pre-master secret');
        continue;
      }
      res.lines++;
      if (store.rsa.get(a.toLowerCase()) !== b.toLowerCase()) res.added++;
      store.rsa.set(a.toLowerCase(), b.toLowerCase());
      continue;
    }
    if (IGNORED.has(label)) {
      res.lines++;
      continue;
    }
    if (a.length !== 64) {
      err(`${label}: the client random must be 32 bytes (64 hex digits), got ${a.length / 2}`);
      continue;
    }
    const secret = hexBytes(b);
    const random = a.toLowerCase();
    const traffic = /^(CLIENT|SERVER)_TRAFFIC_SECRET_(\d+)$/.exec(label);
    if (traffic) {
      if (secret.length !== 32 && secret.length !== 48) {
        err(`${label}: a traffic secret is 32 or 48 bytes, got ${secret.length}`);
        continue;
      }
      res.lines++;
      const s = secretsFor(store, random);
      const list = traffic[1] === 'CLIENT' ? s.clientTraffic : s.serverTraffic;
      const n = Number(traffic[2]);
      if (!sameBytes(list[n], secret)) {
        list[n] = secret;
        res.added++;
      }
      continue;
    }
    const slot = LABELS[label];
    if (!slot) {
      err(`unknown label ${label}`);
      continue;
    }
    if (slot === 'master' ? secret.length !== 48 : secret.length !== 32 && secret.length !== 48) {
      err(`${label}: unexpected secret length ${secret.length}`);
      continue;
    }
    res.lines++;
    const s = secretsFor(store, random);
    if (!sameBytes(s[slot], secret)) {
      s[slot] = secret;
      res.added++;
    }
  }
  if (res.added > 0) store.generation++;
  if (res.lines > 0 && !store.sources.includes(source)) store.sources.push(source);
  return res;
}

/** Read a key log file into the store. I/O errors come back as a line-0 error, never thrown. */
export function addKeylogFile(store: KeyStore, path: string): KeylogAddResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { added: 0, lines: 0, errors: [{ line: 0, message: `cannot read ${path}: ${(e as Error).message}` }] };
  }
  return addKeylogText(store, text, path);
}

/** pcapng Decryption Secrets Block secrets type "TLS Key Log" (pcapng spec §4.7). */
export const DSB_TLS_KEYLOG = 0x544c534b;

/** Add the TLS key logs carried in pcapng Decryption Secrets Blocks (other secret types skipped). */
export function addDsbSecrets(store: KeyStore, secrets: readonly { type: number; data: Uint8Array }[]): KeylogAddResult {
  const total: KeylogAddResult = { added: 0, lines: 0, errors: [] };
  const dec = new TextDecoder();
  secrets.forEach((s, i) => {
    if (s.type !== DSB_TLS_KEYLOG) return;
    const r = addKeylogText(store, dec.decode(s.data), 'pcapng Decryption Secrets Block');
    total.added += r.added;
    total.lines += r.lines;
    for (const e of r.errors) total.errors.push({ line: e.line, message: `DSB #${i + 1}: ${e.message}` });
  });
  return total;
}

/** Key log files conventionally stored next to a capture: `FILE.keys`, `FILE.keylog`. */
export function siblingKeylogs(capturePath: string): string[] {
  // FILE.keys / FILE.keylog, and the same beside the name without its extension(s), the way
  // people save them (capture.pcapng → capture.keys; capture.pcap.gz → capture.keys).
  const stems = [capturePath, capturePath.replace(/(\.(pcapng|pcap|cap|scap|strace|txt|log))?(\.gz)?$/i, '')];
  const names = stems.flatMap((s) => [`${s}.keys`, `${s}.keylog`]);
  return [...new Set(names)].filter((p) => p !== capturePath && existsSync(p));
}

/** The store as NSS key log text (e.g. to save the secrets embedded in a pcapng). */
export function exportKeylog(store: KeyStore): string {
  const out: string[] = [];
  const put = (label: string, random: string, v: Uint8Array | undefined): void => {
    if (v) out.push(`${label} ${random} ${toHex(v)}`);
  };
  for (const [random, s] of store.byRandom) {
    put('CLIENT_RANDOM', random, s.master);
    put('CLIENT_EARLY_TRAFFIC_SECRET', random, s.clientEarly);
    put('CLIENT_HANDSHAKE_TRAFFIC_SECRET', random, s.clientHandshake);
    put('SERVER_HANDSHAKE_TRAFFIC_SECRET', random, s.serverHandshake);
    s.clientTraffic.forEach((v, n) => put(`CLIENT_TRAFFIC_SECRET_${n}`, random, v));
    s.serverTraffic.forEach((v, n) => put(`SERVER_TRAFFIC_SECRET_${n}`, random, v));
    put('EXPORTER_SECRET', random, s.exporter);
  }
  for (const [enc, pms] of store.rsa) out.push(`RSA ${enc} ${pms}`);
  return out.length ? out.join('\n') + '\n' : '';
}
