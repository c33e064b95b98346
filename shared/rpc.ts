/**
 * The engine's RPC contract: what the window (or the CLI, or browser mode) may ask the engine
 * running in its worker, and what the engine pushes back. Both sides import this file; the
 * transport is any `Port` (worker_threads, Electron MessagePort, WebSocket).
 *
 * Bulk data crosses as pages: a page of rows is one string table plus, per column, an index
 * array into it, never one object per row.
 */
import type { FieldInfo } from './fields.ts';
import type { HarPage } from './har.ts';
import type { FilterMessage } from './filter/index.ts';
import type { ColourRule } from './colour-rules.ts';
import type { IoGraphResult, StatName, StatsResult, SyscallOverview } from './stats.ts';
import type { NameMode } from './names.ts';
import type { HttpTablePage } from './sql-table.ts';
import type { LineStyle } from './field-lines.ts';

export type CaptureFormat = 'pcap' | 'pcapng' | 'scap' | 'strace';
export type CaptureKind = 'packets' | 'syscalls';

export interface CaptureInfo {
  /** File name as the user knows it (basename). */
  name: string;
  path: string;
  format: CaptureFormat;
  kind: CaptureKind;
  compressed: boolean;
  /** Events indexed so far (all of them once `done`). */
  events: number;
  /** Bytes of the (decompressed) capture read so far, and the file size on disk. */
  bytesRead: number;
  fileSize: number;
  /** First and last event time as epoch nanoseconds in decimal text (bigint-safe). */
  firstTimeNs: string | null;
  lastTimeNs: string | null;
  /** pcap link types, or empty for syscall captures. */
  linkTypes: number[];
  warnings: string[];
  done: boolean;
  cancelled: boolean;
  /** Milliseconds spent indexing so far. */
  loadMs: number;
  /** Format-specific counts (e.g. processes, sections, interfaces). */
  extra: Record<string, number | string>;
}

export interface ColumnDef {
  id: string;
  title: string;
  /** The field this column shows, if it is a plain field column (used by sort and "apply as filter"). */
  field?: string;
  /** Default width in CSS pixels. */
  width: number;
  align?: 'left' | 'right';
}

/** Row flags used for colouring (bit set). */
export const RowFlag = {
  Malformed: 1,
  TcpSyn: 2,
  TcpFin: 4,
  TcpRst: 8,
  Dns: 16,
  Http: 32,
  Failed: 64,
  Error: 128,
} as const;

/** The column id of a custom column showing field `name` (rows `fields`, sort). */
export const FIELD_COLUMN_PREFIX = 'field:';
export const fieldColumnId = (name: string): string => FIELD_COLUMN_PREFIX + name;

export interface RowsPage {
  /** Position of the first row in the current view (filtered or not). */
  start: number;
  /**
   * The view these rows belong to: the engine counts up with every open, filter and sort, so a
   * page asked for before one and answered after it is recognisable (an older number).
   */
  generation: number;
  /** Event numbers (1-based) of the rows. */
  events: Uint32Array;
  /** Per column id: indices into `strings`, one per row. */
  cells: Record<string, Uint32Array>;
  strings: string[];
  /** Epoch nanoseconds of each row as float seconds (for relative/delta time display). */
  times: Float64Array;
  /** Time of the event captured just before each row's event (NaN for event 1): "since previous captured". */
  prevTimes: Float64Array;
  /** The same two times exactly, as epoch nanoseconds (event 1's previous time is its own). */
  timesNs: BigInt64Array;
  prevTimesNs: BigInt64Array;
  flags: Uint8Array;
  /**
   * Colouring rules (`colourRules`): per row, index + 1 of the first rule that matches it, 0 for
   * none. Absent when no rule set is in force (colouring off, or never set).
   */
  colours?: Uint16Array;
  /**
   * Per row, 1 while a column of it is still being computed: the TCP analysis ([TCP …] Info
   * tags, colours of tcp.analysis rules) of a frame past the background pass, which shows TCP's
   * own Info meanwhile. Absent when no row is pending; `analysisProgress` says when to ask again.
   */
  pending?: Uint8Array;
}

/** Whether one rule of a set takes part in colouring, and why not (disabled, unknown field …). */
export interface ColourRuleStatus {
  active: boolean;
  note?: string;
}

/** Find Packet (Edit ▸ Find Packet): what to look for. */
export const FIND_MODES = ['filter', 'string', 'hex'] as const;
export type FindMode = (typeof FIND_MODES)[number];
/** Where a string is looked for: the packet list's cells, the details tree's labels, the bytes. */
export const FIND_SCOPES = ['list', 'details', 'bytes'] as const;
export type FindScope = (typeof FIND_SCOPES)[number];
/** How a string is encoded when looked for in bytes: UTF-8 (narrow), UTF-16LE (wide), or either. */
export const FIND_ENCODINGS = ['both', 'narrow', 'wide'] as const;
export type FindEncoding = (typeof FIND_ENCODINGS)[number];

export interface FindParams {
  mode: FindMode;
  text: string;
  /** mode `string` only (default `list`). */
  scope?: FindScope;
  caseSensitive?: boolean;
  /** mode `string` in `bytes` only (default `both`). */
  encoding?: FindEncoding;
  /** Position (0-based, in the table's current order) of the selected row; the search starts after it. -1: none. */
  from: number;
  backward?: boolean;
}

