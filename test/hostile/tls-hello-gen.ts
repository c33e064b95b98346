/**
 * Hostile ClientHellos for the TLS hello filter (tls/hello-filter.ts): each case is one TCP
 * connection whose client opens with a broken ClientHello and whose server answers with a
 * well-formed TLS 1.3 ServerHello (supported_versions 0x0304, RFC 8446 §4.2.1), a
 * ChangeCipherSpec and records of application data (content type 23, RFC 8446 §5.1; their
 * bytes are not a real ciphertext: no key decrypts them). Layouts: RFC 8446 §4.1.2 (ClientHello),
 * §4 (Handshake header), RFC 6066 §3 (server_name).
 */
import type { Turn } from './pcap.ts';
import { rng } from './filter-gen.ts';

const enc = new TextEncoder();

const u16 = (n: number): number[] => [(n >> 8) & 255, n & 255];
const u24 = (n: number): number[] => [(n >> 16) & 255, (n >> 8) & 255, n & 255];
const vec16 = (b: number[]): number[] => [...u16(b.length), ...b];
const ext = (type: number, body: number[]): number[] => [...u16(type), ...vec16(body)];
/** A TLS record (§5.1) with the length given, or its true length. */
const record = (type: number, body: number[], length = body.length): number[] => [type, 3, 3, ...u16(length), ...body];
/** A Handshake message (§4) with the length given, or its true length. */
const handshake = (type: number, body: number[], length = body.length): number[] => [type, ...u24(length), ...body];

const sniExt = (host: string): number[] => {
  const h = [...enc.encode(host)];
  return ext(0, vec16([0, ...u16(h.length), ...h]));
};

/** The usual TLS 1.3 offer's extensions: SNI, supported_groups, supported_versions, key_share. */
function extensions(sni: number[]): number[] {
  return [...sni, ...ext(10, vec16([0x00, 0x1d])), ...ext(43, [2, 0x03, 0x04]), ...ext(51, vec16([0x00, 0x1d, ...u16(32), ...new Array<number>(32).fill(7)]))];
}

/** ClientHello body up to (without) the extensions block: version, random, session id, suites, compression. */
const helloHead = (): number[] => [3, 3, ...new Array<number>(32).fill(1), 32, ...new Array<number>(32).fill(2), ...vec16([0x13, 0x01]), 1, 0];

const goodHello = (sni = sniExt('hostile.test')): number[] => handshake(1, [...helloHead(), ...vec16(extensions(sni))]);

function serverFlight(): number[] {
  const exts = [...ext(43, [0x03, 0x04]), ...ext(51, [0x00, 0x1d, ...u16(32), ...new Array<number>(32).fill(9)])];
  const sh = handshake(2, [3, 3, ...new Array<number>(32).fill(3), 32, ...new Array<number>(32).fill(2), 0x13, 0x01, 0, ...vec16(exts)]);
  return [...record(22, sh), ...record(20, [1]), ...record(23, new Array<number>(60).fill(0x5a))];
}

export interface HelloCase {
  name: string;
  /** The client's first flight (the broken ClientHello and what follows it). */
  client: number[];
}

/** The cases: a good hello first (the reference), then one lie each. */
export function helloCases(): HelloCase[] {
  const body = goodHello().slice(4);
  const exts = extensions(sniExt('hostile.test'));
  return [
    { name: 'well-formed', client: record(22, goodHello()) },
    { name: 'zero-length SNI host name', client: record(22, goodHello(sniExt(''))) },
    { name: 'empty server_name extension', client: record(22, goodHello(ext(0, []))) },
    { name: 'server_name list longer than the extension', client: record(22, goodHello(ext(0, [...u16(200), 0, ...u16(4), 0x61, 0x62, 0x63, 0x64]))) },
    { name: 'host name longer than the list', client: record(22, goodHello(ext(0, vec16([0, ...u16(300), 0x61, 0x62])))) },
    { name: 'extensions block longer than the hello', client: record(22, handshake(1, [...helloHead(), ...u16(exts.length + 500), ...exts])) },
    { name: 'one extension longer than the block', client: record(22, handshake(1, [...helloHead(), ...vec16([...exts, ...u16(21), ...u16(9000), 1, 2, 3])])) },
    { name: 'session id longer than the hello', client: record(22, handshake(1, [3, 3, ...new Array<number>(32).fill(1), 255, 1, 2, 3])) },
    { name: 'handshake longer than its record, then application data', client: [...record(22, handshake(1, body, body.length + 4000)), ...record(23, new Array<number>(40).fill(0x11))] },
    { name: 'handshake longer than the stream', client: record(22, handshake(1, body, 0xffffff)) },
    { name: 'record longer than the stream', client: record(22, goodHello(), 16000) },
    { name: 'record of length 0', client: [...record(22, []), ...record(22, goodHello())] },
    { name: 'hello cut after the random', client: record(22, handshake(1, [3, 3, ...new Array<number>(32).fill(1)])) },
    { name: 'handshake header cut', client: record(22, [1, 0]) },
  ];
}

/** A case as the turns of one TCP connection: the client's flight, the server's, client data. */
export function helloTurns(c: HelloCase): Turn[] {
  return [
    { dir: 0, bytes: Uint8Array.from(c.client) },
    { dir: 1, bytes: Uint8Array.from(serverFlight()) },
    { dir: 0, bytes: Uint8Array.from(record(23, new Array<number>(80).fill(0x33))) },
  ];
}

/**
 * `n` good hellos each broken at random: a length byte of the record, handshake, session id,
 * extensions block, an extension or the SNI list set to a random value, or the record cut.
 */
export function mutatedHelloCases(n: number, seed: number): HelloCase[] {
  const rnd = rng(seed);
  const good = record(22, goodHello());
  // Offsets of the length fields in `good`: record (3), handshake (6), session id (43), cipher
  // suites (76), compression (80), extensions block (82), SNI extension (86), its list (88), host name (91).
  const lengths = [3, 4, 6, 7, 8, 43, 76, 77, 80, 82, 83, 86, 87, 88, 89, 91, 92];
  const out: HelloCase[] = [];
  for (let i = 0; i < n; i++) {
    const b = [...good];
    const what = Math.floor(rnd() * 3);
    if (what === 2) b.length = 1 + Math.floor(rnd() * (b.length - 1));
    else {
      const at = lengths[Math.floor(rnd() * lengths.length)];
      b[at] = what === 0 ? Math.floor(rnd() * 256) : [0, 1, 0xff][Math.floor(rnd() * 3)];
    }
    out.push({ name: `mutation ${i}`, client: b });
  }
  return out;
}
