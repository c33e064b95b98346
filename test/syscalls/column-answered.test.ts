/**
 * Filters on syscall fields answered without dissecting (filter/column-filter.ts: interned-string
 * columns evaluated once per distinct string, the readers' field groups once per fd / process
 * snapshot or result class, evt.buffer from the buffer alone) give exactly the events a full
 * dissection of every event gives, on every corpus scap file and strace log, and dissect nothing
 * where the brief says the columns answer.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { columnFields, columnGroups, compileColumnFilter } from '../../electron/engine/filter/column-filter.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { openStraceFiles } from '../../electron/engine/readers/strace/open-strace.ts';
import { corpusFiles } from '../engine/corpus.ts';

/** Answered with zero dissections on every file. */
const ZERO = [
  'fd.name contains "/"', 'fd.name contains "."', 'fd.name matches "^/(etc|usr|lib)/"', 'fd.name matches "[0-9]->[0-9]"', 'fd.name contains "->" and evt.type == "connect"',
  'lower(fd.name) contains "tmp"', 'len(fd.name) > 20', 'fd.name in {"/etc/hosts", "/dev/null"}', 'fd.name == ""', 'not fd.name contains "/"', 'fd.name matches "^$"', 'len(fd.name) == 0',
  'fd.cip', 'fd.sip == "127.0.0.1"', 'fd.cip contains "."', 'fd.cport > 1024', 'fd.sport == 80 or fd.sport == 443', 'fd.sip != "127.0.0.1"', 'fd.cip == "172.17.0.2" and fd.sport == 443',
  'fd.type == "ipv4"', 'fd.type in {"file", "directory"}', 'fd.l4proto == "tcp"', 'fd.is_server == 1', 'fd.lip', 'fd.rport < 1024', 'fd.filename contains "o"', 'fd.sockfamily == "unix"',
  'proc.name contains "c"', 'proc.name matches "^(curl|nginx|sh|python)"', 'evt.type contains "open"', 'evt.type matches "^(read|write)"',
  'evt.buffer contains "HTTP"', 'evt.buffer contains 00:00', 'evt.buffer contains "GET" or evt.buffer contains "POST"', 'evt.buffer and proc.name == "curl"',
  'fd.name contains "/" and evt.buffer contains "a"',
];
/** Answered from the index on scap files (process snapshots, results); dissected on strace logs. */
const ZERO_SCAP = [
  'proc.exe contains "/"', 'proc.cmdline contains "-"', 'user.uid == 0', 'container.name == "host"', 'proc.pname', 'proc.aname contains "sh"', 'group.gid > 0',
  'evt.failed == 1', 'evt.res != "SUCCESS"', 'evt.res == "SUCCESS"', 'evt.res == "ENOENT" or evt.res == "EAGAIN"', 'evt.failed == 0 and fd.cip',
  'proc.sid == -1', 'proc.sname == "curl"', 'proc.fdlimit > 1000', 'user.loginuid == 0', 'proc.env contains "PATH="', 'proc.nthreads > 1',
  'thread.cgroups contains "docker"', 'container.privileged', 'proc.loginshellid',
];
/** Some events dissected (those the groups do not describe), answers still the dissection's. */
const PARTIAL = ['fd.typechar == "f"', 'fd.typechar == "f" and proc.exe contains "curl"', 'fd.directory == "/etc"', 'evt.failed', 'evt.res == "EAGAIN"', 'evt.buflen > 100', 'evt.buffer.truncated', 'evt.is_io and fd.name contains "/"'];

