/**
 * The only IPC channels between the preload and main. Main registers handlers for these and no
 * others; the preload exposes no generic send/invoke, so a page cannot reach any other channel.
 */
export const IpcChannel = {
  /** invoke → void: native File → Open dialog for the sender's window. */
  ShowOpenDialog: 'tracelens:show-open-dialog',
  /** invoke(path) → void: open a capture (in the sender's window if it has none yet). */
  OpenPath: 'tracelens:open-path',
  /** invoke → string[]: recent files, newest first. */
  RecentFiles: 'tracelens:recent-files',
  /** invoke → string | null: the capture this window shows. */
  CapturePath: 'tracelens:capture-path',
  /**
   * invoke → string[]: every file of this window's capture (the first is CapturePath; more when
   * several strace -ff logs were opened together), empty for a welcome window.
   */
  CapturePaths: 'tracelens:capture-paths',
  /** invoke → void: restart this window's engine and reload the window (after an engine crash). */
  Reopen: 'tracelens:reopen',
  /** invoke → SampleCapture[]: the sample captures shipped with the app. */
  Samples: 'tracelens:samples',
  /** send: ask for a (new) engine port for this window; the previous engine is ended. */
  RequestEnginePort: 'tracelens:request-engine-port',
  /** main → window: (command: string, arg?: string), see HostCommand in shared/host-bridge.ts. */
  Command: 'tracelens:command',
  /** main → window: the window's end of the engine MessageChannel, in `event.ports[0]`. */
  EnginePort: 'tracelens-engine-port',
} as const;

export type IpcChannelName = (typeof IpcChannel)[keyof typeof IpcChannel];

/** Channels the renderer may invoke or send on (main → window channels are not in it). */
export const RENDERER_TO_MAIN_CHANNELS: readonly string[] = [
  IpcChannel.ShowOpenDialog,
  IpcChannel.OpenPath,
  IpcChannel.RecentFiles,
  IpcChannel.CapturePath,
  IpcChannel.CapturePaths,
  IpcChannel.Reopen,
  IpcChannel.Samples,
  IpcChannel.RequestEnginePort,
];
