/**
 * Several scap files as one capture: a sysdig rotation. sysdig itself writes the rotated files
 * here (`sysdig -r corpus.scap -w r.scap -e N [-W K]`: its cycle dumper, as in a live `-C/-G/-e`
 * capture, starts every file with its own section header and the current process and fd lists),
 * and the oracle is `sysdig -r` on each file, in time order, concatenated: the set's events are
 * those events, in that order, with the same time, type, proc.name and fd.name.
 * scripts/make-scap-rotation.sh makes the same files from the command line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli, cliOk } from '../cli/run-cli.ts';
import { hasSysdig, scratchDir } from './corpus-setup.ts';

const dir = scratchDir('tl-scap-rot-');

const FIELDS = ['evt.rawtime', 'evt.type', 'proc.name', 'fd.name'];

/** sysdig's rows of one file, every event (`*`), keyed by its evt.num in that file. */
function sysdigRows(file: string): Map<number, string[]> {
  const fmt = `*%evt.num\t${FIELDS.map((f) => `%${f}`).join('\t')}`;
  const out = execFileSync('sysdig', ['-r', file, '-p', fmt], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const rows = new Map<number, string[]>();
  for (const l of out.split('\n')) {
    if (!/^\d+\t/.test(l)) continue;
    const c = l.split('\t');
    rows.set(Number(c[0]), c.slice(1).map((v) => (v === '<NA>' ? '' : v)));
  }
  return rows;
}

/** Rotate a corpus scap with sysdig's own cycle dumper; the files as sysdig named them. */
function rotate(name: string, src: string, ...args: string[]): string[] {
  const sub = mkdtempSync(join(dir, `${name}-`));
  execFileSync('sysdig', ['-r', src, '-w', join(sub, 'r.scap'), ...args], { stdio: 'ignore' });
  return readdirSync(sub).sort().map((f) => join(sub, f));
}

interface OurRow { num: number; file: string; values: string[] }

async function ours(files: string[]): Promise<OurRow[]> {
  const out = await cliOk('list', ...files, '-e', 'evt.num', '-e', 'frame.file', ...FIELDS.flatMap((f) => ['-e', f]));
  return out.split('\n').filter((l) => l).map((l) => {
    const c = l.split('\t');
    return { num: Number(c[0]), file: c[1], values: c.slice(2) };
  });
}

/**
 * Compare the set with sysdig file by file: our events of file k, in order, are sysdig's events
 * 1..n of that file (count, order, time strictly). A value that differs from sysdig's must be
 * one of two known cases, each checked: our reader gives that file read alone the same value
 * (a single-file rendering difference, tested in test/scap, not the set's), or sysdig's file
 * alone has no state for it ("") and ours is carried from the earlier files, so it must be
 * what sysdig says reading the whole capture (`whole`: the un-rotated source) for that event.
 */
async function compare(rows: OurRow[], timeOrder: string[], whole: Map<string, string[]>): Promise<{ events: number; diffs: string[]; single: number; carried: number }> {
  const diffs: string[] = [];
  let single = 0;
  let carried = 0;
  let at = 0;
  for (const f of timeOrder) {
    const want = sysdigRows(f);
    const alone = await ours([f]);
    let n = 0;
    while (at + n < rows.length && rows[at + n].file === basename(f)) n++;
    expect(n, `${basename(f)}: events`).toBe(Math.max(...want.keys()));
    expect(alone.length).toBe(n);
    for (let k = 1; k <= n; k++) {
      const got = rows[at + k - 1].values;
      const w = want.get(k);
      if (!w) {
        // sysdig -p prints no line for a few meta-events even with `*` (the file's container event).
        expect(got[1], `${basename(f)} evt ${k}: not printed by sysdig`).toMatch(/^(container|notification|procinfo)$/);
        continue;
      }
      expect(got[0], `${basename(f)} evt ${k} evt.rawtime`).toBe(w[0]);
      for (let j = 1; j < FIELDS.length; j++) {
        if (got[j] === w[j]) continue;
        if (alone[k - 1].values[j] === got[j]) {
          single++;
          continue;
        }
        const all = whole.get(`${w[0]}\t${w[1]}`);
        if (w[j] === '' && all && all[j] === got[j]) {
          carried++;
          continue;
        }
        if (diffs.length < 20) diffs.push(`${basename(f)} evt ${k} (set ${at + k}) ${FIELDS[j]}: sysdig ${w[j]}, whole ${all?.[j]}, ours ${got[j]}`);
      }
    }
    at += n;
  }
  return { events: at, diffs, single, carried };
}

/** sysdig's rows of the whole (un-rotated) capture by time and type. */
function wholeRows(src: string): Map<string, string[]> {
  return new Map([...sysdigRows(src).values()].map((v) => [`${v[0]}\t${v[1]}`, v]));
}

describe.skipIf(!hasSysdig() || !CORPUS)('several scap files as one capture = sysdig -r on each, in time order', () => {
  const src = join(CORPUS, 'scap/falco/psp_run_as_user_0_container.scap');

  it('a -W ring that wrapped: files in first-event order, not name order; numbered across; state carried', async () => {
    const ring = rotate('ring', src, '-e', '1500', '-W', '2');
    expect(ring.map((f) => basename(f))).toEqual(['r.scap0', 'r.scap1']);
    // 3+ files of 1500 events in a ring of 2: r.scap0 was overwritten last, so it is the newer.
    const first = (f: string): bigint => BigInt([...sysdigRows(f).values()][0][0]);
    const timeOrder = [...ring].sort((a, b) => (first(a) < first(b) ? -1 : 1));
    expect(timeOrder.map((f) => basename(f))).toEqual(['r.scap1', 'r.scap0']);
    const rows = await ours(ring);
    expect(rows.map((r) => r.num)).toEqual(rows.map((_r, i) => i + 1));
    const { events, diffs, single, carried } = await compare(rows, timeOrder, wholeRows(src));
    expect(events).toBe(rows.length);
    expect(diffs).toEqual([]);
    console.log(`ring: ${events} events; values unlike sysdig's per file: ${single} as in the file alone, ${carried} carried over`);
    // Times never go back across the file boundary.
    const b = rows.findIndex((r) => r.file === 'r.scap0');
    expect(BigInt(rows[b].values[0])).toBeGreaterThanOrEqual(BigInt(rows[b - 1].values[0]));
  });

  it('a plain rotation of 4 files reads as the whole capture did (same events, times, names)', async () => {
    const files = rotate('seq', src, '-e', '1200');
    expect(files.length).toBeGreaterThanOrEqual(4);
    const rows = await ours([...files].reverse()); // given in any order
    const whole = wholeRows(src);
    const { events, diffs, single, carried } = await compare(rows, files, whole);
    expect(events).toBe(rows.length);
    expect(diffs).toEqual([]);
    expect(carried).toBeGreaterThan(0);
    console.log(`rotation of ${files.length}: ${events} events; values unlike sysdig's per file: ${single} as in the file alone, ${carried} carried over`);
    // Every syscall of the set is one of the whole capture's (the files add only their own meta-events).
    const times = new Set([...whole.values()].map((v) => v[0]));
    const missing = rows.filter((r) => !times.has(r.values[0]) && !/^(container|procinfo|switch|notification)$/.test(r.values[1]));
    expect(missing.slice(0, 5)).toEqual([]);
  });

  it('filters run across the files; with a pcap each syscall names its scap; with an strace log too', async () => {
    const files = rotate('f', src, '-e', '2000');
    const out = await cliOk('list', ...files, '-f', 'evt.type == "write"', '-e', 'evt.num', '-e', 'frame.file');
    const lines = out.split('\n').filter((l) => l);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => files.map((f) => basename(f)).includes(l.split('\t')[1]))).toBe(true);
    // With a packet file: a set of two parts, each syscall still naming its own scap.
    const pcap = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
    const set = await cliOk('list', pcap, ...files, '-e', 'frame.file', '-e', 'evt.num');
    const perFile = new Map<string, number>();
    for (const l of set.split('\n').filter((x) => x)) perFile.set(l.split('\t')[0], (perFile.get(l.split('\t')[0]) ?? 0) + 1);
    const alone = await Promise.all(files.map(async (f) => (await cliOk('list', f, '-e', 'evt.num')).split('\n').filter((x) => x).length));
    expect([...perFile.keys()].sort()).toEqual([basename(pcap), ...files.map((f) => basename(f))].sort());
    expect(files.map((f) => perFile.get(basename(f)))).toEqual(alone);
    // evt.buffer (a field group reading each event's bytes) finds the later files' events too.
    const count = async (...argv: string[]): Promise<number> => (await cliOk('list', ...argv, '-e', 'evt.num')).split('\n').filter((x) => x).length;
    const buffers = await count(...files, '-f', 'evt.buffer contains "e"');
    expect(buffers).toBeGreaterThan(0);
    expect(buffers).toBe(await count(...files, '-f', 'evt.buffer contains "e" and !(frame.file contains "zz")'));
    expect(buffers).toBe((await Promise.all(files.map((f) => count(f, '-f', 'evt.buffer contains "e"')))).reduce((a, b) => a + b, 0));
    // A rotation and an strace log: one syscall capture merged by time, each event naming its file.
    const strace = join(CORPUS, 'strace/public/morenbach-strace-parser__strace.txt');
    const both = await cliOk('list', ...files, strace, '-e', 'frame.file');
    const byFile = new Map<string, number>();
    for (const l of both.split('\n').filter((x) => x)) byFile.set(l, (byFile.get(l) ?? 0) + 1);
    expect([...byFile.keys()].sort()).toEqual([...files.map((f) => basename(f)), basename(strace)].sort());
    expect(files.map((f) => byFile.get(basename(f)))).toEqual(alone);
    expect(byFile.get(basename(strace))).toBe(await count(strace));
    const r = await cli('info', files[0], strace);
    expect(r.code, r.err).toBe(0);
  });
});
