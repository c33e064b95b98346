/** The live-capture UI state: which dialog is open, and the running (or last) capture's status. */
import { create } from 'zustand';
import type { CaptureStatus } from '../../shared/rpc.ts';

export interface CaptureUiState {
  dialog: 'trace' | 'packets' | null;
  /** The running capture's status as the engine last reported it; the last one stays after it ends. */
  status: CaptureStatus | null;
}

export const useCapture = create<CaptureUiState>(() => ({ dialog: null, status: null }));
