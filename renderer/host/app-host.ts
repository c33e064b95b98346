/**
 * What the window needs from its host: the shared HostBridge plus a few things only the window
 * asks for (sample captures, uploading a dropped file in browser mode). Desktop and browser
 * bridges both produce an AppHost so the rest of the renderer never checks which one it has.
 */
import type { HostBridge } from '../../shared/host-bridge.ts';
import type { SampleCapture } from '../../shared/samples.ts';

export type { SampleCapture };

export interface AppHost extends HostBridge {
  samples(): Promise<SampleCapture[]>;
  /** Remember a path in the recent list (browser: localStorage; desktop: main already does). */
  addRecent(path: string): void;
}
