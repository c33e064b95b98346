/**
 * `stats` against tshark 4.0.17 (goldens: test/golden/stats/*.txt, scripts/make-golden-stats.ts):
 * on every corpus pcap/pcapng capture, conv and endpoints tables print exactly as
 * `tshark -n -q -z NAME` prints them, and the protocol hierarchy has the same numbers once the
 * protocols tracelens does not name in frame.protocols are mapped as below. Every other
 * difference fails, and a listed one that no longer differs fails too (the lists only shrink).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PhsNode } from '../../shared/stats.ts';
import { CORPUS } from '../engine/corpus.ts';
import { GOLDEN, goldenTables, ourTables } from './stats-golden.ts';

/** Conversation/endpoint tables that differ: capture → statistics, and why. */
const KNOWN: Record<string, { stats: string[]; why: string }> = {
  'pcap/tcpdump-tests/heapoverflow-tcp_print.pcap': {
    stats: ['conv,tcp', 'endpoints,tcp'],
    why: 'its one TCP header is damaged: tshark throws before the TCP tap runs, the engine still numbers it as tcp.stream 0',
  },
  'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng': {
    stats: ['conv,ip', 'conv,udp', 'conv,tcp', 'endpoints,ip', 'endpoints,udp', 'endpoints,tcp'],
    why: 'tshark decrypts WireGuard with the keys in the file and counts the tunnelled IP/TCP/UDP; the engine has no WireGuard dissector',
  },
};

/**
 * io,phs: protocols tshark names that tracelens shows as `data` (tshark's node, with everything
 * under it, becomes one `data` node): not dissected here. Under a layer tracelens names (tls,
 * http, http2: layers/layer-tree.ts), they are dropped instead: frame.protocols ends at that layer
 * (no body dissectors such as data-text-lines, media, png).
 */
const APP_LAYERS = new Set(['tls', 'http', 'http2']);
const SHOWN_AS_DATA = new Set([
  'dtls', 'websocket', 'data-text-lines', 'media', 'xml', 'png', 'mime_multipart', 'grpc', 'protobuf', 'git',
  'db-lsp-disc', 'sctp', 'm3ua', 'pptp', 'gre', 'quic', 'gquic', 'ssdp', 'nbns', 'nbdgm', 'smb', 'igmp', 'sip', 'wg',
]);
/**
 * io,phs: tshark's nodes with no counterpart, dropped (their children move up): the reassembly
 * items (tcp.segments, tls.segments) and the expert items _ws.short (frame cut by the snap length)
 * and _ws.malformed, which tracelens reports on the frame instead of as a protocol.
 */
const NOT_LAYERS = new Set(['tcp.segments', 'tls.segments', '_ws.short', '_ws.malformed']);
/**
 * io,phs residues after the mapping: capture → why. REASSEMBLY: tshark dissects a PDU spread
 * over TCP segments in its last frame, so the earlier frames (and retransmitted or out-of-order
 * bytes) end at `tcp`; frame.protocols here is per frame, without reassembly, and shows their
 * payload as `data`.
 */
const REASSEMBLY = 'TCP segments of a PDU that tshark reassembles end at tcp in tshark; here each shows its payload as data';
/**
 * Since the stream layers name tls/http/http2 in frame.protocols (layers/layer-tree.ts): tshark
 * counts a layer on the frame completing its reassembled PDU, under tcp.segments, and names the
 * upgrade (websocket) and body dissectors; the layers here count each frame carrying a record or
 * completing a message. Per-node counts differ on these captures (open: issue 12/14).
 */
