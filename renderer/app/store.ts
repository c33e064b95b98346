/**
 * UI state (zustand). Only small values live here: what is open, what is selected, display
 * options. Row data stays in the RowCache and per-event data is fetched on selection.
 */
import { create } from 'zustand';
import type { FieldInfo } from '../../shared/fields.ts';
import type { CaptureInfo, ColumnDef } from '../../shared/rpc.ts';
import type { TimeFormat } from '../table/format.ts';

export type Phase = 'welcome' | 'loading' | 'open' | 'error';

export interface AppError {
  title: string;
  detail: string;
  /** Offer a Reopen button (engine crash, lost connection). */
  canReopen: boolean;
}

export interface AppState {
  phase: Phase;
  /** Name of the capture being opened or shown. */
  fileName: string;
  error: AppError | null;
  info: CaptureInfo | null;
  /**
   * Live: the capture is followed while it is written (tcpdump -w, strace -o): the engine reads
   * on at its end, the table keeps up and scrolls with it unless the user scrolled away.
   */
  live: boolean;
  columns: ColumnDef[];
  selectedRow: number;
  selectedEvent: number | null;
  timeFormat: TimeFormat;
  /** ms from the open request to the first rows painted. */
  firstRowsMs: number | null;
  warningsOpen: boolean;
  /** The details-tree node selected (path of child indices), for the hex highlight. */
  selectedField: number[] | null;
  /** Which data source the hex pane shows. */
  hexSource: number;
  /** The display filter in force (null: every event is shown). */
  view: { text: string; matched: number; total: number; ms: number } | null;
  /** A filter the engine is running, with its running count. */
  filterRun: { text: string; matched: number; tested: number; total: number } | null;
  /** Why the last filter was not applied (engine refusal), if it was not. */
  filterError: string | null;
  /** The field catalogue (filter validation and completion), once the engine sent it. */
  fields: readonly FieldInfo[] | null;
  /** Text pushed into the filter bar from elsewhere (Apply / Prepare as Filter); `seq` changes each time. */
  barText: { text: string; seq: number; apply: boolean };
  /** What the filter bar holds now (the "current filter" that …and/…or Selected extend). */
  filterDraft: string;
  /** Which view the top pane shows: the event table, the HTTP exchanges or the statistics. */
  mainTab: 'events' | 'http' | 'stats';
  /** The stream the follow pane shows (null: pane closed). */
  follow: FollowTarget | null;
  /** Whether the Expert Information pane is shown (Analyze ▸ Expert Information). */
  expert: boolean;
  /** Bumped whenever TLS secrets were added: views that depend on decryption refetch. */
  keysVersion: number;
  /** A short message about the last key log added (or why it failed). */
  keyNotice: { text: string; error: boolean; title?: string } | null;
  /** The table's sort column (null: event order), done by the engine. */
  sort: TableSort | null;
  /** A sort the engine is computing (busy indicator). */
  sorting: TableSort | null;
  /** Why the last sort failed, if it did. */
  sortError: string | null;
  /** Column order, visibility and widths of the event table (persisted per capture kind). */
  columnLayout: ColumnLayout;
  /** Which help / settings pane is open over the window. */
  panel: 'fields' | 'shortcuts' | 'columns' | 'decodeAs' | null;
  /** Capture sets: the connection timeline pane, for the connection of `event` (null: closed). */
  timeline: { event: number } | null;
  /** Capture sets: the events a "Go to …" item led to, stepped through by the links bar (renderer/timeline/). */
  linked: LinkedEvents | null;
}

export interface LinkedEvents {
  /** The event the links are of, and what they are ("3 segments of this write"). */
  origin: number;
  title: string;
  events: number[];
  /** Index in `events` of the one selected. */
  at: number;
}

export interface TableSort {
  column: string;
  descending: boolean;
}

export interface ColumnLayout {
  /** Column ids in display order (empty: the engine's order). */
  order: string[];
  /** Column id → false when hidden. */
  visibility: Record<string, boolean>;
  /** Column id → width in CSS pixels (absent: the engine's default). */
  widths: Record<string, number>;
  /** Fields shown as custom columns (Apply as Column, View ▸ Columns), in the order added. */
  custom?: string[];
}

/** What the follow pane was asked to show, and the filter to restore on Back. */
export interface FollowTarget {
  /** Which Follow ▸ item opened it. */
  kind: FollowKind;
  /** Stream id (`tcp:3`, `tls:tcp:3`, `fd:…`), or the event whose stream to show. */
  stream?: string;
  event?: number;
  prevFilter: string;
  /** Bumped to reopen the same target (e.g. after keys were added). */
  seq: number;
}

export type FollowKind = 'tcp' | 'udp' | 'tls' | 'http' | 'http2' | 'fd';

export const initialState: AppState = {
  phase: 'welcome',
  fileName: '',
  error: null,
  info: null,
  live: false,
  columns: [],
  selectedRow: -1,
  selectedEvent: null,
  timeFormat: 'relative',
  firstRowsMs: null,
  warningsOpen: false,
  selectedField: null,
  hexSource: 0,
  view: null,
  filterRun: null,
  filterError: null,
  fields: null,
  barText: { text: '', seq: 0, apply: false },
  filterDraft: '',
  mainTab: 'events',
  follow: null,
  expert: false,
  keysVersion: 0,
  keyNotice: null,
  sort: null,
  sorting: null,
  sortError: null,
  columnLayout: { order: [], visibility: {}, widths: {} },
  panel: null,
  timeline: null,
  linked: null,
};

/** Rows in the table: the filter's matches, or every event indexed so far. */
export function shownCount(s: AppState): number {
  return s.view ? s.view.matched : (s.info?.events ?? 0);
}

export const useApp = create<AppState>(() => ({ ...initialState }));