export interface FindResult {
  /** Position of the row found in the table's current order, and its event; null when none matches. */
  row: number | null;
  event: number | null;
  /** The search passed the end (or the start, backward) and went on from the other end. */
  wrapped: boolean;
  /** Stopped by `cancelFind` or by a newer `find`. */
  cancelled: boolean;
  /** Rows looked at. */
  tested: number;
  ms: number;
  /** The filter or hex text did not parse (the search did not run). */
  error?: string;
}

export interface DetailsNode {
  label: string;
  /** Field name, for "apply as filter" and the field reference. */
  field: string;
  /** Filter-ready value text (e.g. `192.168.0.1`, `"GET"`), if the field has a value. */
  filterValue?: string;
  /** Data source index and byte range this node covers (for the hex pane). */
  source: number;
  offset: number;
  length: number;
  malformed?: string;
  children?: DetailsNode[];
}

export interface EventBytes {
  sources: { name: string; bytes: Uint8Array }[];
}

/** Expert Information severities, most severe first (Wireshark's PI_ERROR … PI_CHAT). */
export const EXPERT_SEVERITIES = ['error', 'warning', 'note', 'chat'] as const;
export type ExpertSeverity = (typeof EXPERT_SEVERITIES)[number];

/** One Expert Information line: every frame with the same severity, group, protocol and summary. */
export interface ExpertEntry {
  severity: ExpertSeverity;
  /** Wireshark's expert group: Sequence, Malformed, Protocol … */
  group: string;
  protocol: string;
  summary: string;
  count: number;
  /** The entry's frames in order, at most EXPERT_FRAMES of them (count says how many in all). */
  frames: number[];
}

export const EXPERT_FRAMES = 1000;

export interface ExpertResult {
  /** Most severe first, then in order of first appearance (as tshark -z expert). */
  entries: ExpertEntry[];
  /** Events examined (all of them, unless cancelled by close). */
  events: number;
  ms: number;
}

