/**
 * A capture as the engine host, CLI and filters see it, whatever its format: a growing list of
 * events (indexed in one streaming pass), each of which can be shown as table cells, dissected
 * into a full field list, and re-read as bytes. Packets and syscalls both implement this.
 */
import type { CaptureInfo, ColumnDef, EventLinks, FollowPeers, HttpExchangeRow, SetOwner, SetTimeline } from '../../shared/rpc.ts';
import type { Dissection } from './dissectors/dissection.ts';
import type { PageTexts } from './index/columns.ts';
import type { PacketIndex } from './index/packet-index.ts';
import type { ConversationTable } from './streams/conversations.ts';
import type { SyscallIndex } from './syscalls/syscall-index.ts';
import type { FollowSpec } from './io/capture-source.ts';
import type { ColumnField } from './filter/column-filter.ts';
import type { CaptureSession } from './layers/session.ts';

/**
 * What stream building, TLS and HTTP need beyond the generic interface: the columnar index of
 * the capture (and for packets the conversation table and raw bytes of a frame).
 */
export type CaptureInternals =
  | {
    kind: 'packets'; index: PacketIndex; conv: ConversationTable; frameBytes(event: number): Uint8Array;
    /** Raw bytes at a file offset (decompressed data), for scans that read frames in order through a window. */
    readAt?(offset: number, length: number, into?: Uint8Array): Uint8Array;
    /**
     * The frame's own Info (`cells` before any stream layer) where it is TCP's and comes without a
     * dissection (dissectors/fixed-tcp.ts fixedTcpInfo); undefined: only `cells` has it.
     */
    tcpInfo?(event: number): string | undefined;
  }
  | { kind: 'syscalls'; index: SyscallIndex }
  | SetInternals;

/**
 * A capture set of packets and syscalls (sets/set-capture.ts): its events are the parts' events
 * merged by time, numbered 1..count(); each part keeps its own numbering and internals.
 */
export interface SetInternals {
  kind: 'set';
  /** The key of per-capture caches (WeakMaps keyed by `internals().index`): the packet part's index (sets/set-capture.ts), so TLS keys given to the set reach that part's key store. */
  index: object;
  parts: SetPart[];
  /** Which part an event of the set is, and its number there. */
  partOf(event: number): { part: number; local: number };
  /** The indexed fields of the set (filter/column-filter.ts), composed from the parts' columns and the correlation. */
  columnFields(): Map<string, ColumnField>;
  /** The events carrying the same bytes in the other world (sets/links.ts). */
  links(event: number): EventLinks;
  /** Per conversation: its owners or why there are none (sets/correlate.ts). */
  owners(): SetOwner[];
  /** The packets and syscalls of an event's connection in time order (sets/timeline.ts). */
  timeline(event: number): SetTimeline;
  /** Follow side by side: the other world's streams of a stream's connection (sets/follow-pair.ts). */
  followPeers(stream: string): FollowPeers;
  /** Every HTTP exchange of the set once, with its process (sets/set-http.ts). */
  httpRows(): HttpExchangeRow[];
  /** The part's session whose HTTP layer holds exchange stream `stream` (`tls:fd:…` → syscalls). */
  httpSession(stream: string): CaptureSession;
  /** A followed set's work so far (sets/set-follow.ts): events placed, events the correlation read, conversation sides matched. */
  followWork?(): { steps: number; packets: number; syscalls: number; sidesMatched: number };
  /** A key log still being written is followed beside the set: its parts' TLS streams wait for secrets (layers/http-layer.ts keysExpected). */
  expectKeys?(): void;
}

export interface SetPart {
  kind: 'packets' | 'syscalls';
  /** The part as a capture (with its stream layers), numbered in its own events. */
  capture: Capture;
  /** The set's event number of the part's event `local` (0 while a followed set has not placed it). */
  global(local: number): number;
  /** The part's session: its HTTP layer answers the set's http.* filters (layers/http-filter.ts). */
  session?: CaptureSession;
}

/** A column's text as a sort key: number-like texts (ports, lengths, times) sort as numbers, as users expect. */
export function textSortKey(cell: string): number | string {
  const v = cell.trim() === '' ? NaN : Number(cell);
  return Number.isNaN(v) ? cell : v;
}

export interface Capture {
  /** Live info: event count, progress, warnings. */
  info(): CaptureInfo;
  /** Number of events indexed so far; event numbers are 1..count(). */
  count(): number;
  /** The default table columns for this kind of capture. */
  columns(): ColumnDef[];
  /** Fill `out[c]` with the text of column `columns()[c]` for event `event` (1-based). */
  cells(event: number, out: string[]): void;
  /** Row colouring flags (RowFlag bits) of an event, from the index. */
  flags(event: number): number;
  /**
   * Sort key of a table column for an event, from the index when the capture has it there;
   * undefined means "sort by the column's text" (slower: a re-dissection per event).
   */
  sortKey?(event: number, column: string): number | string | undefined;
  /**
   * `sortKey` of events start+1 … start+count at once (the SQL events table): the same values,
   * where the capture has a faster way than a call per event (the session's Protocol column).
   */
  sortKeys?(column: string, start: number, count: number): (number | string | undefined)[];
  /**
   * A text `sortKey` column (Source, Destination, Protocol) of events start+1 … start+count as
   * ids into the page's distinct texts (NO_TEXT: none), without a string per event; undefined
   * for a column it does not hold so (then `sortKeys`).
   */
  sortKeyTexts?(column: string, start: number, count: number): PageTexts | undefined;
  /**
   * The `cells` text of column `column` (an id of `columns()`) for events start+1 … start+count
   * as ids into the page's distinct texts: the same texts, where the capture has a way without
   * a dissection per event (the session's Info); undefined where it has none.
   */
  cellTexts?(column: string, start: number, count: number): PageTexts | undefined;
  /** Epoch time of an event in seconds (float; for relative time columns and sorting). */
  time(event: number): number;
  /**
   * Dissect event `event` into `d` (details tree, `-e` values, filters). `info: false` skips
   * building display texts (Info column, frame.protocols) when only field values are needed.
   */
  dissect(event: number, d: Dissection, opts?: { info?: boolean }): void;
  /** Where the event's bytes are in the (decompressed) file: record data or text line. */
  range(event: number): { offset: number; length: number };
  /** Release file handles and temp files. */
  close(): void;
  /** Index internals for the stream layers (see CaptureInternals). */
  internals(): CaptureInternals;
}

// Stream-level fields (HTTP, TLS, HTTP/2) are not added here: a capture session
// (layers/session.ts) extends a Capture's dissect with its stream layers.

/** Progress callback while indexing; called every batch. */
export type ProgressFn = (info: CaptureInfo) => void;

export interface OpenOptions {
  onProgress?: ProgressFn;
  /** Checked between batches; when aborted, indexing stops and the capture keeps what it has. */
  signal?: AbortSignal;
  /** Keep reading a file that is still being written until `follow.stop` is aborted (pcap, pcapng, strace). */
  follow?: FollowSpec;
  /** Scan HTTP/1 heads in the index pass (layers/http-heads.ts): filters on `http.request.method` or `http.response.code` then run without the HTTP scan. */
  httpHeads?: boolean;
  /** Index every packet through the generic dissectors, without the fixed-offset fast path (dissectors/fixed-tcp.ts): the exactness test's reference. */
  genericIndex?: boolean;
}