const LAYER_COUNTS = 'tls/http/http2 counted per frame carrying a record or completing a message; tshark counts reassembled PDUs and names bodies/upgrades';
const KNOWN_PHS: Record<string, string> = {
  'pcap/generated/gen-tls12-h2.pcap': LAYER_COUNTS,
  'pcap/wireshark/retrans-tls.pcap': LAYER_COUNTS,
  'pcap/wireshark/rsasnakeoil2.pcap': LAYER_COUNTS,
  'pcap/wireshark/tls13-20-chacha20poly1305.pcap': LAYER_COUNTS,
  'pcapng/generated/gen-strace-curl-tls13-h2.pcapng': LAYER_COUNTS,
  'pcapng/generated/gen-tls12-http11.pcapng': LAYER_COUNTS,
  'pcapng/generated/gen-tls13-h2-dsb.pcapng': LAYER_COUNTS,
  'pcapng/generated/gen-tls13-h2.pcapng': LAYER_COUNTS,
  'pcapng/wireshark/http2-brotli.pcapng': LAYER_COUNTS,
  'pcapng/wireshark/quic-with-secrets.pcapng': LAYER_COUNTS,
  'pcapng/wireshark/tls12-dsb.pcapng': LAYER_COUNTS,

  'pcap/tcpdump-tests/pptp.pcap': `${REASSEMBLY} (2 PPTP control frames)`,
  'pcap/wireshark/http-ooo.pcap': REASSEMBLY,
  'pcap/wireshark/http-ooo2.pcap': REASSEMBLY,
  'pcap/wireshark/http2-data-reassembly.pcap': REASSEMBLY,
  'pcap/wireshark/tcp-badsegments.pcap': REASSEMBLY,
  'pcap/wireshark/tls-fragmented-handshakes.pcap.gz': REASSEMBLY,
  'pcap/wireshark/tls12-chacha20poly1305.pcap': REASSEMBLY,
  'pcap/wireshark/trunc.pcap': '46 of its 47 records are empty: tshark\'s frame dissector throws before eth (a top-level _ws.malformed node), the engine counts them under eth with 0 bytes',
  'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz': REASSEMBLY,
  'pcapng/wireshark/http-ooo-fuzzed.pcapng': REASSEMBLY,
  'pcapng/wireshark/http2_follow_multistream.pcapng': REASSEMBLY,
  'pcapng/wireshark/tls-fragmented-over-tcp-segmented.pcapng.gz': REASSEMBLY,
  'pcapng/wireshark/tls-over-tls.pcapng.gz': REASSEMBLY,
};

/** tshark's io,phs text as a tree. */
function parsePhs(text: string): PhsNode[] {
  const roots: PhsNode[] = [];
  const stack: PhsNode[][] = [roots];
  for (const line of text.split('\n')) {
    const m = /^( *)(\S+)\s+frames:(\d+) bytes:(\d+)$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 2;
    const node: PhsNode = { protocol: m[2], frames: Number(m[3]), bytes: Number(m[4]), children: [] };
    stack[depth].push(node);
    stack[depth + 1] = node.children;
  }
  return roots;
}

/** Merge same-named siblings (summing), after mapping and dropping as above. */
function normalise(nodes: PhsNode[], mapTshark: boolean, underApp = false): PhsNode[] {
  const out: PhsNode[] = [];
  const add = (n: PhsNode): void => {
    const hit = out.find((o) => o.protocol === n.protocol);
    if (!hit) out.push(n);
    else {
      hit.frames += n.frames;
      hit.bytes += n.bytes;
      hit.children = normalise([...hit.children, ...n.children], false);
    }
  };
  for (const n of nodes) {
    if (mapTshark && NOT_LAYERS.has(n.protocol)) {
      for (const c of normalise(n.children, true)) add(c);
    } else if (mapTshark && underApp && !APP_LAYERS.has(n.protocol)) {
      // a body or sub-protocol tracelens does not name: its frames stay counted by the layer above
    } else if (mapTshark && SHOWN_AS_DATA.has(n.protocol)) add({ protocol: 'data', frames: n.frames, bytes: n.bytes, children: [] });
    else add({ ...n, children: normalise(n.children, mapTshark, underApp || APP_LAYERS.has(n.protocol)) });
  }
  return out;
}

const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.txt')).sort() : [];

describe('stats equal tshark -z', () => {
  it('has a golden per corpus capture', () => expect(goldens.length).toBeGreaterThan(100));
  for (const g of goldens) {
    const capture = g.slice(0, -'.txt'.length).replaceAll('__', '/');
    it(capture, async () => {
      const want = goldenTables(g);
      expect(want.size).toBe(11);
      const got = await ourTables(join(CORPUS, capture), [...want.keys()]);
      const known = KNOWN[capture];
      for (const [name, text] of want) {
        const ours = got.get(name) ?? '';
        if (name === 'io,phs') {
          const same = JSON.stringify(normalise(parsePhs(ours), false)) === JSON.stringify(normalise(parsePhs(text), true));
          if (KNOWN_PHS[capture]) expect(same, `${name} now equals tshark's: drop it from KNOWN_PHS`).toBe(false);
          else expect(normalise(parsePhs(ours), false), `${capture} ${name}`).toEqual(normalise(parsePhs(text), true));
        } else if (known?.stats.includes(name)) {
          expect(ours, `${name} now equals tshark's: drop it from KNOWN`).not.toBe(text);
        } else {
          expect(ours, `${capture} ${name}`).toBe(text);
        }
      }
    });
  }
});