async function check(capture: Capture, zero: readonly string[], rest: readonly string[]): Promise<void> {
  const all = [...zero, ...rest];
  const compiled = all.map((f) => {
    const c = compileFilterText(f);
    if (!c.ok) throw new Error(`${f}: ${c.errors[0].message}`);
    return c;
  });
  // The answer of a full dissection of every event.
  const slow: number[][] = all.map(() => []);
  const d = createDissection();
  for (let e = 1; e <= capture.count(); e++) {
    capture.dissect(e, d);
    for (let k = 0; k < all.length; k++) if (compiled[k].predicate(d)) slow[k].push(e);
  }
  const fields = columnFields(capture.internals());
  const groups = columnGroups(capture.internals(), fields);
  for (let k = 0; k < all.length; k++) {
    const f = all[k];
    const fast = await runFilter(capture, f);
    if (!fast.ok) throw new Error(`${f} failed`);
    expect([...fast.events], f).toEqual(slow[k]);
    if (k < zero.length) {
      expect(compileColumnFilter(compiled[k].ast, fields, groups), `${f} answered from the index`).not.toBeNull();
      expect(fast.dissected, `${f} dissects nothing`).toBe(0);
    }
  }
}

const scaps = corpusFiles('scap', (n) => n.endsWith('.scap'));
const straces = corpusFiles('strace', (n) => !n.endsWith('.oracle.txt') && !n.includes('LICENSE') && !/\.\d+$/.test(n));
const straceFf = corpusFiles('strace', (n) => /^strace-ff-sh-curl\.\d+$/.test(n));

describe('syscall filters answered from the index agree with a full dissection', () => {
  it('finds the corpus', () => {
    expect(scaps.length).toBeGreaterThanOrEqual(10);
    expect(straces.length).toBeGreaterThanOrEqual(10);
    expect(straceFf.length).toBe(3);
  });
  for (const path of scaps) {
    it(`scap ${basename(path)}`, async () => {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      await check(capture, [...ZERO, ...ZERO_SCAP], PARTIAL);
      capture.close();
    });
  }
  for (const path of straces) {
    it(`strace ${basename(path)}`, async () => {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      await check(capture, ZERO, [...ZERO_SCAP, ...PARTIAL]);
      capture.close();
    });
  }
  it('strace -ff files merged', async () => {
    const capture = await openStraceFiles(straceFf);
    await check(capture, ZERO, [...ZERO_SCAP, ...PARTIAL]);
    capture.close();
  });
});

describe('the field groups do the work they claim', () => {
  it('evt.buffer reads only I/O events, a string column is tested once per distinct string', async () => {
    const path = scaps.find((p) => p.endsWith('502Error.scap'));
    if (!path) throw new Error('502Error.scap missing from the corpus');
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const x = capture.internals();
    if (x.kind !== 'syscalls') throw new Error('not a syscall capture');
    const fields = columnFields(x);
    const groups = columnGroups(x, fields);
    // Count the fills: per distinct fd.name for the string group, per I/O event for the buffer
    // (the events the group reads from the file).
    const counted = groups.map((g) => {
      let fills = 0;
      return { ...g, fill: (e: number, d: Parameters<typeof g.fill>[1]) => { fills++; g.fill(e, d); }, fills: () => fills };
    });
    const run = (text: string): number => {
      const c = compileFilterText(text);
      if (!c.ok) throw new Error(text);
      const cf = compileColumnFilter(c.ast, fields, counted);
      if (!cf) throw new Error(`${text} not answered from the index`);
      for (let e = 1; e <= capture.count(); e++) cf.test(e);
      return counted.reduce((a, g) => a + g.fills(), 0);
    };
    const distinctNames = new Set<number>();
    let io = 0;
    for (let e = 1; e <= capture.count(); e++) {
      if (fields.get('fd.name')!.has(e)) distinctNames.add(x.index.fdName.data[e - 1]);
      const t = x.index.strings.strings[x.index.type.data[e - 1]];
      if (/read|write|recv|send/.test(t)) io++;
    }
    const names = run('fd.name contains "/"');
    // One per distinct name, one for "no fd.name".
    expect(names).toBe(distinctNames.size + 1);
    const before = names;
    const buffers = run('evt.buffer contains "HTTP"') - before;
    expect(buffers).toBeGreaterThan(0);
    expect(buffers).toBeLessThanOrEqual(io);
    expect(buffers).toBeLessThan(capture.count() / 2);
    capture.close();
  });
});
