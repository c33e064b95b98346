/**
 * fd.stream (one fd lifetime: process, fd number, open..close), Follow on it, the syscall details
 * tree and Falco's bare-word habit, on corpus scap files:
 * - sysdig-inspect/502Error.scap: nginx (pid 13700) accepts HTTP connections on fd 4 again and
 *   again; `proc.pid == 13700 and fd.num == 4` selects every one of them, fd.stream one.
 * - xxradar-stratoshark/docker-curl-https.scap (the seed): curl's HTTPS socket is fd 6, events
 *   2689 (socket enter) … 3370 (close exit) in its rendering docker-curl-https.txt.
 */
import { describe, expect, it } from 'vitest';
import type { DetailsNode } from '../../shared/rpc.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { followPage } from '../../electron/engine/host/stream-service.ts';
import { detailsTree } from '../../electron/engine/host/details-tree.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fdStream, fdStreamOfEvent, listFdStreams } from '../../electron/engine/streams/fd-streams.ts';
import { fdLifetimes } from '../../electron/engine/syscalls/fd-lifetimes.ts';
import { fdNumOf } from '../../electron/engine/syscalls/syscall-index.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from '../cli/run-cli.ts';

const NGINX = `${CORPUS}/scap/sysdig-inspect/502Error.scap`;
const SEED = `${CORPUS}/scap/xxradar-stratoshark/docker-curl-https.scap`;

async function load(path: string): Promise<Capture> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return capture;
}

async function matches(c: Capture, filter: string): Promise<number[]> {
  const r = await runFilter(c, filter);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return [...r.events];
}

function indexOf(c: Capture) {
  const x = c.internals();
  if (x.kind !== 'syscalls') throw new Error('expected a syscall capture');
  return x.index;
}

describe('fd.stream: one fd lifetime', () => {
  it('502Error: nginx fd 4 is reused per connection; fd.stream selects one connection, pid and fd all', async () => {
    const c = await load(NGINX);
    const ix = indexOf(c);
    const socks = listFdStreams(c).filter((s) => s.pid === 13700 && s.fd === 4);
    // Every accepted connection on fd 4 is its own stream.
    expect(socks.length).toBeGreaterThan(10);
    expect(new Set(socks.map((s) => s.name)).size).toBe(socks.length);
    const s = socks[0];
    expect(s).toMatchObject({ id: `fd:13700:4:${s.stream}`, role: 'server', name: '192.168.0.3:54716->192.168.0.2:80' });
    const rows = await matches(c, `fd.stream == ${s.stream}`);
    const all = await matches(c, 'proc.pid == 13700 and fd.num == 4');
    expect(rows.length).toBe(20);
    expect(all.length).toBe(703);
    // The lifetime: accept's enter and exit first, close's exit last, nothing but fd 4 between.
    expect(rows[0]).toBe(161);
    expect(ix.strings.strings[ix.type.data[rows[0] - 1]]).toBe('accept');
    const last = rows[rows.length - 1];
    expect(ix.strings.strings[ix.type.data[last - 1]]).toBe('close');
    expect(rows.slice(1).every((e) => ix.fd.data[e - 1] === 4)).toBe(true);
    // The followed chunks are this lifetime's I/O events, in the same rows.
    const st = fdStream(c, s.id);
    expect(st.chunks.length).toBe(s.events);
    expect(st.chunks.every((ch) => rows.includes(ch.event))).toBe(true);
    // The index column answers the filter as the dissection does.
    const viaFields = rows.filter((e) => {
      const d = createDissection();
      c.dissect(e, d);
      return detailsTree(d).some((n) => n.field === 'fd' && n.children?.some((k) => k.field === 'fd.stream' && k.label === `FD stream: ${s.stream}`));
    });
    expect(viaFields).toEqual(rows);
    c.close();
  }, 60_000);

  it('seed: following from the enter row (no fd) gives its exit\'s stream; the follow filter is fd.stream', async () => {
    const c = await load(SEED);
    const ix = indexOf(c);
    const life = fdLifetimes(ix);
    // 2689 `> socket` (no fd yet: fd.num -1, as libsinsp's m_lastevent_fd), 2690 `< socket fd=6`.
    expect(fdNumOf(ix, 2689 - 1)).toBe(-1);
    expect(life.ids[2689 - 1]).toBe(life.ids[2690 - 1]);
    const id = fdStreamOfEvent(c, 2689);
    expect(id).toBe(`fd:108261:6:${life.ids[2690 - 1]}`);
    const fromEnter = followPage(c, { event: 2689 }, 'ascii');
    const fromData = followPage(c, { event: 2985 }, 'ascii');
    expect(fromEnter.id).toBe(id);
    expect(fromData.id).toBe(id);
    expect(fromEnter.filter).toBe(`fd.stream == ${life.ids[2690 - 1]}`);
    expect(fromEnter.totalChunks).toBe(36);
    expect(fromEnter.totalBytes).toEqual([846, 11812]);
    const rows = await matches(c, fromEnter.filter);
    expect(rows[0]).toBe(2689);
    expect(rows[rows.length - 1]).toBe(3370);
    expect(rows.length).toBe(98);
    // An event on no fd still says so.
    expect(() => followPage(c, { event: 1 }, 'ascii')).toThrow(/belongs to no stream/);
    c.close();
  }, 60_000);

  it('CLI follow --event on an enter row', async () => {
    const r = await cli('follow', SEED, '--event', '2689');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\n=+\nFollow: fd,ascii\nFilter: fd\.stream == \d+\n/);
  }, 60_000);

  it('TLS over an fd without keys: "not decrypted (no key)" and the records, not missing-byte markers', async () => {
    const c = await load(SEED);
    const id = fdStreamOfEvent(c, 2985);
    const p = followPage(c, { stream: `tls:${id}` }, 'ascii');
    expect(p.notes[0]).toMatch(/^not decrypted \(no key\): the 23 TLS records as captured; no key for this session/);
    expect(p.chunks.some((ch) => ch.gap)).toBe(false);
    // Records are header + body: together exactly the bytes curl wrote and read on the socket.
    expect(p.totalBytes).toEqual([846, 11812]);
    // The first is the ClientHello (handshake record, TLS 1.0 legacy version).
    expect([...p.chunks[0].bytes.subarray(0, 3)]).toEqual([22, 3, 1]);
    expect(p.text).not.toMatch(/bytes missing in capture file/);
    c.close();
  }, 60_000);
});

