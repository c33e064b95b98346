// @vitest-environment happy-dom
/**
 * Capture sets in the window: the timeline's rows (landmarks alone, stretches folded), the
 * "Go to …" items from an event's links, and both against the real engine on the seed upload
 * (pcap + strace + key log): the pane reads write … write (413 arrives) … write → EPIPE, and
 * "Go to packets of this write" selects the write's segments.
 */
import { join } from 'node:path';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLinks, TimelineEntry } from '../../shared/rpc.ts';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { inProcessHost } from './in-process-host.ts';
import { TimelinePane } from '../../renderer/timeline/TimelinePane.tsx';
import { SetMenuItems } from '../../renderer/timeline/SetMenuItems.tsx';
import { LinkBar } from '../../renderer/timeline/LinkBar.tsx';
import { linkItems } from '../../renderer/timeline/links-menu.ts';
import { entryText, lanesOf, timelineRows } from '../../renderer/timeline/timeline-rows.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

const entry = (event: number, o: Partial<TimelineEntry>): TimelineEntry => ({ event, t: event / 1000, kind: 'syscall', dir: -1, side: 0, what: 'write', bytes: 0, text: '', mark: '', ...o });

describe('timeline rows', () => {
  it('landmarks get their own rows; a stretch of 3+ between them is one row counting each lane', () => {
    const es = [
      entry(1, { what: 'connect', mark: 'open', text: '= 0' }),
      entry(2, { bytes: 100, dir: 0 }),
      entry(3, { kind: 'packet', what: 'TCP', bytes: 100, dir: 0 }),
      entry(4, { kind: 'packet', what: 'TCP', bytes: 0, dir: 1 }),
      entry(5, { bytes: 50, dir: 0 }),
      entry(6, { kind: 'packet', what: 'HTTP', dir: 1, bytes: 300, text: 'HTTP/1.1 413 Request Entity Too Large', mark: 'http' }),
      entry(7, { bytes: 10, dir: 0 }),
      entry(8, { text: '= -1 EPIPE (Broken pipe)', mark: 'error' }),
    ];
    const rows = timelineRows(es);
    expect(rows.map((r) => r.kind)).toEqual(['entry', 'run', 'entry', 'entry', 'entry']);
    const run = rows[1];
    expect(run.kind === 'run' && run.lanes).toEqual({ client: 'write ×2 150 B', wire: '→ 1 segment 100 B · ← 1 ACK', server: '' });
    expect(entryText(es[5])).toBe('← HTTP/1.1 413 Request Entity Too Large');
    expect(entryText(entry(9, { kind: 'packet', what: 'TLSv1.3', dir: 0, text: 'Application Data' }))).toBe('→ TLSv1.3: Application Data');
    expect(lanesOf(es)).toEqual(['client', 'wire']);
    expect(entryText(es[7])).toBe('write = -1 EPIPE (Broken pipe)');
    expect(entryText(es[6])).toBe('write 10 B');
  });

  it('menu items: a syscall\'s segments, a segment\'s write and read, a failed write\'s RST', () => {
    const l: EventLinks = { event: 9, notes: [], links: [{ event: 10, role: 'segment', from: 0, to: 5 }, { event: 12, role: 'segment', from: 5, to: 9 }] };
    expect(linkItems(l, 'write')).toEqual([{ id: 'segments', title: 'Go to packets of this write (2)', events: [10, 12] }]);
    const p: EventLinks = { event: 10, notes: [], links: [{ event: 9, role: 'sent', from: 0, to: 5 }, { event: 20, role: 'received', from: 0, to: 3 }, { event: 21, role: 'received', from: 3, to: 5 }] };
    expect(linkItems(p, 'TCP').map((x) => x.title)).toEqual(['Go to the syscall that sent these bytes', 'Go to the syscall that received these bytes (2)']);
    const r: EventLinks = { event: 30, notes: [], links: [{ event: 29, role: 'reset', from: 0, to: 0 }] };
    expect(linkItems(r, 'write')[0].title).toBe('Go to the RST before this failed write');
    expect(linkItems({ event: 1, notes: ['x'], links: [] }, 'write')).toEqual([]);
  });
});


async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !ok(); i++) await act(async () => new Promise((r) => setTimeout(r, 10)));
  expect(ok(), what).toBe(true);
}

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

