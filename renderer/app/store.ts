/**
 * UI state (zustand). Only small values live here: what is open, what is selected, display
 * options. Row data stays in the RowCache and per-event data is fetched on selection.
 */
import { create } from 'zustand';
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
}

export const initialState: AppState = {
  phase: 'welcome',
  fileName: '',
  error: null,
  info: null,
  columns: [],
  selectedRow: -1,
  selectedEvent: null,
  timeFormat: 'relative',
  firstRowsMs: null,
  warningsOpen: false,
  selectedField: null,
  hexSource: 0,
};

export const useApp = create<AppState>(() => ({ ...initialState }));
