/**
 * Name resolution from the capture through the engine's RPC (what View ▸ Name Resolution
 * sends), the host name table's rules, and the -N option of both CLI forms.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';
import { CORPUS } from '../engine/corpus.ts';
import { createHostNames, hostName, hostTable, learnHostName, MAX_HOST_NAMES } from '../../electron/engine/index/host-names.ts';
import { parseNameFlags } from '../../shared/names.ts';
import { parseCliArgs as parseArgs } from '../../electron/cli/args.ts';
import { parseTsharkArgs } from '../../electron/cli/tshark-args.ts';
import type { DetailsNode, RowsPage } from '../../shared/rpc.ts';

const DNS_TCP = join(CORPUS, 'pcap/tcpdump-tests/dns_tcp.pcap');
const ON = { network: true, dns: true };

const cell = (p: RowsPage, col: string, r: number): string => p.strings[p.cells[col][r]];
const labels = (nodes: DetailsNode[]): string[] => nodes.flatMap((n) => [n.label, ...labels(n.children ?? [])]);

describe('name resolution in the window (nameResolution RPC)', () => {
  it('is off by default, names Source/Destination and the tree when on, and goes back off', async () => {
    const c = inProcessEngine();
    await openDone(c, DNS_TCP);
    const before = await c.call('rows', { start: 0, count: 1 });
    expect(cell(before, 'destination', 0)).toBe('209.87.249.18');
    expect(await c.call('hosts', null)).toEqual([]);
    const r = await c.call('nameResolution', ON);
    expect(r.generation).toBeGreaterThan(before.generation);
    expect(r.named).toBe(6);
    const page = await c.call('rows', { start: 0, count: 2 });
    // Frame 1 names the DNS server by an answer seen in frame 6 (the whole file is read first, as tshark -2).
    expect(cell(page, 'destination', 0)).toBe('nic.sandelman.ca');
    expect(cell(page, 'source', 1)).toBe('nic.sandelman.ca');
    expect(cell(page, 'source', 0)).toBe('192.168.1.11');
    // tshark -N dn -V's lines for the addresses.
    const tree = labels(await c.call('details', { event: 7 }));
    expect(tree).toContain('Destination Address: nic.sandelman.ca (209.87.249.18)');
    expect(tree).toContain('Source Address: 192.168.1.11 (192.168.1.11)');
    // -e _ws.col.Source follows the table; ip.dst (a filter's value) stays the address.
    const ex = await c.call('extract', { start: 0, count: 1, fields: ['_ws.col.Destination', 'ip.dst'] });
    expect(ex.values[0]).toEqual([['nic.sandelman.ca'], ['209.87.249.18']]);
    // Filters keep working on addresses.
    expect((await c.call('filter', { text: 'ip.dst == 209.87.249.18' })).matched).toBeGreaterThan(0);
    // NRB names only (-N n): this capture has none.
    expect((await c.call('nameResolution', { network: true, dns: false })).named).toBe(0);
    await c.call('filter', { text: '' });
    expect(cell(await c.call('rows', { start: 0, count: 1 }), 'destination', 0)).toBe('209.87.249.18');
    await expect(c.call('nameResolution', { network: 'yes' } as never)).rejects.toThrow(/network: boolean/);
    c.close();
  });
});

describe('host name table', () => {
  it('keeps the later name of an address, across NRB and DNS, and only enabled sources', () => {
    const h = createHostNames();
    learnHostName(h, '192.0.2.1', 'nrb.example', 'nrb');
    learnHostName(h, '192.0.2.1', 'dns.example', 'dns');
    learnHostName(h, '192.0.2.2', 'first.example', 'dns');
    learnHostName(h, '192.0.2.2', 'later.example', 'nrb');
    learnHostName(h, '2001:db8::1', 'v6.example', 'dns');
    learnHostName(h, '192.0.2.3', '', 'dns');
    expect(hostName(h, '192.0.2.1', ON)).toBe('dns.example');
    expect(hostName(h, '192.0.2.1', { network: true, dns: false })).toBe('nrb.example');
    expect(hostName(h, '192.0.2.2', ON)).toBe('later.example');
    expect(hostName(h, '192.0.2.1', { network: false, dns: true })).toBeUndefined();
    expect(hostName(h, '192.0.2.3', ON)).toBeUndefined();
    expect(hostTable(h, ON).map((e) => e.address)).toEqual(['192.0.2.1', '192.0.2.2', '2001:db8::1']);
    expect(hostTable(h, { network: true, dns: false }).map((e) => e.name)).toEqual(['nrb.example', 'later.example']);
  });

  it('stops growing at its limit', () => {
    const h = createHostNames(100);
    for (let i = 0; i < 105; i++) learnHostName(h, `a${i}`, 'x', 'dns');
    expect(h.entries.size).toBe(100);
    // An address already known still takes a later name.
    learnHostName(h, 'a0', 'y', 'dns');
    expect(hostName(h, 'a0', ON)).toBe('y');
    expect(createHostNames().limit).toBe(MAX_HOST_NAMES);
  });
});

describe('-N and -n', () => {
  it('parses tshark letters: n, d; ignores m/t/v/N with a note; refuses others', () => {
    expect(parseNameFlags('dn')).toEqual({ mode: ON, ignored: '' });
    expect(parseNameFlags('mntN')).toEqual({ mode: { network: true, dns: false }, ignored: 'mtN' });
    expect(parseNameFlags('x')).toHaveProperty('error');
    const t = parseTsharkArgs(['-r', 'F', '-N', 'dn']);
    expect(t.command === 'list' && t.names).toEqual(ON);
    const n = parseTsharkArgs(['-r', 'F', '-N', 'nt']);
    expect(n.command === 'list' && n.notes.join()).toMatch(/never by a lookup/);
    expect(() => parseTsharkArgs(['-r', 'F', '-N', 'q'])).toThrow(/-N takes/);
    const l = parseArgs(['list', 'F', '-N', 'dn']);
    expect(l.command === 'list' && l.names).toEqual(ON);
    const off = parseArgs(['list', 'F', '-N', 'dn', '-n']);
    expect(off.command === 'list' && off.names.network).toBe(false);
  });
});