/** Requests: method name → [params, result]. */
export interface EngineMethods {
  /**
   * Open a capture file by path (desktop, CLI, browser mode with a server-side path). `more`
   * opens further files with it as one capture: strace -ff per-process logs, merged by time.
   * `firstRows`: the first progress event with events carries rows [0, count) of the table (as
   * `rows` answers them), so the window draws its first screen without asking.
   */
  /** `httpHeads`: the index pass also scans HTTP/1 heads, so filters on methods and status codes need no HTTP scan (the CLI asks it for such a filter). */
  open: [{ path: string; more?: string[]; follow?: boolean; firstRows?: { count: number; fields?: string[] }; httpHeads?: boolean }, CaptureInfo];
  /**
   * Stop following the open capture (opened with `follow: true`): what has been written is read,
   * then indexing ends as for a finished file.
   */
  stopFollow: [null, null];
  /**
   * The events indexed after event `after` that match `filter` (all when absent), up to at most
   * `count`: the rows of a capture being followed, as they arrive. Each event is tested once
   * however often this is called (the caller passes the last event it got as `after`).
   * `fields`: -e values instead of the table's cells. `until`: test no event after this one.
   */
  tail: [{ after: number; count: number; until?: number; filter?: string; fields?: string[] }, TailPage];
  /** Start a capture whose bytes arrive by `upload` chunks (browser-mode drop). */
  /** `more`: further files of a capture set, uploaded after the first in this order (their chunks say `file`). */
  openUpload: [{ name: string; size: number; more?: { name: string; size: number }[] }, CaptureInfo];
  /** A chunk of file `file` of the upload (0, the default: the first; then 1… of `more`), in order. */
  upload: [{ chunk: Uint8Array; last: boolean; file?: number }, null];
  info: [null, CaptureInfo];
  cancel: [null, null];
  columns: [null, ColumnDef[]];
  /**
   * A page of table rows. `fields`: custom columns (View ▸ Columns, Apply as Column), whose
   * cells come in `cells` under `fieldColumnId(name)`, the field's occurrences joined by ",".
   */
  rows: [{ start: number; count: number; fields?: string[] }, RowsPage];
  details: [{ event: number }, DetailsNode[]];
  bytes: [{ event: number }, EventBytes];
  fields: [null, FieldInfo[]];
  /**
   * Apply a display filter (empty text = show all). `rows` and `extract` positions then refer
   * to the matching events. A newer `filter` call cancels one still running. `reference` is the
   * selected event, whose values field references (`${ip.src}`, `$tcp.port`) read.
   */
  filter: [{ text: string; reference?: number }, FilterResult];
  /**
   * Sort the current view by a table column (null = event order); `rows` then pages through
   * the sorted view. A later `filter` keeps the sort.
   */
  sort: [{ column: string | null; descending: boolean }, { ms: number; rows: number }];
  /** Position (0-based) of an event in the table's current order (filter and sort), or null if it is not shown. */
  rowOf: [{ event: number }, number | null];
  /** Stop a running `filter` (it answers `cancelled: true`); the view stays as it was before it. */
  cancelFilter: [null, null];
  /**
   * Field values of a range of events, printed as `tshark -T fields` prints them (CLI `-e`).
   * `_ws.col.TITLE` (COLUMN_FIELD_PREFIX + a column's title: `_ws.col.Protocol`) is that cell.
   * `packed`: the values come as one string and offsets (`ExtractPage.packed`, `values` empty):
   * a page of a million one-number rows then copies three objects, not three million.
   * `lines`: the values as `-T fields` lines in that style, UTF-8 bytes (`ExtractPage.lines`,
   * `values` empty), up to MAX_LINES_PAGE rows: what `list -e` writes, as it is.
   */
  extract: [{ start: number; count: number; fields: string[]; packed?: boolean; lines?: LineStyle }, ExtractPage];
  /**
   * Rows start+1 .. start+count of the SQL `events` table (docs/sql.md), as typed columns: every
   * event in capture order, whatever the filter. `count: 0` gives the schema only. `info: false`
   * leaves out the columns only a dissection per event gives (Info).
   */
  eventTable: [{ start: number; count: number; info?: boolean }, EventTablePage];
  /** Rows start .. start+count-1 of the SQL `http` table (docs/sql.md) as typed columns: every exchange, in the order `httpPage` lists them unfiltered; at most MAX_HTTP_TABLE_ROWS. */
  httpTable: [{ start: number; count: number }, HttpTablePage];
  /**
   * Add TLS secrets (an NSS key log, by server-side path or as text) to the open capture:
   * affected streams decrypt on next use, without reopening.
   */
  addKeylog: [{ path?: string; text?: string; /** TLS 1.2 pre-shared key in hex (Wireshark's tls.psk). */ psk?: string }, KeylogResult];
  /** Key log files next to the capture (`FILE.keys`, `FILE.keylog`) to offer to the user. */
  keylogCandidates: [null, string[]];
  /** The capture's TLS secrets (added key logs and pcapng Decryption Secrets Blocks) as a key log. */
  exportKeylog: [null, string];
  /** TLS streams of the open capture with their decryption status. */
  tlsStreams: [null, TlsStreamInfo[]];
  /** Byte streams of the capture: TCP/UDP conversations, or fd streams of syscall captures. */
  streams: [{ kind?: StreamKindName }, StreamSummary[]];
  /**
   * One page of a stream's chunks (`stream`: `tcp:N`, `udp:N`, `tls:N`, `fd:PID:FD:N`; or the
   * stream of `event`), with the page's text in `format`. Pages hold ≤ 1 MiB of data.
   */
  /** One page of a stream; `textOnly`: `chunks` comes empty (the CLI prints the text: a page's bytes are not sent twice). */
  follow: [{ stream?: string; event?: number; format: FollowFormatName; page?: number; textOnly?: boolean }, FollowPage];
  /** HTTP exchanges (HTTP/1.x plaintext and decrypted TLS, HTTP/2), optionally filtered by a display filter. */
  httpExchanges: [{ filter?: string }, HttpExchangeRow[]];
  /**
   * One page of the HTTP exchange list, searched, filtered and sorted in the engine over the
   * layer's columns (the list itself stays there): rows [start, start + count) of the view, at
   * most MAX_HTTP_PAGE_ROWS. The view is kept for the next page with the same query.
   */
  httpPage: [HttpPageQuery, HttpPage];
  /**
   * HAR 1.2 entries of the exchanges [start, start + count) matching `filter`/`search` (as
   * `httpPage`), in time order, bodies included; fewer when they are large (ask on from there).
   */
  har: [{ filter?: string; search?: string; start: number; count: number }, HarPage];
  /** Headers and body (decoded, and as sent) of one message of an exchange. */
  /** One page of a body: bytes [offset, offset + length) of the decoded and the raw body
   *  (default offset 0, length BODY_PAGE_BYTES, at most MAX_BODY_PAGE_BYTES). */
  httpBody: [{ stream: string; index: number; message: HttpMessageName; offset?: number; length?: number }, HttpBody];
  /**
   * The decoded bodies of many messages in one reply (export-objects: one request per object
   * cost more than the object), in the order asked: up to MAX_BODY_BATCH items, as many as fit
   * `length` bytes (default BODY_PAGE_BYTES) in all and at least one. A body longer than what is
   * left comes as its first bytes (`bodySize` says; httpBody gives the rest); a message that
   * cannot be read has `error` and the others still come.
   */
  httpBodies: [{ items: { stream: string; index: number }[]; message: HttpMessageName; length?: number }, HttpBodyItem[]];
  /**
   * Set the colouring rules (Wireshark's order: the first enabled rule that matches colours a
   * row); `rules: null` turns colouring off. Rows pages then carry `colours`, and the view's
   * generation changes. Answers each rule's status (unknown fields make a rule inactive).
   */
  colourRules: [{ rules: ColourRule[] | null }, { status: ColourRuleStatus[]; generation: number }];
  /**
   * Find the next (or previous) row from `from` in the table's current order that matches, going
   * round the end once. Scans in slices (rows and details are answered meanwhile); a newer
   * `find` or `cancelFind` stops it.
   */
  find: [FindParams, FindResult];
  cancelFind: [null, null];
  /** The dissector tables Decode As may change, with the protocols each offers, and the rules in force. */
  decodeAsChoices: [null, { tables: DecodeAsTable[]; rules: DecodeAsRule[] }];
  /**
   * Replace the Decode As rules (tshark `-d table==value,protocol`; [] = the registered tables).
   * Everything dissected depends on them (protocol and Info columns, streams, HTTP, filters), so
   * an open capture is indexed again, keeping its added TLS keys.
   */
  decodeAs: [{ rules: DecodeAsRule[] }, DecodeAsResult];
  /** Expert Information of the whole capture (TCP analysis, connection events, malformed frames). */
  expert: [null, ExpertResult];
  /**
   * Name addresses from the capture itself (pcapng Name Resolution Blocks with `network`, and
   * also the DNS answers in its packets with `dns`): the Source/Destination cells, the
   * `_ws.col.*` values and the tree's IP address lines. Never a lookup. Off at start; kept
   * across opens. The view's generation changes; `named` counts the addresses with a name.
   */
  nameResolution: [NameMode, { generation: number; named: number }];
  /** The named addresses of the open capture under the current name resolution (tshark -z hosts). */
  hosts: [null, { address: string; name: string }[]];
  /** A tshark `-z` statistic (shared/stats.ts STAT_NAMES) over all events or a display filter's matches. */
  stats: [{ name: StatName; filter?: string }, StatsResult];
  /** I/O graph series: per interval (ms; 0 = automatic), the events of each display filter ('' = all). */
  ioGraph: [{ intervalMs: number; filters: string[] }, IoGraphResult];
  /** The syscall overview of a scap/strace capture, over all events or a display filter's matches. */
  syscallOverview: [{ filter?: string }, SyscallOverview & { ms: number }];
  /**
   * Stop every running `stats`, `ioGraph` and `syscallOverview`: each answers with the error
   * STATS_CANCELLED (at its next step: the HTTP scan wait, a filter's next slice, before counting).
   */
  cancelStats: [null, null];
  /**
   * Capture sets (docs/capture-sets.md): the events carrying the same bytes as `event` in the
   * other world — a syscall's TCP segments, a segment's write and read.
   */
  links: [{ event: number }, EventLinks];
  /** Capture sets: every conversation of the packets and the socket that owned each side. */
  owners: [null, SetOwner[]];
  /** Capture sets: the packets and syscalls of `event`'s connection in time order (sets/timeline.ts). */
  timeline: [{ event: number }, SetTimeline];
  /**
   * Capture sets, Follow side by side: a TCP stream's owners' fd streams (or an fd stream's TCP
   * stream), with the shift from this stream's byte offsets to the peer's (sets/follow-pair.ts).
   */
  followPeers: [{ stream: string }, FollowPeers];
  /**
   * Live captures (docs/cli.md, "Live captures"): what this engine's host may start, and the
   * interfaces tcpdump lists. Only the desktop app and a browser-mode server listening on
   * loopback allow them (`allowed`); `note` says where the programs run.
   */
  captureTools: [null, CaptureTools];
  /**
   * Run `argv` under strace (with a fresh TLS key log, and tcpdump -i any beside it when `pcap`)
   * in a private temp folder, and open the strace log followed: events arrive while it runs.
   * A capture already running is stopped first. `capture` events report its state.
   */
  startTrace: [TraceParams, CaptureInfo];
  /** Capture packets on one of `captureTools`' interfaces with a capture filter, followed live. */
  startPacketCapture: [PacketCaptureParams, CaptureInfo];
  /**
   * End the running capture: its process group is signalled (nothing else), what was written is
   * read, the key log added; the capture stays open. Null when none was running.
   */
  stopCapture: [null, CaptureStatus | null];
}

