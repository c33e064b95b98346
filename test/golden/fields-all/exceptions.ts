import type { FieldType } from '../../../shared/fields.ts';

/**
 * Cells of the field golden (fields-all.test.ts) where we knowingly differ from tshark 4.0.17,
 * grouped by reason. An entry matches a differing cell by field (exact name or RegExp), capture
 * (exact corpus path or RegExp; every capture when absent), and optionally a pattern on
 * tshark's or our cell. Every entry says why; none may match a field everywhere without one.
 */
export interface FieldDiff {
  capture: string;
  frame: number;
  field: string;
  /** Our declared type of the field (`protocol` for protocol nodes). */
  type: FieldType;
  tshark: string;
  ours: string;
}

export interface FieldException {
  /** Field name, or a RegExp over names, or every field of a declared type. */
  field: string | RegExp | { type: FieldType };
  capture?: string | RegExp;
  /** Must match tshark's cell. */
  tshark?: RegExp;
  /** Must match our cell. */
  ours?: RegExp;
  /** Frame numbers; all frames when absent. */
  frames?: number[];
  /** A relation between the two cells the patterns cannot say. */
  when?: (d: FieldDiff) => boolean;
  reason: string;
}

/** Captures with out-of-order, overlapping or retransmitted TCP segments (as the column golden's list). */
const REORDERED = /^(pcapng\/wireshark\/challenge01_ooo_stream\.pcapng\.gz|pcap\/wireshark\/http-ooo2?\.pcap|pcapng\/wireshark\/http-ooo-fuzzed\.pcapng|pcapng\/wireshark\/http2_follow_multistream\.pcapng|pcap\/wireshark\/tcp-badsegments\.pcap)$/;

/** The pcapng generator's files (both byte orders). */
const PCAPNG_GENERATOR = /^pcapng\/pcapng-test-generator\//;

/** tshark's `a` names every layer of our `b`, in order, and more. */
function longer(a: string, b: string): boolean {
  const want = a.split(':');
  const have = b.split(':');
  if (b.length === 0 || have.length >= want.length) return false;
  let k = 0;
  for (const p of want) if (p === have[k]) k++;
  return k === have.length;
}

