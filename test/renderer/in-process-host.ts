/**
 * An AppHost for renderer tests that serves the real engine in-process over a pair of Ports
 * (messages cross on a timer, as between window and worker). `opened` collects openPath calls.
 */
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import type { Port } from '../../shared/rpc.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';

export function inProcessHost(mode: 'browser' | 'desktop' = 'browser', opened: string[] = []): AppHost {
  return {
    mode,
    connectEngine: async () => {
      let toEngine: (m: unknown) => void = () => {};
      let toClient: (m: unknown) => void = () => {};
      const enginePort: Port = { postMessage: (m) => setTimeout(() => toClient(m), 0), onMessage: (h) => (toEngine = h), close() {} };
      const clientPort: Port = { postMessage: (m) => setTimeout(() => toEngine(m), 0), onMessage: (h) => (toClient = h), close() {} };
      serveEngine(enginePort);
      return clientPort;
    },
    pathForFile: () => null,
    showOpenDialog: async () => {},
    openPath: async (p) => {
      opened.push(p);
    },
    recentFiles: async () => [],
    onCommand: () => () => {},
    samples: async () => [],
    addRecent: () => {},
  };
}