/** Longest argv a trace takes: arguments, bytes per argument, bytes in all (Linux allows far more; a window needs no more). */
export const MAX_TRACE_ARGS = 256;
export const MAX_TRACE_ARG_BYTES = 4096;
export const MAX_TRACE_ARGV_BYTES = 65536;
/** Longest capture filter (a BPF expression; tcpdump's own limit is the kernel's program size). */
export const MAX_CAPTURE_FILTER = 4096;

export interface TraceParams {
  /** The command and its arguments, as run (no shell): argv[0] is looked up on PATH. */
  argv: string[];
  /** Also capture packets (tcpdump -i any) beside the trace. */
  pcap?: boolean;
}

export interface PacketCaptureParams {
  /** One of the names captureTools listed. */
  iface: string;
  /** A capture filter (tcpdump/BPF syntax), '' or absent for every packet. */
  filter?: string;
}

export interface CaptureTools {
  /** Whether this host starts capture programs at all. */
  allowed: boolean;
  /** Where the programs run and why they may (or may not): shown in the dialogs. */
  note: string;
  /** Why strace cannot be used (missing, ptrace disabled), or null. */
  strace: string | null;
  /** Why tcpdump cannot be used (missing), or null; permission is known only when it starts. */
  tcpdump: string | null;
  interfaces: { name: string; description: string }[];
}

