/**
 * Goldens for decrypted HTTP (tshark 4.0.17), run from the repo root:
 *   node --import tsx scripts/make-golden-https.ts [CORPUS]
 * - test/http/golden-tls/NAME.tsv: the http.* fields of HTTP/1.x over TLS, as
 *   scripts/make-golden-http.sh writes them for plaintext (two-pass, out-of-order reassembly).
 * - test/http2/golden/NAME.jsonl: one line per HTTP/2 stream that carried a request or response,
 *   read from tshark's PDML: the frames of the request and (final) response HEADERS, the
 *   pseudo-headers, content-type, and DATA bytes per direction (frame length minus padding).
 * NAME is the capture's corpus path with `/` → `__`; KEYS says which key log each used.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const FIELDS = ['frame.number', 'http.request.method', 'http.request.uri', 'http.request.version', 'http.response.version', 'http.response.code',
  'http.response.phrase', 'http.host', 'http.user_agent', 'http.content_type', 'http.content_length', 'http.content_encoding',
  'http.request_in', 'http.response_in', 'http.time'];

/** Capture → key logs (corpus paths) and extra tshark options. */
export const HTTP1_TLS: [string, string[], string[]][] = [
  ['pcap/generated/gen-tls13-http11-nsec.pcap', ['keys/generated/gen-tls13-http11.keys'], []],
  ['pcapng/generated/gen-tls12-http11.pcapng', ['keys/generated/gen-tls12-http11.keys'], []],
  ['pcapng/wireshark/tls12-dsb.pcapng', [], []],
];
export const HTTP2: [string, string[], string[]][] = [
  ['pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys'], []],
  ['pcap/generated/gen-tls12-h2.pcap', ['keys/generated/gen-tls12-h2.keys'], []],
  ['pcapng/generated/gen-tls13-h2-dsb.pcapng', [], []],
  ['pcapng/generated/gen-strace-curl-tls13-h2.pcapng', ['keys/generated/gen-strace-curl-tls13-h2.keys'], []],
  ['pcap/wireshark/http2-data-reassembly.pcap', ['keys/wireshark/http2-data-reassembly.keys'], ['-d', 'tcp.port==8443,tls']],
  ['pcapng/wireshark/http2_follow_multistream.pcapng', [], []],
  ['pcapng/wireshark/http2-brotli.pcapng', [], []],
  // tshark 4.0 needs decode-as for port 3000 (h2 draft 14, no TLS); we see the preface.
  ['pcapng/wireshark/packet-h2-14_headers.pcapng', [], ['-d', 'tcp.port==3000,http2']],
];

function tshark(file: string, keys: string[], extra: string[], args: string[]): string {
  const k = keys.length ? ['-o', `tls.keylog_file:${join(CORPUS, keys[0])}`] : [];
  return execFileSync('tshark', ['-n', '-r', join(CORPUS, file), ...k, ...extra, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
}

const nameOf = (f: string): string => f.replaceAll('/', '__');

interface H2Frame { type: number; streamId: number; length: number; padded: boolean; pad: number; headers: [string, string][] }
interface Golden {
  tcpStream: number; streamId: number; method: string | null; path: string | null; authority: string | null; status: number | null;
  contentType: string | null; requestFrame: number | null; responseFrame: number | null; requestDataBytes: number; responseDataBytes: number;
}

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function http2Golden(file: string, keys: string[], extra: string[]): Golden[] {
  // Out-of-order segments reassembled, as our TCP layer does (off by default in tshark 4.0).
  const pdml = tshark(file, keys, extra, ['-2', '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'http2', '-T', 'pdml']);
  const out = new Map<string, Golden>();
  const clientPort = new Map<number, number>();
  for (const pkt of pdml.split('<packet>').slice(1)) {
    let frame = 0;
    let tcpStream = -1;
    let src = -1;
    const frames: H2Frame[] = [];
    let cur: H2Frame | undefined;
    let hname: string | undefined;
    for (const m of pkt.matchAll(/<field name="([^"]+)"[^>]*?show="([^"]*)"/g)) {
      const [, name, raw] = m;
      const show = unescapeXml(raw);
      if (name === 'frame.number') frame = Number(show);
      else if (name === 'tcp.stream') tcpStream = Number(show);
      else if (name === 'tcp.srcport') src = Number(show);
      else if (name === 'http2.stream') frames.push((cur = { type: -1, streamId: -1, length: 0, padded: false, pad: 0, headers: [] }));
      else if (!cur) continue;
      else if (name === 'http2.type') cur.type = Number(show);
      else if (name === 'http2.streamid') cur.streamId = Number(show);
      else if (name === 'http2.length') cur.length = Number(show);
      else if (name === 'http2.flags.padded') cur.padded = show === '1' || show === 'True';
      else if (name === 'http2.pad_length') cur.pad = Number(show);
      else if (name === 'http2.header.name') hname = show;
      else if (name === 'http2.header.value' && hname !== undefined) {
        cur.headers.push([hname, show]);
        hname = undefined;
      }
    }
    for (const f of frames) {
      const key = `${tcpStream}/${f.streamId}`;
      const get = (): Golden => {
        let g = out.get(key);
        if (!g) {
          g = { tcpStream, streamId: f.streamId, method: null, path: null, authority: null, status: null, contentType: null, requestFrame: null, responseFrame: null, requestDataBytes: 0, responseDataBytes: 0 };
          out.set(key, g);
        }
        return g;
      };
      const h = (n: string): string | undefined => f.headers.find(([k]) => k === n)?.[1];
      if (f.type === 1) {
        if (h(':method') !== undefined) {
          const g = get();
          if (g.requestFrame === null) {
            g.requestFrame = frame;
            g.method = h(':method') ?? null;
            g.path = h(':path') ?? null;
            g.authority = h(':authority') ?? null;
            if (!clientPort.has(tcpStream)) clientPort.set(tcpStream, src);
          }
        } else if (h(':status') !== undefined && !/^1\d\d$/.test(h(':status') ?? '')) {
          const g = get();
          if (g.responseFrame === null) {
            g.responseFrame = frame;
            g.status = Number(h(':status'));
            g.contentType = h('content-type') ?? null;
          }
        }
      } else if (f.type === 0 && f.streamId > 0) {
        const g = get();
        const n = f.length - (f.padded ? f.pad + 1 : 0);
        if (src === clientPort.get(tcpStream)) g.requestDataBytes += n;
        else g.responseDataBytes += n;
      }
    }
  }
  return [...out.values()].filter((g) => g.requestFrame !== null || g.responseFrame !== null);
}

function main(): void {
  const t1 = 'test/http/golden-tls';
  mkdirSync(t1, { recursive: true });
  for (const [f, keys, extra] of HTTP1_TLS) {
    const text = tshark(f, keys, extra, ['-2', '-o', 'tcp.reassemble_out_of_order:TRUE', '-Y', 'http.request or http.response', '-T', 'fields', ...FIELDS.flatMap((x) => ['-e', x])]);
    writeFileSync(join(t1, `${nameOf(f)}.tsv`), text);
  }
  const t2 = 'test/http2/golden';
  mkdirSync(t2, { recursive: true });
  for (const [f, keys, extra] of HTTP2) {
    writeFileSync(join(t2, `${nameOf(f)}.jsonl`), http2Golden(f, keys, extra).map((g) => JSON.stringify(g)).join('\n') + '\n');
  }
  writeFileSync(join(t2, 'KEYS.json'), `${JSON.stringify({ http1: HTTP1_TLS, http2: HTTP2 }, null, 1)}\n`);
}

main();
