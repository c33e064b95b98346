// @vitest-environment happy-dom
/**
 * Follow side by side (docs/capture-sets.md) over the real engine on the seed set (pcap +
 * strace of the client): following tcp:0 shows the client socket's fd stream beside it, and a
 * scroll in one pane brings the other to the line holding the same byte offset.
 */
import { join } from 'node:path';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { FollowPane } from '../../renderer/streams/FollowPane.tsx';
import { buildLines, LINE_HEIGHT, lineAtOffset, offsetOfLine } from '../../renderer/streams/follow-lines.ts';
import { inProcessHost } from './in-process-host.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !ok(); i++) await act(async () => new Promise((r) => setTimeout(r, 10)));
  expect(ok(), what).toBe(true);
}

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

const enc = new TextEncoder();

describe('follow line offsets', () => {
  it('each ASCII line knows the stream offset of its first byte (CR dropped, wraps counted)', () => {
    const page = {
      page: 0, client: 'a:1', server: 'b:2',
      chunks: [
        { dir: 0 as const, event: 1, time: 0, seq: 0, bytes: enc.encode('GET /a HTTP/1.1\r\nHost: x\r\n\r\n') },
        { dir: 1 as const, event: 2, time: 0, seq: 0, bytes: enc.encode(`${'x'.repeat(170)}\nend`) },
        { dir: 0 as const, event: 3, time: 0, seq: 28, bytes: Uint8Array.from([0, 1, 2, 0x41]) },
      ],
    };
    const l = buildLines(page, 'ascii', { direction: 'both', deltaTimes: false });
    expect(l.map((x) => [x.dir, x.at, x.text.length])).toEqual([[0, 0, 15], [0, 17, 7], [0, 26, 0], [1, 0, 160], [1, 160, 10], [1, 171, 3], [0, 28, 4]]);
    expect(buildLines(page, 'hex', { direction: 'both', deltaTimes: false }).map((x) => x.at)).toEqual([0, 16, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 28]);
    expect(offsetOfLine(l, 3)).toEqual({ dir: 1, at: 0 });
    expect(lineAtOffset(l, 0, 20)).toBe(1);
    expect(lineAtOffset(l, 1, 171)).toBe(5);
    expect(lineAtOffset(l, 0, 30)).toBe(6);
  });
});

describe('Follow side by side against the engine (seed set)', () => {
  it('tcp:0 beside the client\'s fd stream; scrolling either pane lines the other up on the same byte', async () => {
    useApp.setState({ ...initialState });
    const session: Session = createSession(inProcessHost());
    await session.open({ kind: 'path', path: join(SEED, 'upload-413.pcap'), more: [join(SEED, 'upload-413.strace')] }, true);
    await until(() => useApp.getState().info?.done === true, 'set opened');
    const div = document.createElement('div');
    document.body.append(div);
    root = createRoot(div);
    act(() => root!.render(<FollowPane session={session} target={{ kind: 'tcp', stream: 'tcp:0', prevFilter: '', seq: 1 }} />));
    await until(() => div.querySelector('[data-testid="follow-peer-text"] .follow-line') !== null, 'peer column drawn');
    await until(() => div.querySelector('[data-testid="follow-text"] .follow-line') !== null, 'main column drawn');
    const head = div.querySelector('[data-testid="follow-peer"] .follow-peer-head')?.textContent ?? '';
    expect(head).toMatch(/fd stream fd:3914:4:\d+ pid 3914 fd 4 offsets: same offsets/);
    expect(div.querySelector('[data-testid="follow-peer-notes"]')?.textContent).toMatch(/the server side is not in the syscall capture/);

    const main = div.querySelector('[data-testid="follow-text"]') as HTMLDivElement;
    const peer = div.querySelector('[data-testid="follow-peer-text"]') as HTMLDivElement;
    const lineAt = (el: HTMLDivElement, top: number): HTMLElement | null => el.querySelector(`.follow-line[data-line="${Math.round(top / LINE_HEIGHT)}"]`);
    const scrollTo = async (el: HTMLDivElement, top: number): Promise<void> => {
      await act(async () => {
        el.scrollTop = top;
        el.dispatchEvent(new Event('scroll'));
      });
      await act(async () => new Promise((r) => setTimeout(r, 20)));
    };
    // The main pane's lines (tcp:0): scroll to one in the middle of the upload (client → server).
    const mainLines = parseFloat((main.firstElementChild as HTMLElement).style.height) / LINE_HEIGHT;
    expect(mainLines).toBeGreaterThan(500);
    for (const frac of [0.3, 0.6]) {
      const top = Math.round(mainLines * frac) * LINE_HEIGHT;
      await scrollTo(main, top);
      const m = lineAt(main, top);
      expect(m, 'main line drawn').not.toBeNull();
      const at = Number(m!.dataset.at);
      expect(peer.scrollTop).toBeGreaterThan(0);
      const p = lineAt(peer, peer.scrollTop);
      expect(p, 'peer line drawn').not.toBeNull();
      // The peer's top line holds the main line's first byte: it starts at or before it, and the next one after it.
      const pAt = Number(p!.dataset.at);
      const next = peer.querySelector(`.follow-line[data-line="${Number(p!.dataset.line) + 1}"]`) as HTMLElement | null;
      expect(pAt).toBeLessThanOrEqual(at);
      expect(Number(next?.dataset.at ?? Infinity)).toBeGreaterThan(at);
      expect(p!.className).toContain(m!.className.includes('client') ? 'client' : 'server');
    }
    // And the other way: a scroll in the fd stream moves the TCP stream.
    const before = main.scrollTop;
    const ptop = Math.round(peer.scrollTop / LINE_HEIGHT + 200) * LINE_HEIGHT;
    await scrollTo(peer, ptop);
    const p = lineAt(peer, ptop);
    expect(p).not.toBeNull();
    expect(main.scrollTop).not.toBe(before);
    const m = lineAt(main, main.scrollTop);
    expect(Number(m!.dataset.at)).toBeLessThanOrEqual(Number(p!.dataset.at));
    // Unticked: the TCP stream alone.
    await act(async () => (div.querySelector('[data-testid="follow-side-by-side"]') as HTMLInputElement).click());
    expect(div.querySelector('[data-testid="follow-peer"]')).toBeNull();
    session.close();
  });
});
