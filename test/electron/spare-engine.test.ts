// A desktop spare engine (utility-entry.ts serveFromParent): it warms before main hands it a window's port, and stops warming then.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { serveFromParent, type MainPortLike, type ParentPortLike } from '../../electron/engine/host/utility-entry.ts';

/** A MessagePortMain stand-in: `send` delivers to the engine, its answers are recorded. */
function mainPort(): MainPortLike & { send(m: unknown): void; sent: unknown[] } {
  const ee = new EventEmitter();
  const sent: unknown[] = [];
  return {
    on: (event: string, l: (e: { data: unknown }) => void) => ee.on(event, l),
    postMessage: (m: unknown) => sent.push(m),
    start: () => {},
    close: () => {},
    send: (m: unknown) => ee.emit('message', { data: m }),
    sent,
  } as MainPortLike & { send(m: unknown): void; sent: unknown[] };
}

describe('spare engine in a utility process', () => {
  it('warms with the paths main sends before any window, stops when the window port comes, then serves it', async () => {
    const parent = new EventEmitter();
    const stops: (() => boolean)[] = [];
    const warm = vi.fn(async (paths: readonly string[], stop: () => boolean = () => false) => (stops.push(stop), paths[0] ?? null));
    const exit = vi.spyOn(process, 'once');
    serveFromParent(parent as unknown as ParentPortLike, warm);
    parent.emit('message', { data: { type: 'warm', paths: ['/samples/a.pcapng', 7] }, ports: [] });
    expect(warm).toHaveBeenCalledWith(['/samples/a.pcapng'], expect.any(Function));
    expect(stops[0]!()).toBe(false);
    const port = mainPort();
    parent.emit('message', { data: { type: 'engine-port', allow: [], limits: {} }, ports: [port] });
    // The window's requests now run that code themselves.
    expect(stops[0]!()).toBe(true);
    port.send({ kind: 'request', id: 1, method: 'fields', params: null });
    await vi.waitFor(() => expect(port.sent).toContainEqual(expect.objectContaining({ kind: 'response', id: 1, ok: true })));
    // A late warm message (it cannot be, main sends it first) starts nothing once serving.
    parent.emit('message', { data: { type: 'warm', paths: ['/samples/a.pcapng'] }, ports: [] });
    expect(warm).toHaveBeenCalledTimes(1);
    // The engine's close-on-exit hook, left for the test process: run it so nothing stays open.
    const close = exit.mock.calls.find((c) => c[0] === 'exit')?.[1] as (() => void) | undefined;
    exit.mockRestore();
    close?.();
    process.removeListener('exit', close as () => void);
  });
});