export const FIELD_EXCEPTIONS: FieldException[] = [
  // Not built (decisions and missing protocols).
  {
    field: /./,
    capture: 'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng',
    reason: 'WireGuard is not decrypted (docs/engine.md, Decisions): tshark adds the tunnelled IP/ICMP/TCP/DNS/TLS packets with the keys of the Decryption Secrets Block',
  },
  {
    field: /^frame\.time(_epoch)?$/,
    capture: /^pcap\/tcpdump-tests\/(heapoverflow-tcp_print|tcp_header_heapoverflow)\.pcap$/,
    reason: 'fuzzed record with ts_usec ≥ 10^6: tshark multiplies it by 1000 in 32 bits and prints the wrapped value; we carry the excess into the seconds and warn (docs/engine.md, Decisions)',
  },
  {
    field: { type: 'protocol' },
    tshark: /^[a-z0-9_.-]+(,[a-z0-9_.-]+)*$/,
    reason: 'a protocol whose dissector set no summary text: tshark -T fields prints its abbreviation (tls, http, http2, dhcp, null, raw, icmpv6, ipv6.hopopts); we print its tree line, the protocol name',
  },
  {
    field: { type: 'protocol' },
    when: (d) => d.ours.length > 0 && (d.tshark.startsWith(d.ours.split(',')[0]) || (d.field === 'frame' && d.tshark.startsWith('PCAPNG '))),
    reason: 'protocol summary lines are not built (also "PCAPNG Custom Block 1: 24 bytes …" for a custom block\'s frame line): tshark prints the tree line its dissector wrote ("Transmission Control Protocol, Src Port: 38708, …", "Frame 1: 74 bytes on wire …", "Domain Name System (query)"); ours is the protocol name only (dissector work, one summary per protocol)',
  },
  {
    field: /^(frame\.protocols|data(\.data|\.len)?)$/,
    when: (d) => (d.field === 'frame.protocols' && d.ours.endsWith(':data')) || (d.field !== 'frame.protocols' && d.tshark === ''),
    reason: 'payload of a protocol we do not dissect (SSDP, NBNS, QUIC, GQUIC, DTLS, SIP, IGMP, M3UA, PPTP, Git, WebSocket, DB-LSP-DISC, pcapng custom blocks): we show it as Data',
  },
  {
    field: 'frame.protocols',
    when: (d) => longer(d.tshark, d.ours) || longer(d.tshark, d.ours.replace(/:data$/, '')),
    reason: 'layers under ours that we do not dissect: X.509 in certificates (x509sat, x509ce, pkcs-1), message bodies (data-text-lines, json, media, websocket, grpc, protobuf), and tshark names a layer again for each PDU it hands up in one frame (tls:tls, tls:http2:tls:http2)',
  },
  {
    field: /^(data(\.data|\.len)?|frame\.protocols)$/,
    when: (d) => (d.field === 'frame.protocols' ? d.tshark.endsWith(':data') : d.ours === ''),
    reason: 'bytes a layer left over: tshark shows them as Data (the 4-byte tail of a decrypted TLS record in the illustrated captures, a body tshark cannot type); our layer took the payload (no Data node)',
  },
  {
    field: /^(tls$|tls\.handshake\.|tls\.app_data$|http2\.data\.data$|frame\.protocols$)/,
    capture: 'pcapng/wireshark/quic-with-secrets.pcapng',
    reason: 'QUIC is not dissected: tshark shows the TLS handshake inside QUIC CRYPTO frames (h3 ALPN, cipher suites, SNI); and frames 27/35/44 mix TLS and HTTP/2 PDUs (see the column golden)',
  },
  {
    field: 'tls.handshake.extensions_alpn_str',
    tshark: /^(h2|http\/1\.1)$/,
    ours: /^$/,
    reason: 'the ALPN of TLS 1.3 EncryptedExtensions (decrypted) is not read: we read ALPN from ClientHello/ServerHello only',
  },
  {
    field: /^(http\.|tls\.|http2\.|frame\.protocols$|data)/,
    capture: 'pcapng/wireshark/protohier-with-comments.pcapng',
    when: (d) => d.field.startsWith('http.') || d.field === 'frame.protocols' || d.field.startsWith('data'),
    reason: 'SSDP (HTTP over UDP, port 1900) is not dissected: tshark gives its requests http.* fields',
  },
  {
    field: /^(tls\.record\.(content_type|version|length)|tls\.app_data|frame\.protocols)$/,
    capture: 'pcap/wireshark/retrans-tls.pcap',
    reason: 'the stream starts with an application data record (no handshake captured): we take a stream as TLS only from a handshake or a start inside the stream; tshark decides by port 443',
  },
  {
    field: /^(tls\.(record\.(version|length)|handshake\.(type|version))|frame\.protocols)$/,
    capture: 'pcap/wireshark/rsasnakeoil2.pcap',
    frames: [4],
    reason: 'an SSLv2-format ClientHello (RFC 6101 appendix E.2) is not parsed as TLS',
  },
  {
    field: /^(tls\.(record\.(content_type|version|length)|app_data)|frame\.protocols)$/,
    capture: 'pcapng/wireshark/tls-over-tls.pcapng.gz',
    reason: 'TLS inside a decrypted TLS stream is not dissected: tshark shows the inner record, we show both outer records as application data',
  },
  {
    field: /^(data(\.data|\.len)?|frame\.protocols)$/,
    capture: 'pcapng/wireshark/dtls12-aes128ccm8-dsb.pcapng',
    reason: 'DTLS is not dissected or decrypted: tshark shows the decrypted payload as Data, we show the whole datagram payload',
  },
  {
    field: /^(http\.file_data|frame\.protocols)$/,
    capture: 'pcapng/wireshark/grpc_web.pcapng.gz',
    reason: 'gRPC-Web is not dissected: tshark hands the body to it (no http.file_data), we keep the body as http.file_data',
  },

  {
    field: /^(http|frame\.protocols)$|^http\./,
    capture: /^pcap\/wireshark\/tls1[23]-(20-)?chacha20poly1305\.pcap$/,
    reason: "an HTTP/1.0 response ended by the connection's close (no Content-Length): tshark in one pass never completes it; we give the response on the frame of its last byte",
  },
  {
    field: 'eth',
    capture: 'pcap/wireshark/trunc.pcap',
    tshark: /^$/,
    reason: 'zero-length records: tshark\'s Ethernet dissector throws before it adds its tree item (frame.protocols still says eth); we add an empty Ethernet node marked malformed',
  },

  {
    field: /^frame\.time_(delta|delta_displayed|relative)$/,
    tshark: /^$/,
    reason: 'events without a timestamp (pcapng custom blocks, simple packet blocks): tshark gives them no time delta; ours counts from a zero time',
  },
  {
    field: /^frame\.time_delta(_displayed)?$/,
    capture: PCAPNG_GENERATOR,
    reason: 'the frame after an event without a timestamp (a pcapng custom block): tshark measures from the previous timed frame, ours from the untimed event',
  },

  // Reassembly: where tshark 4.0's one pass places PDUs differently.
  {
    field: /^tcp\.(segments|segment|segment\.count|reassembled\.length|reassembled\.data)$/,
    ours: /^$/,
    reason: 'PDUs the stream layers reassemble (TLS records, HTTP/1.x messages, HTTP/2 frames) carry no list of their segments: the layers reassemble whole streams (docs/engine.md, Stream layers); DNS over TCP, reassembled per PDU in the first pass (dissectors/tcp-pdu.ts), lists them as tshark does',
  },
  {
    field: /^(http|http2|tls)(\.|$)|^(tcp\.analysis\.bytes_in_flight|tcp\.option_kind|frame\.protocols)$|^data/,
    capture: REORDERED,
    reason: "out-of-order and overlapping segments: tshark 4.0 in one pass without tcp.reassemble_out_of_order (its default) loses the messages' boundaries (and counts bytes in flight over the gaps); we reassemble as Wireshark's follow does (docs/engine.md) and give each message's fields on the frame completing it",
  },
  {
    field: 'http2.data.data',
    reason: 'HTTP/2 DATA: tshark 4.0 shows a stream\'s body reassembled (and content-decoded, brotli) on the DATA frame that ends it; ours is each frame\'s own payload (the HTTP/2 layer\'s, h2-columnar)',
  },
  {
    field: /^(http\.file_data|data(\.data|\.len)?|frame\.protocols)$/,
    capture: 'pcapng/wireshark/tls-fragmented-over-tcp-segmented.pcapng.gz',
    frames: [16],
    reason: 'a multipart body completing in the last of several records of the frame: tshark gives the body of the first part as http.file_data and the rest as Data, ours is the whole body',
  },

  // Dissector fidelity (electron/engine/dissectors/*: the fidelity helper's files).
  {
    field: 'frame.interface_id',
    capture: PCAPNG_GENERATOR,
    when: (d) => d.tshark === '' || d.tshark !== d.ours,
    reason: 'pcapng: tshark prints no interface id on custom-block events (ours prints 65534, our "no interface" marker) and numbers the interfaces of each section from 0 (ours across the file)',
  },
  {
    field: 'tcp.option_kind',
    when: (d) => d.tshark.startsWith(d.ours) && /^(,0)+$/.test(d.tshark.slice(d.ours.length)),
    reason: 'TCP options: tshark records one option_kind per End-of-Option-List padding byte after the first; ours stops at the first EOL',
  },
  {
    field: 'eth.padding',
    ours: /^$/,
    reason: 'Ethernet padding after the IP datagram is not recorded as eth.padding',
  },
  {
    field: 'icmpv6.reserved',
    ours: /^$/,
    reason: 'the reserved bytes of ICMPv6 messages (MLD, Neighbor Solicitation …) are not recorded',
  },
  {
    field: 'ipv6.opt.padn',
    tshark: /^<none>$/,
    reason: 'a PadN option with no padding bytes: tshark prints <none> (BASE_ALLOW_ZERO), our empty byte field prints nothing',
  },
  {
    field: 'icmpv6.opt.linkaddr',
    when: (d) => d.tshark.replaceAll(':', '') === d.ours,
    reason: 'tshark prints this byte field colon-separated (SEP_COLON display); our byte fields print plain hex (no separator in the field declaration)',
  },
  {
    field: 'dns.resp.type',
    when: (d) => d.tshark.startsWith(`${d.ours},`),
    reason: 'an additional-section record after an OPT record (mDNS responses): tshark lists one more dns.resp.type than we dissect',
  },
];

const matches = (p: string | RegExp | undefined, v: string): boolean => p === undefined || (typeof p === 'string' ? p === v : p.test(v));

/** Index of the first exception explaining `d`, or -1. */
export function exceptionFor(d: FieldDiff): number {
  return FIELD_EXCEPTIONS.findIndex(
    (x) =>
      (typeof x.field === 'object' && !(x.field instanceof RegExp) ? x.field.type === d.type : matches(x.field, d.field)) &&
      matches(x.capture, d.capture) &&
      (x.frames === undefined || x.frames.includes(d.frame)) &&
      (x.tshark === undefined || x.tshark.test(d.tshark)) &&
      (x.ours === undefined || x.ours.test(d.ours)) &&
      (x.when === undefined || x.when(d)),
  );
}
