/**
 * IPC handlers of main. Every call is checked before it acts: a known channel, a sender that is
 * the top frame of one of our windows showing our renderer, and well-formed arguments
 * (ipc-validate.ts). A rejected call throws back to the page, naming what was wrong.
 */
import type { SampleCapture } from '../../shared/samples.ts';
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { IpcChannel } from './ipc-channels.ts';
import { checkCapturePath, checkNoArgs, isTrustedSenderUrl } from './ipc-validate.ts';
import type { CaptureWindow, WindowManager } from './windows.ts';

export interface IpcDeps {
  windows: WindowManager;
  /** Origins the renderer is served from. */
  appOrigins: readonly string[];
  isFile(path: string): boolean;
  showOpenDialog(from: CaptureWindow): Promise<void>;
  openPath(path: string, from: CaptureWindow): void;
  recentFiles(): string[];
  samples(): SampleCapture[];
}

/** The window a call came from, or an error if the sender is not one of ours. */
export function senderWindow(event: IpcMainEvent | IpcMainInvokeEvent, deps: Pick<IpcDeps, 'windows' | 'appOrigins'>): CaptureWindow {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) throw new Error('IPC from a subframe is not allowed');
  if (!isTrustedSenderUrl(frame.url, deps.appOrigins)) throw new Error('IPC from an untrusted page is not allowed');
  const cw = deps.windows.fromWebContents(event.sender);
  if (!cw) throw new Error('IPC from an unknown window is not allowed');
  return cw;
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }, channel: string): T {
  if (!r.ok) throw new Error(`${channel}: ${r.error}`);
  return r.value;
}

export function registerIpc(ipc: Pick<IpcMain, 'handle' | 'on'>, deps: IpcDeps): void {
  ipc.handle(IpcChannel.ShowOpenDialog, async (event, ...args: unknown[]) => {
    const cw = senderWindow(event, deps);
    unwrap(checkNoArgs(args), IpcChannel.ShowOpenDialog);
    await deps.showOpenDialog(cw);
  });
  ipc.handle(IpcChannel.OpenPath, (event, ...args: unknown[]) => {
    const cw = senderWindow(event, deps);
    const path = unwrap(checkCapturePath(args, deps.isFile), IpcChannel.OpenPath);
    deps.openPath(path, cw);
  });
  ipc.handle(IpcChannel.RecentFiles, (event, ...args: unknown[]) => {
    senderWindow(event, deps);
    unwrap(checkNoArgs(args), IpcChannel.RecentFiles);
    return deps.recentFiles();
  });
  ipc.handle(IpcChannel.CapturePath, (event, ...args: unknown[]) => {
    const cw = senderWindow(event, deps);
    unwrap(checkNoArgs(args), IpcChannel.CapturePath);
    return cw.capturePath;
  });
  ipc.handle(IpcChannel.CapturePaths, (event, ...args: unknown[]) => {
    const cw = senderWindow(event, deps);
    unwrap(checkNoArgs(args), IpcChannel.CapturePaths);
    return cw.capturePath === null ? [] : [cw.capturePath, ...cw.morePaths];
  });
  ipc.handle(IpcChannel.Reopen, (event, ...args: unknown[]) => {
    const cw = senderWindow(event, deps);
    unwrap(checkNoArgs(args), IpcChannel.Reopen);
    deps.windows.reopen(cw);
  });
  ipc.handle(IpcChannel.Samples, (event, ...args: unknown[]) => {
    senderWindow(event, deps);
    unwrap(checkNoArgs(args), IpcChannel.Samples);
    return deps.samples();
  });
  ipc.on(IpcChannel.RequestEnginePort, (event, ...args: unknown[]) => {
    let cw: CaptureWindow;
    try {
      cw = senderWindow(event, deps);
      unwrap(checkNoArgs(args), IpcChannel.RequestEnginePort);
    } catch (e) {
      console.warn(`tracelens: ${(e as Error).message}`);
      return;
    }
    deps.windows.restartEngine(cw);
  });
}
