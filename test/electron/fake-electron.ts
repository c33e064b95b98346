/**
 * A stand-in for the `electron` module in unit tests (the binary cannot be downloaded here).
 * It records what main asks of Electron so tests can assert on windows, engines, ports, IPC
 * handlers and menus. Only the members main uses exist.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Handler = (...args: unknown[]) => unknown;

export class FakePort extends EventEmitter {
  constructor(readonly name: string) {
    super();
  }
  postMessage = vi.fn();
  start = vi.fn();
  close = vi.fn();
}

export class MessageChannelMain {
  static created: MessageChannelMain[] = [];
  port1 = new FakePort('port1');
  port2 = new FakePort('port2');
  constructor() {
    MessageChannelMain.created.push(this);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: unknown,
  ) {
    super();
  }
  postMessage = vi.fn();
  /** Like Electron: the process exits (here at once) with a signal-ish code. */
  kill = vi.fn(() => {
    this.killed = true;
    this.emit('exit', 15);
    return true;
  });
}

export const forked: FakeUtilityProcess[] = [];
export const utilityProcess = {
  fork: vi.fn((modulePath: string, args: string[] = [], options?: unknown) => {
    const p = new FakeUtilityProcess(modulePath, args, options);
    forked.push(p);
    return p;
  }),
};

let nextContentsId = 1;
let nextWindowId = 1;

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  destroyed = false;
  mainFrame = new FakeFrame('');
  windowOpenHandler: Handler | null = null;
  send = vi.fn();
  postMessage = vi.fn();
  reload = vi.fn();
  isDestroyed = () => this.destroyed;
  getURL = () => this.url;
  setWindowOpenHandler = (h: Handler) => {
    this.windowOpenHandler = h;
  };
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly id = nextWindowId++;
  readonly webContents = new FakeWebContents();
  destroyed = false;
  minimized = false;
  title: string;
  representedFilename = '';
  loadedUrl = '';
  constructor(readonly options: { title?: string; webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    this.title = options.title ?? '';
    BrowserWindow.instances.push(this);
  }
  loadURL = vi.fn((url: string) => {
    this.loadedUrl = url;
    this.webContents.url = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  });
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  restore = vi.fn();
  focus = vi.fn();
  show = vi.fn();
  setTitle = vi.fn((t: string) => {
    this.title = t;
  });
  setRepresentedFilename = vi.fn((f: string) => {
    this.representedFilename = f;
  });
  /** Simulate the user closing the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  /** Simulate the page finishing a load. */
  finishLoad(): void {
    this.webContents.emit('did-finish-load');
  }
}

export const nativeTheme = { shouldUseDarkColors: false };

class FakeApp extends EventEmitter {
  isPackaged = false;
  gotLock = true;
  userData = '/tmp';
  ready = false;
  resolveReady: (() => void) | null = null;
  readyPromise = new Promise<void>((r) => (this.resolveReady = r));
  resetReady(): void {
    this.ready = false;
    this.readyPromise = new Promise<void>((r) => (this.resolveReady = r));
  }
  lockData: unknown = undefined;
  requestSingleInstanceLock = vi.fn((data?: unknown) => {
    this.lockData = data;
    return this.gotLock;
  });
  quit = vi.fn();
  setName = vi.fn();
  getPath = vi.fn(() => this.userData);
  getVersion = () => '0.1.0';
  appPath = '/app';
  getAppPath = () => this.appPath;
  isReady = () => this.ready;
  whenReady = () => this.readyPromise;
  addRecentDocument = vi.fn();
  clearRecentDocuments = vi.fn();
  showAboutPanel = vi.fn();
  setAboutPanelOptions = vi.fn();
  /** Fire `ready` and let the whenReady continuation run. */
  async makeReady(): Promise<void> {
    this.ready = true;
    this.resolveReady?.();
    await this.readyPromise;
    await new Promise((r) => setTimeout(r, 0));
  }
}
export const app = new FakeApp();

export const dialog = {
  showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
  showErrorBox: vi.fn(),
};

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  listeners: new Map<string, Handler>(),
  handle: vi.fn((channel: string, h: Handler) => {
    ipcMain.handlers.set(channel, h);
  }),
  on: vi.fn((channel: string, h: Handler) => {
    ipcMain.listeners.set(channel, h);
  }),
};

export const Menu = {
  current: null as unknown,
  buildFromTemplate: vi.fn((t: unknown) => t),
  setApplicationMenu: vi.fn((m: unknown) => {
    Menu.current = m;
  }),
};

export const session = {
  defaultSession: {
    permissionRequestHandler: null as Handler | null,
    permissionCheckHandler: null as Handler | null,
    headersHandler: null as Handler | null,
    setPermissionRequestHandler(h: Handler) {
      this.permissionRequestHandler = h;
    },
    setPermissionCheckHandler(h: Handler) {
      this.permissionCheckHandler = h;
    },
    webRequest: {
      onHeadersReceived(h: Handler) {
        session.defaultSession.headersHandler = h;
      },
    },
  },
};

export const protocol = {
  schemes: [] as unknown[],
  handlers: new Map<string, Handler>(),
  registerSchemesAsPrivileged: vi.fn((s: unknown[]) => {
    protocol.schemes.push(...s);
  }),
  handle: vi.fn((scheme: string, h: Handler) => {
    protocol.handlers.set(scheme, h);
  }),
};

export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = { on: vi.fn(), send: vi.fn(), invoke: vi.fn(), removeListener: vi.fn() };
export const webUtils = { getPathForFile: vi.fn(() => '') };

/** Reset recorded state between tests. */
export function resetFakes(): void {
  BrowserWindow.instances.length = 0;
  MessageChannelMain.created.length = 0;
  forked.length = 0;
  ipcMain.handlers.clear();
  ipcMain.listeners.clear();
  app.removeAllListeners();
  app.resetReady();
  app.gotLock = true;
  app.isPackaged = false;
  vi.clearAllMocks();
}