describe('syscall details tree', () => {
  function labels(ns: DetailsNode[]): string[] {
    return ns.map((n) => n.label);
  }

  it('one subtree per kind, in Stratoshark\'s order, with short labels', async () => {
    const c = await load(SEED);
    const d = createDissection();
    c.dissect(2985, d); // < write on the HTTPS socket (the ClientHello)
    const tree = detailsTree(d);
    expect(labels(tree)).toEqual(['System call event', 'Process', 'Thread', 'File descriptor', 'User', 'Group', 'Container']);
    const sub = (name: string): string[] => labels(tree.find((n) => n.label === name)?.children ?? []);
    expect(sub('File descriptor')).toEqual(expect.arrayContaining(['FD: 6', 'FD type: ipv4', 'FD name: 172.17.0.3:38188->162.159.140.98:443', 'Server port: 443']));
    expect(sub('Process')).toEqual(expect.arrayContaining(['Name: curl', 'PID: 108261', 'Executable path: /usr/bin/curl']));
    expect(sub('Thread').slice(0, 2)).toEqual(['TID: 108261', 'Main thread: 1']);
    expect(sub('Thread')).toEqual(expect.arrayContaining(['Virtual memory (KiB): 94628', 'Minor page faults: 1936', 'Total run time (ns): 151795475']));
    expect(sub('Container')).toEqual(expect.arrayContaining(['ID: 25c8ce27e4e3']));
    expect(sub('System call event')).toEqual(expect.arrayContaining(['Type: write', 'Direction: exit (<)', 'res: 517', 'Buffer length: 517']));
    // No label carries a field's whole description.
    const flat = (ns: DetailsNode[]): string[] => ns.flatMap((n) => [n.label, ...flat(n.children ?? [])]);
    expect(flat(tree).filter((l) => l.includes('file, directory, ipv4'))).toEqual([]);
    c.close();
  }, 60_000);
});

describe('Falco habits in filters', () => {
  it('fd.l4proto == tcp (a bare protocol word) is the word, as in Falco', async () => {
    const c = await load(SEED);
    const bare = await matches(c, 'fd.l4proto == tcp');
    expect(bare.length).toBeGreaterThan(0);
    expect(bare).toEqual(await matches(c, 'fd.l4proto == "tcp"'));
    expect(await matches(c, 'fd.l4proto in {tcp, udp}')).toEqual(await matches(c, 'fd.l4proto in {"tcp", "udp"}'));
    // Only words the field lists: a protocol it cannot hold stays an error.
    const r = await runFilter(c, 'fd.l4proto == http');
    expect(r.ok).toBe(false);
    c.close();
  }, 60_000);
});
