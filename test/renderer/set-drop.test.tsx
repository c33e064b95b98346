// @vitest-environment happy-dom
/**
 * Several files dropped or picked at once (browser mode: uploaded) open as one capture set; a
 * key log among them decrypts it. The engine's upload of several files checks each declared
 * size and the file order, and discards an upload that does not keep to them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';
import { openDropped } from '../../renderer/app/App.tsx';
import { createSession } from '../../renderer/app/session.ts';
import { CORPUS } from '../engine/corpus.ts';
import { hasSysdig } from '../sets/corpus-setup.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const CORPUS_SCAP = join(CORPUS, 'scap/falco');

const canRotate = (): boolean => hasSysdig() && CORPUS !== '' && existsSync(CORPUS_SCAP);
const file = (name: string): File => new File([readFileSync(join(SEED, name))], name);

function ports(): { enginePort: Port; clientPort: Port } {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  return {
    enginePort: { postMessage: (m) => setTimeout(() => toClient(m), 0), onMessage: (h) => (toEngine = h), close() {} },
    clientPort: { postMessage: (m) => setTimeout(() => toEngine(m), 0), onMessage: (h) => (toClient = h), close() {} },
  };
}

function browserHost(): AppHost {
  return {
    mode: 'browser',
    connectEngine: async () => {
      const { enginePort, clientPort } = ports();
      serveEngine(enginePort);
      return clientPort;
    },
    pathForFile: () => null,
    showOpenDialog: async () => {},
    openPath: async () => {},
    recentFiles: async () => [],
    onCommand: () => () => {},
    samples: async () => [],
    addRecent: () => {},
  };
}

function engine(): EngineClient {
  const { enginePort, clientPort } = ports();
  serveEngine(enginePort);
  return createEngineClient(clientPort);
}

describe('several files dropped at once', () => {
  it('pcap + strace + key log: one set, named by its files, decrypted', async () => {
    useApp.setState({ ...initialState });
    const session = createSession(browserHost());
    await openDropped(session, [file('upload-413.pcap'), file('upload-413.keys'), file('upload-413.strace')]);
    const s = useApp.getState();
    expect(s.phase).toBe('open');
    expect(s.info?.extra.set).toBe('2 files');
    expect(s.info?.name).toBe('upload-413.pcap, upload-413.strace');
    const c = session.client()!;
    // frame.file names the uploaded files as they were called, and the 413 is decrypted.
    const page = await c.call('extract', { start: 0, count: 1000, fields: ['frame.file', 'http.response.code'] });
    expect(new Set(page.values.map((r) => r[0][0]))).toEqual(new Set(['upload-413.pcap', 'upload-413.strace']));
    expect(page.values.some((r) => r[1][0] === '413')).toBe(true);
    session.close();
  });

  it.skipIf(!canRotate())('the files of a sysdig rotation, dropped in any order: one capture, read in time order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-drop-rot-'));
    try {
      // sysdig's own cycle dumper writes the rotation (test/sets/scap-rotation.test.ts compares it with sysdig).
      execFileSync('sysdig', ['-r', join(CORPUS_SCAP, 'psp_run_as_user_0_container.scap'), '-w', join(dir, 'r.scap'), '-e', '1500'], { stdio: 'ignore' });
      const names = readdirSync(dir).sort();
      expect(names.length).toBeGreaterThan(2);
      useApp.setState({ ...initialState });
      const session = createSession(browserHost());
      await openDropped(session, [...names].reverse().map((n) => new File([readFileSync(join(dir, n))], n)));
      const s = useApp.getState();
      expect(s.phase).toBe('open');
      expect(s.info?.format).toBe('scap');
      expect(s.info?.extra.files).toBe(names.length);
      expect(s.info?.name).toBe(names.join(', '));
      const c = session.client()!;
      const n = s.info!.events;
      const page = await c.call('extract', { start: 0, count: n, fields: ['frame.file', 'evt.num'] });
      const files = page.values.map((r) => String(r[0][0]));
      // Every event names its file; the files follow each other in time order, once each.
      expect(files.filter((f, i) => i === 0 || f !== files[i - 1])).toEqual(names);
      expect(page.values.map((r) => Number(r[1][0]))).toEqual(page.values.map((_r, i) => i + 1));
      session.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the engine refuses chunks out of order, a missing file and a short file', async () => {
    const c = engine();
    const bytes = new Uint8Array([1, 2, 3]);
    await c.call('openUpload', { name: 'a.pcap', size: 3, more: [{ name: 'b.strace', size: 2 }] });
    await expect(c.call('upload', { chunk: bytes, last: false, file: 2 })).rejects.toThrow();
    await c.call('openUpload', { name: 'a.pcap', size: 3, more: [{ name: 'b.strace', size: 2 }] });
    await c.call('upload', { chunk: bytes, last: false });
    await expect(c.call('upload', { chunk: bytes, last: true })).rejects.toThrow(/more than the 3 bytes/);
    await c.call('openUpload', { name: 'a.pcap', size: 3, more: [{ name: 'b.strace', size: 2 }] });
    await c.call('upload', { chunk: bytes.slice(0, 2), last: false });
    await expect(c.call('upload', { chunk: bytes.slice(0, 2), last: true, file: 1 })).rejects.toThrow(/a\.pcap ended after 2 of the 3 bytes/);
    await c.call('openUpload', { name: 'a.pcap', size: 3, more: [{ name: 'b.strace', size: 2 }] });
    await expect(c.call('upload', { chunk: bytes, last: true })).rejects.toThrow(/after 1 of the 2 files/);
  });
});
