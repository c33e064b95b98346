// @vitest-environment happy-dom
/**
 * The window's HTTP tab over 5 M exchanges (an engine stand-in that counts what it is asked):
 * it asks for packed pages of the rows it shows only, draws them decoded, and keeps no more than
 * a few pages, so scrolling through the whole list never gathers it in the renderer.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { HttpView, KEEP_PAGES, PAGE_ROWS } from '../../renderer/http/HttpView.tsx';
import { packHttpRows } from '../../shared/packed-http.ts';
import type { CaptureInfo, HttpExchangeRow, HttpPageQuery } from '../../shared/rpc.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const TOTAL = 5_000_000;
const ROW_H = 20;

const rowAt = (k: number): HttpExchangeRow => ({
  stream: `tcp:${k % 16}`, index: k >> 4, request: 2 * k + 1, requestEnd: 2 * k + 1, response: 2 * k + 2, responseEnd: 2 * k + 2,
  version: 'HTTP/1.1', method: 'GET', host: 'example.test', uri: `/item/${k}`, status: 200, phrase: 'OK', requestBodyBytes: 0,
  responseBodyBytes: 612, responseWireBytes: 612, contentType: 'text/html', contentEncoding: '', duration: 0.0001, upgrade: '',
  truncated: false, incomplete: false,
});

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await act(async () => new Promise((r) => setTimeout(r, 5)));
}

describe('HTTP tab over 5 M exchanges', () => {
  it('asks packed pages of the rows shown only and keeps a few pages', async () => {
    const asked: HttpPageQuery[] = [];
    const client = {
      call: (method: string, params: HttpPageQuery) => {
        if (method === 'tlsStreams') return Promise.resolve([]);
        if (method !== 'httpPage') return Promise.reject(new Error(`not here: ${method}`));
        asked.push(params);
        const rows: HttpExchangeRow[] = [];
        for (let k = params.start; k < Math.min(TOTAL, params.start + params.count); k++) rows.push(rowAt(k));
        const page = { total: TOTAL, all: TOTAL, start: params.start, ms: 0 };
        return Promise.resolve(params.packed ? { ...page, rows: [], packed: packHttpRows(rows) } : { ...page, rows });
      },
      onEvent: () => () => {},
    };
    const session = { client: () => client } as unknown as Session;
    useApp.setState({ ...initialState, info: { done: true, extra: {} } as unknown as CaptureInfo });
    const div = document.createElement('div');
    document.body.append(div);
    root = createRoot(div);
    act(() => root!.render(<HttpView session={session} />));
    await settle();
    expect(div.querySelector('[data-testid="http-count"]')?.textContent).toBe('5,000,000 exchanges');
    expect(asked.length).toBe(1);
    const grid = div.querySelector('[role="grid"]') as HTMLDivElement;
    const firstUri = (): string => (div.querySelector('[data-testid="http-row"] [role="gridcell"]:nth-child(4)') as HTMLElement | null)?.textContent ?? '';
    expect(firstUri()).toBe('/item/0');

    // Scroll through the list in 40 jumps: one page asked per jump, each drawn from its packed page.
    const jumps = 40;
    for (let j = 1; j <= jumps; j++) {
      const k = Math.floor((TOTAL - 100) * (j / jumps));
      await act(async () => {
        grid.scrollTop = k * ROW_H;
        grid.dispatchEvent(new Event('scroll'));
      });
      await settle();
      // The first drawn row is a few rows above the top one (the list draws a margin).
      expect(firstUri()).toBe(`/item/${Math.max(0, k - 5)}`);
    }
    expect(asked.every((q) => q.packed === true)).toBe(true);
    const rowsAsked = asked.reduce((a, q) => a + q.count, 0);
    expect(asked.length).toBeLessThanOrEqual(2 * (jumps + 1));
    expect(rowsAsked).toBeLessThanOrEqual(2 * (jumps + 1) * PAGE_ROWS);

    // Back at the top: its page was dropped (the renderer holds pages near the view only) and is asked again.
    const before = asked.length;
    await act(async () => {
      grid.scrollTop = 0;
      grid.dispatchEvent(new Event('scroll'));
    });
    await settle();
    expect(firstUri()).toBe('/item/0');
    expect(asked.slice(before).map((q) => q.start)).toEqual([0]);
    // Pages near the view are kept: a small scroll asks nothing.
    const kept = asked.length;
    await act(async () => {
      grid.scrollTop = (KEEP_PAGES * PAGE_ROWS - 50) * ROW_H;
      grid.dispatchEvent(new Event('scroll'));
    });
    await settle();
    await act(async () => {
      grid.scrollTop = 0;
      grid.dispatchEvent(new Event('scroll'));
    });
    await settle();
    expect(asked.length - kept).toBeLessThanOrEqual(KEEP_PAGES);
    expect(asked.slice(kept).every((q) => q.start !== 0)).toBe(true);
  });
});