export interface CaptureStatus {
  kind: 'trace' | 'packets';
  state: 'running' | 'stopping' | 'ended';
  /** What runs: the traced argv, or tcpdump's interface and filter. */
  what: string[];
  /** The files written (strace log, key log, pcap), in the capture's private folder. */
  files: string[];
  /** The traced command's exit status (128 + N for signal N) once it ended, else null. */
  exitCode: number | null;
  /** TLS secrets in the key log so far. */
  secrets: number;
  /** Warnings and the end (e.g. tcpdump was not permitted, strace's last message). */
  messages: string[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/**
 * A trace request from the window, checked before anything is started: argv a non-empty list of
 * strings, none with a NUL (execve(2) could not pass it), each and all within the limits above.
 */
export function checkTraceParams(p: unknown): Checked<TraceParams> {
  const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
  const argv = o.argv;
  if (!Array.isArray(argv) || argv.length === 0) return { ok: false, error: 'argv must be a non-empty list of strings (the command and its arguments)' };
  if (argv.length > MAX_TRACE_ARGS) return { ok: false, error: `argv has ${argv.length} arguments; at most ${MAX_TRACE_ARGS} are accepted` };
  let total = 0;
  for (const [i, a] of argv.entries()) {
    if (typeof a !== 'string') return { ok: false, error: `argument ${i} is not a string` };
    if (a.includes('\0')) return { ok: false, error: `argument ${i} contains a NUL character` };
    const n = utf8Length(a);
    if (n > MAX_TRACE_ARG_BYTES) return { ok: false, error: `argument ${i} is ${n} bytes long; at most ${MAX_TRACE_ARG_BYTES} are accepted` };
    total += n;
  }
  if (argv[0] === '') return { ok: false, error: 'the command (argument 0) is empty' };
  if (total > MAX_TRACE_ARGV_BYTES) return { ok: false, error: `the arguments are ${total} bytes in all; at most ${MAX_TRACE_ARGV_BYTES} are accepted` };
  if (o.pcap !== undefined && typeof o.pcap !== 'boolean') return { ok: false, error: 'pcap must be true or false' };
  return { ok: true, value: { argv: argv as string[], pcap: o.pcap === true } };
}

/** A packet capture request: an interface among `interfaces` (those listed), a bounded filter without NUL. */
export function checkPacketCaptureParams(p: unknown, interfaces: readonly string[]): Checked<Required<PacketCaptureParams>> {
  const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
  if (typeof o.iface !== 'string' || !interfaces.includes(o.iface)) return { ok: false, error: `iface must be one of the interfaces listed (${interfaces.join(', ') || 'none'})` };
  const filter = o.filter ?? '';
  if (typeof filter !== 'string') return { ok: false, error: 'filter must be a string' };
  if (filter.includes('\0')) return { ok: false, error: 'the capture filter contains a NUL character' };
  if (filter.length > MAX_CAPTURE_FILTER) return { ok: false, error: `the capture filter is longer than ${MAX_CAPTURE_FILTER} characters` };
  return { ok: true, value: { iface: o.iface, filter } };
}

/** The same connection's bytes as the other world recorded them. */
export interface FollowPeer {
  /** `fd:PID:FD:N` for a TCP stream, `tcp:N` for an fd stream. */
  stream: string;
  /** The side of the connection the socket is: 0 client, 1 server. */
  side: 0 | 1;
  /** The socket's owner, `curl (pid 3914) fd 4`. */
  owner: string;
  /**
   * Per direction (0 client → server, 1 server → client): peer offset = this stream's offset +
   * shift; null when that direction's bytes could not be lined up (none, or they differ).
   */
  shift: [number | null, number | null];
}

export interface FollowPeers {
  stream: string;
  peers: FollowPeer[];
  notes: string[];
}

/** One event of a connection's timeline. */
export interface TimelineEntry {
  event: number;
  /** Seconds since the timeline's first entry. */
  t: number;
  kind: 'packet' | 'syscall';
  /** Which way its bytes go: 0 client → server, 1 server → client, -1 none (connect, close, pure ACK). */
  dir: -1 | 0 | 1;
  /** For a syscall: the side of the connection whose socket made it (0 client, 1 server). */
  side: 0 | 1;
  /** The protocol (packet) or syscall name. */
  what: string;
  /** Payload bytes it moved (TCP/UDP payload, a read's or write's result). */
  bytes: number;
  /** Packet: its Info; syscall: its result (`= 16406`, `= -1 EPIPE (Broken pipe)`). */
  text: string;
  /** What makes it a landmark: '' none; http (a request or response); syn, fin, reset; error (a failed call); open/close of the socket. */
  mark: '' | 'http' | 'syn' | 'fin' | 'reset' | 'error' | 'open' | 'close';
}

export interface SetTimeline {
  /** `tcp:N` / `udp:N`, or '' for a socket that owns no conversation. */
  stream: string;
  client: string;
  server: string;
  /** `name (pid N) fd F` or `unmatched: why`, per side. */
  owners: [string, string];
  entries: TimelineEntry[];
  /** True when the connection has more events than the timeline holds (TIMELINE_MAX). */
  truncated: boolean;
}

/** The most events one timeline returns. */
export const TIMELINE_MAX = 20_000;

/** One counterpart of an event in a capture set; [from, to) is the shared byte range of that connection direction. */
export interface EventLink {
  event: number;
  /**
   * 'segment': a packet carrying the bytes; 'sent' / 'received': the write / read of them;
   * 'reset': for a write that failed, the peer's RST before it (why it got EPIPE/ECONNRESET).
   */
  role: 'segment' | 'sent' | 'received' | 'reset';
  from: number;
  to: number;
}

export interface EventLinks {
  event: number;
  links: EventLink[];
  /** Why there are none, or what does not line up. */
  notes: string[];
}

export interface SetOwner {
  /** `tcp:N` / `udp:N`. */
  stream: string;
  client: string;
  server: string;
  /** `name (pid N) fd F` of each side's owner, or `unmatched: why`. */
  clientOwner: string;
  serverOwner: string;
}

/** tshark's names for the packet-list columns as fields: `_ws.col.` + the column title. */
export const COLUMN_FIELD_PREFIX = '_ws.col.';

/** A Decode As rule: in dissector table `table` (tcp.port, udp.port, ip.proto, ethertype, link_type), `value` goes to `protocol`. */
export interface DecodeAsRule { table: string; value: number; protocol: string }

export interface DecodeAsTable { table: string; description: string; protocols: string[] }

export interface DecodeAsResult {
  /** The rules now in force (those that could be applied). */
  rules: DecodeAsRule[];
  /** Why the other rules were not applied. */
  problems: string[];
  /** The open capture, indexed again under the new rules (null when none is open or nothing changed). */
  info: CaptureInfo | null;
}

/** The formats `follow` prints a page in (tshark `-z follow` modes, plus `rawlines`, `utf8` and `none`). */
export const FOLLOW_FORMATS = ['ascii', 'hex', 'raw', 'rawlines', 'yaml', 'carrays', 'utf8', 'none'] as const;
export type FollowFormatName = (typeof FOLLOW_FORMATS)[number];

/** The byte-stream kinds `streams` lists. */
export const STREAM_KINDS = ['tcp', 'udp', 'fd'] as const;
export type StreamKindName = (typeof STREAM_KINDS)[number];

/** The two messages of an HTTP exchange (`httpBody`). */
export const HTTP_MESSAGES = ['request', 'response'] as const;
export type HttpMessageName = (typeof HTTP_MESSAGES)[number];

export interface StreamSummary {
  id: string;
  kind: StreamKindName;
  /** `addr:port` endpoints; for fd streams the fd name's two sides, or process and path. */
  client: string;
  server: string;
  firstEvent: number;
  lastEvent: number;
  events: number;
  /** Payload bytes per direction (0 client → server, 1 server → client), as captured. */
  bytes: [number, number];
  /** fd streams: process, thread (-1 merged), fd number and name, who opened the socket. */
  pid?: number;
  tid?: number;
  fd?: number;
  name?: string;
  procName?: string;
  role?: 'client' | 'server' | 'other';
}

export interface FollowChunk {
  dir: 0 | 1;
  event: number;
  lastEvent?: number;
  time: number;
  /** Position of the first byte in its direction (counting gaps and unrecorded bytes). */
  seq: number;
  bytes: Uint8Array;
  /** Bytes missing before this chunk (`[N bytes missing in capture file]`). */
  gap?: number;
  /** Bytes the tracer did not record after this chunk's bytes. */
  truncated?: number;
}

export interface FollowPage {
  id: string;
  kind: string;
  client: string;
  server: string;
  /** tshark's filter text for the stream (`tcp.stream eq 3`). */
  filter: string;
  page: number;
  pages: number;
  /** Index of this page's first chunk in the stream. */
  firstChunk: number;
  totalChunks: number;
  totalBytes: [number, number];
  chunks: FollowChunk[];
  /** The page printed in the requested format ('' for 'none'). */
  text: string;
  summary: { clientChunks: number; serverChunks: number; turns: number };
  notes: string[];
}

export interface HttpExchangeRow {
  stream: string;
  /** Exchange index within its stream (for httpBody). */
  index: number;
  /** Events where request / response start, and where they complete (tshark's frame). */
  request: number | null;
  requestEnd: number | null;
  response: number | null;
  responseEnd: number | null;
  version: string;
  method: string;
  host: string;
  uri: string;
  status: number | null;
  phrase: string;
  requestBodyBytes: number;
  /** After content decoding. */
  responseBodyBytes: number;
  responseWireBytes: number;
  contentType: string;
  contentEncoding: string;
  /** Seconds from request start to response end, or null. */
  duration: number | null;
  /** Upgrade target (`websocket`) when the connection switched protocols. */
  upgrade: string;
  /** Some bytes of the exchange were not captured / recorded. */
  truncated: boolean;
  /** Body bytes (request + response) that are not in the capture (gaps, strace -s, snaplen). */
  missingBytes?: number;
  /** The capture ended before the exchange did. */
  incomplete: boolean;
  /** HTTP/2: the stream identifier (version is then `HTTP/2`, host the `:authority`). */
  streamId?: number;
  /** Capture sets: the process of the exchange (its connection's client owner, else the server's). */
  procName?: string;
  pid?: number;
}

/** Columns the exchange list sorts by in the engine (`time`: the event where the exchange starts). */
export const HTTP_SORT_KEYS = ['time', 'version', 'method', 'host', 'uri', 'status', 'req', 'resp', 'type', 'duration', 'stream'] as const;
export type HttpSortKey = (typeof HTTP_SORT_KEYS)[number];
export const MAX_HTTP_PAGE_ROWS = 5000;

export interface HttpPageQuery {
  /** Display filter over the request and response events (as `httpExchanges`). */
  filter?: string;
  /**
   * Text searched (case-insensitive substring) in method, host, path, status, version, content
   * type, reason phrase and User-Agent of HTTP/1.x and HTTP/2 alike, and in every header of
   * HTTP/2 exchanges; with `headers`, in every header of HTTP/1.x exchanges too (re-parsed).
   */
  search?: string;
  headers?: boolean;
  sort?: HttpSortKey | null;
  descending?: boolean;
  start: number;
  count: number;
  /**
   * The rows packed (`HttpPage.packed`, shared/packed-http.ts) instead of one object per row:
   * a page of 5000 rows is then a few arrays and one string to measure and copy.
   */
  packed?: boolean;
  /**
   * The rows as the lines `tracelens http` prints (`HttpPage.lines`, shared/http-lines.ts)
   * instead of rows: the CLI writes them as they come.
   */
  lines?: 'jsonl' | 'tsv';
}

export interface HttpPage {
  /** Exchanges in the view (after search and filter). */
  total: number;
  /** Exchanges in the capture. */
  all: number;
  start: number;
  /** Empty when `packed`. */
  rows: HttpExchangeRow[];
  /** The same rows when asked `packed`; fewer than asked when they pass PAGE_BYTES (ask on from start + n). */
  packed?: PackedHttpRows;
  /** The same rows when asked `lines`: `n` rows as text, fewer than asked when they pass PAGE_BYTES (ask on from start + n). */
  lines?: { n: number; text: string };
  /** Time spent building the view (0 when it was kept from an earlier page). */
  ms: number;
}

/**
 * HTTP exchange rows as columns (shared/packed-http.ts HTTP_ROW_FIELDS says which field is
 * where): `numbers` holds the number and flag fields of each row, `texts` one value per text
 * field, and bit f of `absent[r]` says field f of row r is null (or, if optional, not there).
 */
export interface PackedHttpRows {
  n: number;
  numbers: Float64Array;
  texts: PackedValues;
  absent: Uint32Array;
}

export interface HttpBody {
  startLine: string;
  headers: [string, string][];
  /** Decoded body (Content-Encoding undone; chunking removed). */
  body: Uint8Array;
  /** Body as sent, chunking removed. */
  raw: Uint8Array;
  contentType: string;
  contentEncoding: string;
  decodeError?: string;
  /** Why the decoded body is shorter than the real one (decoded size limit, decode budget). */
  bodyNote?: string;
  /** The page: `body` and `raw` are the bytes from `offset` of bodies of `bodySize` / `rawSize`
   *  bytes (absent: the whole bodies). */
  offset?: number;
  bodySize?: number;
  rawSize?: number;
  /** Body bytes not in the capture. */
  missing: number;
  event: number;
  /** Trailer fields (HTTP/2 trailers), when there were any. */
  trailers?: [string, string][];
}

/** One body of an httpBodies reply. */
export interface HttpBodyItem {
  body: Uint8Array;
  bodySize: number;
  contentType: string;
  decodeError?: string;
  bodyNote?: string;
  /** Why this message could not be read (the other items are unaffected). */
  error?: string;
}

/** Items of one httpBodies request, at most. */
export const MAX_BODY_BATCH = 1024;

export interface KeylogResult {
  /** Secrets that were new. */
  added: number;
  /** Valid secret lines read. */
  lines: number;
  /** Malformed lines (1-based line numbers; line 0 = the file could not be read). */
  errors: { line: number; message: string }[];
}

export interface TlsStreamInfo {
  /** Source stream id (`tcp:N`, `fd:PID:FD:N`). */
  stream: string;
  /** decrypted | no-key | auth-failed | unsupported | no-encrypted-data */
  status: string;
  statusText: string;
  version?: number;
  /** The ServerHello's cipher suite number (RFC 8446 §4.1.3), named in `suite` when tracelens knows it. */
  cipherSuite?: number;
  suite?: string;
  sni?: string;
  alpn?: string;
  /** First event whose record failed authentication. */
  failedEvent?: number;
}

export interface FilterResult {
  ok: boolean;
  text: string;
  /** Events shown now (all events when the filter is empty or failed). */
  matched: number;
  total: number;
  cancelled: boolean;
  errors: FilterMessage[];
  warnings: FilterMessage[];
  ms: number;
}

/**
 * One column of an `eventTable` page: numbers (NaN = no value), or texts as ids into the page's
 * `dict` (NO_TEXT = no value) — a few distinct texts repeat over a million rows, and typed arrays
 * cross the worker boundary as one copy.
 */
export interface EventTableColumn {
  name: string;
  type: 'BIGINT' | 'DOUBLE' | 'VARCHAR';
  nums?: Float64Array;
  ids?: Uint32Array;
  dict?: string[];
}

/** The id of "no value" in an `EventTableColumn`'s ids. */
export const NO_TEXT = 0xffffffff;

export interface EventTablePage {
  start: number;
  /** Events in the capture. */
  total: number;
  columns: EventTableColumn[];
}

/** Most rows one `eventTable` page holds. */
export const MAX_EVENT_TABLE_ROWS = 65536;

export interface ExtractPage {
  events: Uint32Array;
  /** Per row, per requested field: all occurrences (empty array when absent). Empty when `packed`. */
  values: string[][][];
  /** The same values when asked `packed` (shared/packed-values.ts reads a row back). */
  packed?: PackedValues;
  /** Or asked `lines`: one line per event of `events` (shared/field-lines.ts). */
  lines?: Uint8Array;
}

/** Most rows of an `extract` page asked as `lines`: a page of one-number lines is about 0.5 MB. */
export const MAX_LINES_PAGE = 65536;

/**
 * Extract values without an array per row and field: every value's text in `text`, one after
 * the other; `counts[r * fields + k]` values of field k in row r; `ends[j]` where value j ends.
 */
export interface PackedValues {
  text: string;
  counts: Uint32Array;
  ends: Uint32Array;
}

export type MethodName = keyof EngineMethods;

/** New events of a followed capture (see `tail`). */
export interface TailPage {
  /** The last event tested: the `after` of the next call. */
  tested: number;
  /** Events indexed so far, and whether indexing has ended (following stopped, or the file is finished). */
  total: number;
  done: boolean;
  /** The table's rows of the matching events (when no `fields` were asked for). */
  rows?: RowsPage;
  /** Or their -e values: per event, per field, the occurrences. */
  events?: number[];
  values?: string[][][];
}

/** Every method of `EngineMethods`, for checking a request's method at run time. */
export const METHOD_NAMES = [
  'open', 'openUpload', 'upload', 'info', 'cancel', 'columns', 'rows', 'details', 'bytes', 'fields', 'filter', 'sort',
  'rowOf', 'cancelFilter', 'extract', 'addKeylog', 'keylogCandidates', 'exportKeylog', 'tlsStreams', 'streams', 'follow',
  'httpExchanges', 'httpPage', 'httpBody', 'httpBodies', 'colourRules', 'find', 'cancelFind', 'decodeAsChoices', 'decodeAs', 'expert', 'stats', 'ioGraph', 'syscallOverview', 'cancelStats',
  'stopFollow', 'tail', 'har', 'links', 'owners', 'eventTable', 'httpTable', 'timeline', 'followPeers',
  'captureTools', 'startTrace', 'startPacketCapture', 'stopCapture', 'nameResolution', 'hosts',
] as const satisfies readonly MethodName[];

/** Compile-time check that `METHOD_NAMES` lists every method: this type is `never` when it does. */
export type UnlistedMethod = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
const everyMethodListed: [UnlistedMethod] extends [never] ? readonly string[] : UnlistedMethod = METHOD_NAMES;

export function isMethodName(name: string): name is MethodName {
  return everyMethodListed.includes(name);
}
export type Params<M extends MethodName> = EngineMethods[M][0];
export type Result<M extends MethodName> = EngineMethods[M][1];

export interface RequestMessage<M extends MethodName = MethodName> {
  kind: 'request';
  id: number;
  method: M;
  params: Params<M>;
}

export interface ResponseMessage {
  kind: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type StatsStage = 'http' | 'filter' | 'compute';

/** The error message of a statistic stopped by cancelStats. */
export const STATS_CANCELLED = 'statistics cancelled';

/** Pushed by the engine without a request. */
export type EngineEvent =
  /**
   * `rows`: the first rows the open asked for (`firstRows`), on the first progress that has them,
   * with the table's `columns` (as the `columns` method answers).
   */
  | { kind: 'event'; type: 'progress'; info: CaptureInfo; rows?: RowsPage; columns?: ColumnDef[] }
  | { kind: 'event'; type: 'error'; message: string }
  | { kind: 'event'; type: 'filterProgress'; text: string; matched: number; tested: number; total: number }
  /** A running `find`: rows looked at so far of `total`. */
  | { kind: 'event'; type: 'findProgress'; tested: number; total: number }
  /**
   * A running statistic (`name`: its StatName, `ioGraph` or `syscallOverview`): waiting for the
   * HTTP scan (its httpProgress events say how far), running display filter `filter` (events
   * tested `done` of `total`; `step` of `steps` filters), or counting.
   */
  | { kind: 'event'; type: 'statsProgress'; name: string; stage: StatsStage; done: number; total: number; filter?: string; step?: number; steps?: number }
  /**
   * The HTTP scan that follows indexing (HTTP view rows, http.* fields): events looked at so
   * far of `total`, HTTP messages found; `finished` once its results are in (also after keys
   * were added and the HTTP rows changed).
   */
  | { kind: 'event'; type: 'httpProgress'; done: number; total: number; messages: number; finished: boolean }
  /**
   * The background TCP analysis pass that follows indexing: frames 1..`done` of `total` are
   * analysed (rows pages ask again for their pending rows up to it); `finished` at the end.
   */
  | { kind: 'event'; type: 'analysisProgress'; done: number; total: number; finished: boolean }
  /** A live capture (startTrace, startPacketCapture) changed state: running, stopping, ended. */
  | { kind: 'event'; type: 'capture'; status: CaptureStatus };

export type EngineMessage = ResponseMessage | EngineEvent;

/** The minimal transport both hosts provide: Electron MessagePort, worker_threads, WebSocket. */
export interface Port {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
  close(): void;
}
