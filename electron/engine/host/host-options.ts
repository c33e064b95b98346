/**
 * What a host process (CLI, browser mode, desktop main) tells the engine it starts. Kept apart
 * from engine-host.ts so hosts can import it without loading the engine.
 */
import type { EngineLimits } from '../limits.ts';
import type { AllowedPaths } from './path-policy.ts';

/** Largest upload accepted by default (browser mode's --max-upload changes it). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/**
 * What a host may restrict (browser mode does; the CLI and desktop main pass nothing). Plain data:
 * it crosses into a worker as workerData.
 */
export interface EngineHostOptions {
  /** The only files `open` and `addKeylog` may read (path-policy.ts); absent: any path. */
  allowed?: AllowedPaths;
  /** Folder that holds this engine's uploads (the host made it 0700 and removes it when the engine ends). */
  uploadDir?: string;
  /** Largest upload accepted, in bytes. */
  maxUploadBytes?: number;
  /**
   * Start the HTTP scan when a request first needs it, not after indexing (the CLI: one command,
   * one question; a `tcp.flags.syn == 1` listing then never pays for the scan).
   */
  scanOnDemand?: boolean;
  /**
   * Live captures (startTrace, startPacketCapture) may start strace/tcpdump as this host's user:
   * the desktop app, and browser mode when its server listens on loopback only. `note` says where.
   */
  capture?: { allowed: boolean; note: string };
  /**
   * Captures to warm the engine with once it has started (host/warm-up.ts), the first that can
   * be: browser mode's engines wait for a window, and its first page is then not cold code.
   */
  warmWith?: string[];
}

/** Messages the desktop main process posts on the utility process's parentPort (main/windows.ts → utility-entry.ts). */
export type EngineSetupMessage =
  | { type: 'engine-port'; allow: string[]; limits: Partial<EngineLimits> }
  | { type: 'allow'; paths: string[] }
  /** A spare engine, before any window: warm with these captures until the port comes (host/warm-up.ts). */
  | { type: 'warm'; paths: string[] };