describe('timeline pane and Go to items against the engine (seed upload)', () => {
  it('reads write … write (413 arrives) … write → EPIPE; a landmark click selects it; Go to packets selects the segments', async () => {
    useApp.setState({ ...initialState });
    const session: Session = createSession(inProcessHost());
    await session.open({ kind: 'path', path: join(SEED, 'upload-413.pcap'), more: [join(SEED, 'upload-413.strace')] }, true);
    await until(() => useApp.getState().info?.done === true, 'set opened');
    await session.client()!.call('addKeylog', { path: join(SEED, 'upload-413.keys') });
    const c = session.client()!;
    const epipe = (await c.call('timeline', { event: 242 })).entries.find((e) => e.mark === 'error');
    expect(epipe).toBeDefined();

    const div = document.createElement('div');
    document.body.append(div);
    root = createRoot(div);
    act(() => root!.render(<><LinkBar session={session} /><TimelinePane session={session} event={epipe!.event} /></>));
    await until(() => div.querySelector('.timeline-table') !== null, 'timeline drawn');
    const rows = [...div.querySelectorAll('.timeline-table tbody tr')].map((r) => ({ cls: r.className, text: r.textContent ?? '' }));
    const i413 = rows.findIndex((r) => /HTTP\/1\.1 413/.test(r.text));
    const iRst = rows.findIndex((r) => r.cls.includes('tl-reset'));
    const iErr = rows.findIndex((r) => r.cls.includes('tl-error'));
    expect(i413).toBeGreaterThan(0);
    expect(rows[i413].cls).toContain('tl-http');
    // write … write (413 arrives) … write → EPIPE
    expect(rows.slice(0, i413).some((r) => /write ×\d+ [\d ]+ B/.test(r.text))).toBe(true);
    expect(rows.slice(i413 + 1, iRst).some((r) => /write ×\d+ [\d ]+ B|write [\d ]+ B/.test(r.text))).toBe(true);
    expect(iRst).toBeLessThan(iErr);
    expect(rows[iErr].text).toMatch(/write = -1 EPIPE \(Broken pipe\)/);
    // The header names the owner.
    expect(div.querySelector('.timeline-table thead')?.textContent).toMatch(/Client pid 3914 fd 4/);
    // Only the client was traced: no Server lane, and the head says why.
    expect(div.querySelectorAll('.timeline-table thead th').length).toBe(3);
    expect(div.querySelector('[data-testid="timeline-missing"]')?.textContent).toMatch(/^Server: unmatched: no socket with this 5-tuple/);
    // A landmark click selects its event in the table.
    const rowEl = div.querySelectorAll('.timeline-table tbody tr')[i413] as HTMLElement;
    act(() => rowEl.click());
    await until(() => useApp.getState().selectedEvent === Number(rowEl.dataset.event), 'the 413 selected');
    // A folded stretch opens into its events.
    const run = div.querySelector('[data-testid="timeline-run"]') as HTMLElement;
    const before = div.querySelectorAll('.timeline-table tbody tr').length;
    act(() => run.click());
    expect(div.querySelectorAll('.timeline-table tbody tr').length).toBeGreaterThan(before);

    // Go to packets of this write: the last write whose bytes reached the wire.
    const tl = await c.call('timeline', { event: 242 });
    let lastWrite: TimelineEntry | undefined;
    let want: number[] = [];
    for (const w of [...tl.entries].reverse().filter((e) => e.what === 'write' && e.bytes > 0)) {
      want = (await c.call('links', { event: w.event })).links.filter((l) => l.role === 'segment').map((l) => l.event);
      lastWrite = w;
      if (want.length > 0) break;
    }
    expect(want.length).toBeGreaterThan(0);
    if (!lastWrite) throw new Error('no write');
    const menu = document.createElement('div');
    document.body.append(menu);
    const mroot = createRoot(menu);
    act(() => mroot.render(<SetMenuItems session={session} event={lastWrite.event} what="write" onDone={() => {}} />));
    await until(() => menu.querySelector('[data-action="go-segments"]') !== null, 'menu item');
    expect(menu.querySelector('[data-action="go-segments"]')?.textContent).toBe(`Go to packets of this write (${new Set(want).size})`);
    act(() => (menu.querySelector('[data-action="go-segments"]') as HTMLElement).click());
    await until(() => useApp.getState().selectedEvent === want[0], 'first segment selected');
    expect(useApp.getState().linked?.events).toEqual([...new Set(want)]);
    await until(() => div.querySelector('[data-testid="link-bar"]') !== null, 'links bar');
    expect(div.querySelector('[data-testid="link-bar"]')?.textContent).toMatch(new RegExp(`packets of this write #${lastWrite.event}: event ${want[0]} \\(1 of`));
    act(() => mroot.unmount());
    session.close();
  });
});
