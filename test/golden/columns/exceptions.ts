/**
 * Rows of the column golden (columns-golden.test.ts) where we knowingly differ from tshark 4.0,
 * each with its reason. An entry matches a difference by capture (exact corpus path, or a
 * RegExp), column, and optionally frames and a pattern on tshark's or our value.
 */
export interface ColumnDiff {
  capture: string;
  frame: number;
  column: 'Protocol' | 'Info';
  tshark: string;
  ours: string;
  /** tshark's Protocol of the row (to except a protocol's rows in both columns). */
  tsharkProtocol: string;
}

export interface ColumnException {
  capture: string | RegExp;
  column: 'Protocol' | 'Info' | 'both';
  /** Frame numbers; all frames when absent. */
  frames?: number[];
  /** Must match tshark's value. */
  tshark?: RegExp;
  /** Must match our value. */
  ours?: RegExp;
  /** Must match tshark's Protocol of the row. */
  tsharkProtocol?: RegExp;
  reason: string;
}

/** Protocols no dissector of ours decodes yet (their rows show the transport below them). */
const NOT_DISSECTED = /^(QUIC|GQUIC|SSDP|NBNS|BROWSER|DB-LSP-DISC\/JSON|DTLS.*|M3UA.*|WireGuard|PPTP|IGMPv\d|SIP.*|Git|WebSocket|GRPC-Web.*|PPP LCP|PCAPNG)$/;

export const COLUMN_EXCEPTIONS: ColumnException[] = [
  {
    capture: 'pcapng/wireshark/quic-with-secrets.pcapng',
    column: 'Protocol',
    frames: [27, 35],
    tshark: /^TLSv1\.3$/,
    ours: /^HTTP2$/,
    reason: 'a frame whose first record continues a reassembled TLS PDU and whose next completes an HTTP/2 DATA frame: tshark keeps the TLS Protocol behind its column fence, the layers here name the HTTP/2 frame',
  },
  {
    capture: /./,
    column: 'both',
    tsharkProtocol: NOT_DISSECTED,
    reason: 'protocol not dissected (QUIC, DTLS, WireGuard, SIP, PPTP, PPP, IGMP, SSDP, NetBIOS, Dropbox LAN sync, M3UA, Git, WebSocket, gRPC-Web, pcapng custom blocks: not built); the rows show the transport below them',
  },
  {
    capture: /./,
    column: 'Info',
    tshark: /\b(DATA|HEADERS|CONTINUATION)\[\d+\]\[TLS segment of a reassembled PDU\]|^\[TLS segment of a reassembled PDU\], DATA\[/,
    ours: /^(\[TCP [^\]]+\] )*(, )?(DATA|HEADERS|CONTINUATION)\[\d+\]/,
    reason: 'a TLS record that ends inside an HTTP/2 frame: tshark appends "[TLS segment of a reassembled PDU]" to the frames that record completed (or puts it first when it completed none); http2/info.ts names the frames only',
  },
  {
    capture: /./,
    column: 'Info',
    tshark: /\[Malformed Packet\]|\[Packet size limited during capture\]/,
    reason: 'tshark appends its exception text to Info; the engine marks the frame malformed (row colour, details) instead (as test/engine/protocols-golden.test.ts)',
  },
  {
    capture: /^(pcapng\/wireshark\/challenge01_ooo_stream\.pcapng\.gz|pcap\/wireshark\/http-ooo2?\.pcap|pcapng\/wireshark\/http-ooo-fuzzed\.pcapng|pcapng\/wireshark\/http2_follow_multistream\.pcapng|pcap\/wireshark\/tcp-badsegments\.pcap)$/,
    column: 'both',
    reason: "out-of-order and overlapping segments: tshark 4.0 in one pass without tcp.reassemble_out_of_order (its default) loses the messages' boundaries (Continuation, Application Data, no segment tag); we reassemble as Wireshark's follow does (docs/engine.md) and show each message on the frame completing it",
  },
  {
    capture: 'pcap/wireshark/tls-fragmented-handshakes.pcap.gz',
    column: 'Info',
    reason: 'ClientHellos fragmented over many tiny records: tshark names a record ending in a fragment only sometimes ("Client Hello, …, [Client Hello Fragment]"), and tags some continuation segments alone; we name the messages each record completes, "[X Fragment]" for a record completing none',
  },
  {
    capture: 'pcapng/wireshark/grpc_web.pcapng.gz',
    column: 'both',
    reason: 'gRPC-Web is not dissected (tshark: GRPC-Web, "(GRPC-Web) (PROTOBUF)"), and over its chunked bodies tshark re-dissects the head on every segment ("POST … [TCP segment of a reassembled PDU]")',
  },
  {
    capture: 'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng',
    column: 'both',
    reason: 'WireGuard is not decrypted (docs/engine.md, Decisions): tshark shows the tunnelled DNS, TCP and TLS packets',
  },
  {
    capture: /^pcap\/wireshark\/tls1[23]-(20-)?chacha20poly1305\.pcap$/,
    column: 'both',
    tshark: /^(TLSv1\.[23]|\[TLS segment of a reassembled PDU\])$/,
    ours: /^(HTTP|HTTP\/1\.0 200 ok {2}\(text\/html\))$/,
    reason: "an HTTP/1.0 response ended by the connection's close (no Content-Length): tshark in one pass never completes it and leaves its record as a TLS segment; we show the response on the frame of its last byte",
  },
  {
    capture: 'pcapng/wireshark/dhe1.pcapng.gz',
    column: 'Info',
    frames: [10],
    reason: 'an HTTP/1.0 request that never ends (the capture needs app-data desegmentation off, MANIFEST.md): tshark tags its second record only',
  },
  {
    capture: 'pcapng/wireshark/tls-fragmented-over-tcp-segmented.pcapng.gz',
    column: 'Info',
    frames: [16],
    reason: 'a request whose head completes in the last of several records of the frame: tshark shows one tag then the request line, we show the same with the tags of our record split',
  },
  {
    capture: 'pcap/wireshark/retrans-tls.pcap',
    column: 'both',
    reason: 'the stream starts with an application data record (no handshake captured, sequence numbers from 0): we take a stream as TLS only from a handshake or a start inside the stream; tshark decides by port 443',
  },
  {
    capture: 'pcap/wireshark/rsasnakeoil2.pcap',
    column: 'both',
    frames: [4],
    reason: 'an SSLv2-format ClientHello (RFC 6101 appendix E.2) is not parsed as TLS',
  },
  {
    capture: 'pcapng/wireshark/tls-over-tls.pcapng.gz',
    column: 'Info',
    frames: [24],
    reason: 'TLS inside a decrypted TLS stream is not dissected: tshark shows the inner record, we show both outer records as application data',
  },
  {
    capture: 'pcapng/wireshark/protohier-with-comments.pcapng',
    column: 'Info',
    tshark: /\((request|reply) in \d+\)/,
    reason: 'ICMPv6 echo request/reply matching ("(request in N)") is not built',
  },
];

/** Index of the first exception explaining `d`, or -1. */
export function exceptionFor(d: ColumnDiff): number {
  return COLUMN_EXCEPTIONS.findIndex(
    (x) =>
      (x.column === d.column || x.column === 'both') &&
      (typeof x.capture === 'string' ? x.capture === d.capture : x.capture.test(d.capture)) &&
      (x.frames === undefined || x.frames.includes(d.frame)) &&
      (x.tshark === undefined || x.tshark.test(d.tshark)) &&
      (x.ours === undefined || x.ours.test(d.ours)) &&
      (x.tsharkProtocol === undefined || x.tsharkProtocol.test(d.tsharkProtocol)),
  );
}
