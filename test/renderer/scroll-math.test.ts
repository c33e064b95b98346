import { describe, expect, it } from 'vitest';
import { geometry, MAX_CONTENT_PX, revealRow, scrollTopFor, virtualTop, visibleRows } from '../../renderer/table/scroll-math.ts';

const RH = 20;

describe('scaled scroll range', () => {
  it('is 1:1 while the rows fit under the cap', () => {
    const g = geometry(1000, RH, 400);
    expect(g.contentPx).toBe(20_000);
    expect(virtualTop(g, 1234)).toBeCloseTo(1234);
    expect(scrollTopFor(g, 1234)).toBeCloseTo(1234);
  });

  it('caps the content height for 10 M rows and still reaches the last row', () => {
    const rows = 10_000_000;
    const g = geometry(rows, RH, 600);
    expect(g.contentPx).toBe(MAX_CONTENT_PX);
    expect(g.contentPx).toBeLessThan(33_554_428);
    const bottom = virtualTop(g, g.contentPx - g.viewportPx);
    const vis = visibleRows(g, bottom, RH, rows);
    expect(vis.end).toBe(rows);
    // The last row is fully inside the viewport.
    expect(vis.offsetPx + (rows - 1 - vis.first) * RH + RH).toBeLessThanOrEqual(600);
    // A browser that stops half a pixel short still lands on the end.
    expect(virtualTop(g, g.contentPx - g.viewportPx - 0.4)).toBe(g.virtualPx - g.viewportPx);
  });

  it('maps scrollTop and virtual offsets both ways', () => {
    const g = geometry(2_000_000, RH, 500);
    for (const v of [0, 1e6, 2e7, 3.9e7]) expect(virtualTop(g, scrollTopFor(g, v))).toBeCloseTo(v, 3);
    expect(virtualTop(g, -50)).toBe(0);
  });

  it('draws partial rows at the edges', () => {
    const g = geometry(100, RH, 95);
    const vis = visibleRows(g, 30, RH, 100);
    expect(vis.first).toBe(1);
    expect(vis.offsetPx).toBe(-10);
    expect(vis.end).toBe(Math.ceil((30 + 95) / RH) + 1);
  });

  it('reveals a row with the least movement', () => {
    expect(revealRow(100, 2, RH, 200)).toBe(40);
    expect(revealRow(100, 20, RH, 200)).toBe(220);
    expect(revealRow(100, 7, RH, 200)).toBe(100);
  });

  it('handles an empty table', () => {
    const g = geometry(0, RH, 400);
    expect(virtualTop(g, 100)).toBe(0);
    expect(visibleRows(g, 0, RH, 0)).toEqual({ first: 0, end: 0, offsetPx: 0 });
  });
});
