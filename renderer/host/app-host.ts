/**
 * What the window needs from its host: the shared HostBridge plus a few things only the window
 * asks for (sample captures, uploading a dropped file in browser mode). Desktop and browser
 * bridges both produce an AppHost so the rest of the renderer never checks which one it has.
 */
import type { HostBridge } from '../../shared/host-bridge.ts';

export interface SampleCapture {
  name: string;
  /** Path the host can open (absolute on the machine running the engine). */
  path: string;
  description: string;
  /** Key log shipped next to the capture, if any. */
  keylog?: string;
}

export interface AppHost extends HostBridge {
  samples(): Promise<SampleCapture[]>;
  /** Remember a path in the recent list (browser: localStorage; desktop: main already does). */
  addRecent(path: string): void;
}

/** Descriptions of the captures in assets/samples/ (both hosts list the same files). */
export const SAMPLE_FILES: Omit<SampleCapture, 'path' | 'keylog'>[] = [
  { name: 'gen-tls13-h2.pcapng', description: 'HTTPS (TLS 1.3, HTTP/2) with its key log' },
  { name: 'curl_google.scap', description: 'sysdig capture: curl fetching google.com' },
  { name: 'strace-curl-http11-plain.strace', description: 'strace -f -tt -T -yy -xx of curl over plain HTTP' },
];
