import { describe, expect, it } from 'vitest';
import type { DetailsNode } from '../../shared/rpc.ts';
import { ancestors, deepestCovering, flattenTree, nodeAt, pathKey } from '../../renderer/details/tree.ts';
import { formatTime, nsTextToSeconds, absoluteTime } from '../../renderer/table/format.ts';
import { rowClass } from '../../renderer/table/EventTable.tsx';
import { RowFlag } from '../../shared/rpc.ts';

const n = (label: string, offset: number, length: number, children?: DetailsNode[], source = 0): DetailsNode => ({ label, field: label, source, offset, length, children });
const tree: DetailsNode[] = [
  n('frame', 0, 60),
  n('eth', 0, 14, [n('eth.dst', 0, 6), n('eth.src', 6, 6), n('eth.type', 12, 2)]),
  n('ip', 14, 20, [n('ip.flags', 20, 2, [n('ip.flags.df', 20, 1)]), n('ip.src', 26, 4)]),
  n('tls', 0, 5, [n('tls.record', 0, 5, undefined, 1)], 1),
];

describe('details tree helpers', () => {
  it('flattens only expanded nodes', () => {
    expect(flattenTree(tree, new Set()).map((f) => f.node.label)).toEqual(['frame', 'eth', 'ip', 'tls']);
    const open = flattenTree(tree, new Set(['2', '2.0']));
    expect(open.map((f) => `${f.depth}:${f.node.label}`)).toEqual(['0:frame', '0:eth', '0:ip', '1:ip.flags', '2:ip.flags.df', '1:ip.src', '0:tls']);
  });

  it('finds the deepest field covering a byte, per data source', () => {
    expect(deepestCovering(tree, 0, 20)).toEqual([2, 0, 0]);
    expect(deepestCovering(tree, 0, 21)).toEqual([2, 0]);
    expect(deepestCovering(tree, 0, 7)).toEqual([1, 1]);
    expect(deepestCovering(tree, 0, 40)).toEqual([0]);
    expect(deepestCovering(tree, 1, 2)).toEqual([3, 0]);
    expect(deepestCovering(tree, 0, 99)).toBeNull();
    expect(nodeAt(tree, [2, 0, 0])?.label).toBe('ip.flags.df');
    expect(ancestors([2, 0, 0])).toEqual(['2', '2.0']);
    expect(pathKey([1, 2])).toBe('1.2');
  });
});

describe('time and colour formatting', () => {
  it('converts epoch nanosecond text without losing microseconds', () => {
    expect(nsTextToSeconds('1700000000123456789')).toBeCloseTo(1700000000.123457, 5);
    expect(nsTextToSeconds(null)).toBeNull();
    expect(nsTextToSeconds('abc')).toBeNull();
  });

  it('formats relative, delta and absolute time', () => {
    expect(formatTime('relative', 10.25, 10, null)).toBe('0.250000');
    expect(formatTime('delta', 10.25, 10, 10.2)).toBe('0.050000');
    expect(formatTime('delta', 10.25, 10, null)).toBe('0.000000');
    expect(absoluteTime(0.5)).toMatch(/^19(69|70)-\d\d-\d\d \d\d:\d\d:\d\d\.500000$/);
  });

  it('colours rows by their most important flag', () => {
    expect(rowClass(RowFlag.Http | RowFlag.Malformed)).toBe('row-error');
    expect(rowClass(RowFlag.TcpSyn)).toBe('row-synfin');
    expect(rowClass(RowFlag.TcpRst | RowFlag.TcpSyn)).toBe('row-rst');
    expect(rowClass(RowFlag.Failed)).toBe('row-failed');
    expect(rowClass(RowFlag.Dns)).toBe('row-dns');
    expect(rowClass(0)).toBe('');
  });
});
