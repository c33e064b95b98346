/**
 * strace logs without epoch times in a capture set (docs/capture-sets.md): `-tt` (time of day)
 * takes its date and UTC offset from the packets; `-r` (relative) is matched by 5-tuple only.
 * The logs are the seed's `-ttt` strace rewritten as strace prints -tt / -r, so the answer is
 * known: the same owners, the same interleaving as the epoch log.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clockJoin, timeOfDayShift } from '../../electron/engine/sets/clock-join.ts';
import { cli, cliOk } from '../cli/run-cli.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const STRACE = join(SEED, 'upload-413.strace');
const MULTI = join(import.meta.dirname, '../fixtures/multi-client');
const dir = mkdtempSync(join(tmpdir(), 'clock-join-'));

const LINE = /^(\d+ +)(\d+)\.(\d{6}) /;

/** The -ttt log as `-tt` would print it in a zone `offsetMin` east of UTC. */
function asTimeOfDay(text: string, offsetMin: number): string {
  return text.split('\n').map((l) => l.replace(LINE, (_m, pid: string, sec: string, us: string) => {
    const t = new Date((Number(sec) + offsetMin * 60) * 1000).toISOString().slice(11, 19);
    return `${pid}${t}.${us} `;
  })).join('\n');
}

/** The -ttt log as `-r` would print it: seconds since the previous line. */
function asRelative(text: string): string {
  let prev = -1;
  return text.split('\n').map((l) => l.replace(LINE, (_m, pid: string, sec: string, us: string) => {
    const t = Number(sec) * 1e6 + Number(us);
    const d = prev < 0 ? 0 : t - prev;
    prev = t;
    return `${pid}${(d / 1e6).toFixed(6).padStart(12)} `;
  })).join('\n');
}

function rows(out: string): string[][] {
  return out.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}


describe('clock join: the shift search', () => {
  it('finds the date and a half-hour UTC offset that put the times of day on the packets', () => {
    const p0 = Date.UTC(2026, 10, 21, 22, 10, 0) / 1000;
    // 03:40 local on the 22nd = 22:10 UTC on the 21st at UTC+05:30.
    const s0 = 3 * 3600 + 40 * 60 + 86400 * 0;
    const r = timeOfDayShift(s0, s0 + 30, p0, p0 + 25);
    expect(r.utcOffsetMin).toBe(330);
    expect(s0 + r.shiftS).toBe(p0);
    const j = clockJoin('time of day', s0, s0 + 30, p0, p0 + 25);
    expect(j.kind === 'timeOfDay' && j.note).toMatch(/2026-11-21 UTC\+05:30/);
  });

  it('leaves epoch logs alone and places relative ones at the packets\' first second', () => {
    expect(clockJoin('epoch', 1, 2, 1e9, 1e9 + 1)).toEqual({ kind: 'epoch' });
    const r = clockJoin('relative', 0, 3, 1795291136.7, 1795291140);
    expect(r.kind === 'relative' && r.shiftS).toBe(1795291136);
  });
});

describe('clock join: the seed upload with -tt and -r strace logs', () => {
  const text = readFileSync(STRACE, 'latin1');
  const tt = join(dir, 'upload-413-tt.strace');
  const rel = join(dir, 'upload-413-r.strace');
  writeFileSync(tt, asTimeOfDay(text, -300), 'latin1');
  writeFileSync(rel, asRelative(text), 'latin1');

  it('-tt: same owners and the same interleaving as the epoch log; the note names the date and offset', async () => {
    const fields = ['-f', 'tcp.stream == 0', '-e', 'frame.number', '-e', 'evt.type', '-e', 'tcp.len', '-e', 'proc.pid', '-e', 'evt.rawtime', '-e', 'frame.time_epoch'];
    const want = await cliOk('list', PCAP, STRACE, ...fields);
    expect(await cliOk('list', PCAP, tt, ...fields)).toBe(want);
    expect(await cliOk('owners', PCAP, tt)).toBe(await cliOk('owners', PCAP, STRACE));
    const info = await cli('info', PCAP, tt);
    expect(info.out + info.err).toMatch(/read as \d{4}-\d\d-\d\d UTC-05:00/);
  });

  it('-r: matched by 5-tuple only, and the Process subtree says so', async () => {
    const owners = rows(await cliOk('owners', PCAP, rel));
    expect(owners[0].slice(0, 4)).toEqual(['tcp:0', '127.0.0.1:56714', '127.0.0.1:18443', 'pid 3914 fd 4']);
    const out = await cliOk('list', PCAP, rel, '-f', 'tcp.stream == 0 && tcp.flags.syn == 1 && tcp.flags.ack == 0', '--details');
    expect(out).toMatch(/Process: pid 3914, sent by this socket \(matched by 5-tuple 127\.0\.0\.1:56714->127\.0\.0\.1:18443 only \(strace -r: relative times, no time test\) to fd 4\)/);
    // The packets of the connection still all carry the client's pid.
    const pk = rows(await cliOk('list', PCAP, rel, '-f', 'tcp.stream == 0 && frame.file == "upload-413.pcap"', '-e', 'proc.pid'));
    expect(pk.length).toBe(rows(await cliOk('list', PCAP)).length);
    expect(pk.every((r) => r[0] === '3914')).toBe(true);
  });

  it('-r with ports reused over time: reused tuples stay ambiguous, never a wrong owner', async () => {
    const multi = gunzipSync(readFileSync(join(MULTI, 'multi-client.strace.gz'))).toString('latin1');
    const relMulti = join(dir, 'multi-client-r.strace');
    writeFileSync(relMulti, asRelative(multi), 'latin1');
    const pcap = join(MULTI, 'multi-client.pcap');
    const byTime = new Map(rows(await cliOk('owners', pcap, join(MULTI, 'multi-client.strace.gz'))).map((o) => [o[0], o]));
    const byTuple = rows(await cliOk('owners', pcap, relMulti));
    expect(byTuple.length).toBe(byTime.size);
    let ambiguous = 0;
    for (const o of byTuple) {
      for (const side of [3, 4]) {
        if (/^unmatched: /.test(o[side])) {
          if (/ambiguous/.test(o[side])) ambiguous++;
          continue;
        }
        expect(o[side], o[0]).toBe(byTime.get(o[0])?.[side]);
      }
    }
    // Port 40002 was used by several connections over time: their client sides cannot be told apart.
    expect(ambiguous).toBeGreaterThan(0);
  });
});
