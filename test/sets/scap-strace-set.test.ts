/**
 * scap files and strace logs in one capture set (docs/capture-sets.md): one syscall index merged
 * by time over both readers. The files: a corpus scap (502Error.scap: haproxy and a python
 * backend in 2017) and the seed's strace (a python upload client), its `-ttt` times rewritten as
 * strace prints `-tt` in UTC−05:00 and moved into the scap's span, so the answer is known: each
 * file's own events in its own order, the strace's at their epoch times (the date and offset
 * taken from the scap), interleaved with the scap's.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptures } from '../../electron/engine/open-capture.ts';
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { openScap } from '../../electron/engine/readers/scap/open-scap.ts';
import { correlate, type Correlation } from '../../electron/engine/sets/correlate.ts';
import { mergeSyscallReaders } from '../../electron/engine/sets/syscall-merge.ts';
import { fdLifetimes } from '../../electron/engine/syscalls/fd-lifetimes.ts';
import type { SyscallIndex } from '../../electron/engine/syscalls/syscall-index.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { syscallOverview } from '../../electron/engine/stats/syscall-overview.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli, cliOk } from '../cli/run-cli.ts';
import { hasSysdig, scratchDir } from './corpus-setup.ts';

const SCAP = join(CORPUS, 'scap/sysdig-inspect/502Error.scap');
const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const dir = scratchDir('tl-scap-strace-');

const LINE = /^(\d+ +)(\d+)\.(\d{6}) /;
/** Seconds added to the seed's times: its first line lands 3 s after the scap's first timed event (1506127469). */
const SHIFT = 1506127469 + 3 - 1795291135;

/** The seed's -ttt log moved by SHIFT seconds: as -ttt (epoch) and as -tt in UTC−05:00. */
function moved(asTimeOfDay: boolean): string {
  const text = readFileSync(join(SEED, 'upload-413.strace'), 'utf8');
  return text.split('\n').map((l) => l.replace(LINE, (_m, pid: string, sec: string, us: string) => {
    const t = Number(sec) + SHIFT;
    const shown = asTimeOfDay ? new Date((t - 5 * 3600) * 1000).toISOString().slice(11, 19) : String(t);
    return `${pid}${shown}.${us} `;
  })).join('\n');
}
const EPOCH = join(dir, 'upload-epoch.strace');
const TT = join(dir, 'upload-tt.strace');
writeFileSync(EPOCH, moved(false));
writeFileSync(TT, moved(true));

function rows(out: string): string[][] {
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

const FIELDS = ['evt.rawtime', 'evt.type', 'proc.pid', 'fd.name', 'evt.dir'];
const fieldArgs = (fields: string[]): string[] => fields.flatMap((f) => ['-e', f]);

describe('a scap and an strace log as one syscall capture', () => {
  it('merges by time: each file\'s events in its own order, the -tt log dated from the scap, each event naming its file', async () => {
    const set = rows(await cliOk('list', SCAP, TT, ...fieldArgs(['evt.num', 'frame.file', ...FIELDS])));
    const scap = rows(await cliOk('list', SCAP, ...fieldArgs(FIELDS)));
    const strace = rows(await cliOk('list', EPOCH, ...fieldArgs(FIELDS)));
    expect(set.length).toBe(scap.length + strace.length);
    expect(set.map((r) => Number(r[0]))).toEqual(set.map((_r, i) => i + 1));
    // Each file's events, in its own order, with its own values; the -tt times are the epoch log's.
    expect(set.filter((r) => r[1] === '502Error.scap').map((r) => r.slice(2))).toEqual(scap);
    expect(set.filter((r) => r[1] === 'upload-tt.strace').map((r) => r.slice(2))).toEqual(strace);
    expect(set.every((r) => r[1] === '502Error.scap' || r[1] === 'upload-tt.strace')).toBe(true);
    // By time (the scap's untimed metaevents first), and truly interleaved.
    const t = set.map((r) => BigInt(r[2]));
    expect(t.every((x, i) => i === 0 || t[i - 1] <= x)).toBe(true);
    let switches = 0;
    for (let i = 1; i < set.length; i++) if (set[i][1] !== set[i - 1][1]) switches++;
    // The client's bursts of writes between the scap's events (8 runs of each file here).
    expect(switches).toBeGreaterThan(5);
    const info = JSON.parse(await cliOk('info', SCAP, TT)) as { warnings: string[]; events: number };
    expect(info.events).toBe(set.length);
    expect(info.warnings.join('\n')).toMatch(/read as 2017-09-23 UTC-05:00: the date and offset that put them on the scap files' time span/);
  }, 120_000);

  it.runIf(hasSysdig())('the scap\'s events keep sysdig\'s order and times among the strace\'s', async () => {
    const set = rows(await cliOk('list', SCAP, TT, ...fieldArgs(['frame.file', 'evt.rawtime', 'evt.type'])));
    const ours = set.filter((r) => r[0] === '502Error.scap').map((r) => `${r[1]} ${r[2]}`);
    const sysdig = execFileSync('sysdig', ['-r', SCAP, '-p', '*%evt.rawtime %evt.type'], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').filter((l) => /^\d+ /.test(l));
    expect(sysdig.length).toBeGreaterThan(9000);
    // Every event sysdig prints is there, in sysdig's order (ours also lists the internal events sysdig hides).
    let k = 0;
    for (const l of ours) if (k < sysdig.length && l === sysdig[k].replace(/ sigreturn$/, ' rt_sigreturn')) k++;
    expect(k).toBe(sysdig.length);
  }, 120_000);

  it('filters answer alike from the columns, the field groups and re-dissection, over both readers', async () => {
    const count = async (...argv: string[]): Promise<number> => rows(await cliOk('list', ...argv, '-e', 'evt.num')).length;
    const filters = [
      'fd.type == "ipv4"',
      'evt.failed == true',
      'evt.res != "SUCCESS"',
      'proc.pid == 3914 or proc.pid == 13969',
      'fd.name contains "192.168.0.2:80" or fd.name contains "18443"',
      'evt.buffer contains "HTTP"',
      'fd.sport == 80 or fd.sport == 18443',
      'evt.type == "write" and fd.num == 4',
    ];
    for (const f of filters) {
      const set = await count(SCAP, TT, '-f', f);
      const scap = await count(SCAP, '-f', f);
      const strace = await count(EPOCH, '-f', f);
      // frame.file is in no column or group: the whole filter is answered by dissecting every event.
      const dissected = await count(SCAP, TT, '-f', `(${f}) and !(frame.file contains "zz")`);
      expect([f, set]).toEqual([f, scap + strace]);
      expect([f, dissected]).toEqual([f, set]);
    }
    expect(await count(SCAP, '-f', 'fd.type == "ipv4"')).toBeGreaterThan(0);
    expect(await count(EPOCH, '-f', 'fd.type == "ipv4"')).toBeGreaterThan(0);
  }, 300_000);

  it('follows an fd stream of either reader as in its file alone', async () => {
    const chunks = (out: string): string[] => out.split('\n').filter((l) => /^[<>] /.test(l));
    const first = async (file: string, filter: string): Promise<number> => Number(rows(await cliOk('list', ...file.split('\0'), '-f', filter, '-e', 'evt.num'))[0][0]);
    const both = `${SCAP}\0${TT}`;
    // The client's TLS socket (fd 4 of pid 3914) and haproxy's backend connection (fd 1 of pid 13969).
    for (const [alone, filter] of [[EPOCH, 'evt.type == "write" and fd.num == 4'], [SCAP, 'evt.type == "sendto" and proc.pid == 13969 and fd.num == 1']]) {
      const inSet = chunks(await cliOk('follow', SCAP, TT, '--event', String(await first(both, filter)), '--as', 'raw'));
      const own = chunks(await cliOk('follow', alone, '--event', String(await first(alone, filter)), '--as', 'raw'));
      expect(own.length).toBeGreaterThan(0);
      expect(inSet).toEqual(own);
    }
  }, 120_000);

  it('the syscall overview counts both readers\' calls', async () => {
    const count = async (paths: string[]): Promise<Map<string, number>> => {
      const { capture, indexing } = await openCaptures(paths);
      await indexing;
      const o = syscallOverview(capture);
      capture.close();
      return new Map(o.syscalls.map((s) => [s.name, s.calls]));
    };
    const [set, scap, strace] = await Promise.all([count([SCAP, TT]), count([SCAP]), count([EPOCH])]);
    for (const [name, n] of set) expect([name, n]).toEqual([name, (scap.get(name) ?? 0) + (strace.get(name) ?? 0)]);
    expect(set.size).toBe(new Set([...scap.keys(), ...strace.keys()]).size);
    const shared = [...set.keys()].filter((name) => scap.has(name) && strace.has(name));
    expect(shared.length).toBeGreaterThan(3);
  }, 120_000);

  it('damaged files in the set name their file and byte offset; the rest is read', async () => {
    // A binary line in the strace log (at a line start), and the scap cut in the middle of a block.
    const text = readFileSync(TT);
    const at = text.indexOf(10, 4000) + 1;
    const badStrace = join(dir, 'binary.strace');
    writeFileSync(badStrace, Buffer.concat([text.subarray(0, at), Buffer.from([0, 0xff, 0xfe, 0, 0x67, 0x61, 10]), text.subarray(at)]));
    const cutScap = join(dir, 'cut.scap');
    writeFileSync(cutScap, readFileSync(SCAP).subarray(0, 700_001));
    // Exit status 2: read with damage.
    const alone = JSON.parse((await cli('info', cutScap)).out) as { events: number; warnings: string[] };
    const r = await cli('info', cutScap, badStrace);
    expect(r.code).toBe(2);
    const info = JSON.parse(r.out) as { events: number; warnings: string[] };
    const strace = rows(await cliOk('list', EPOCH, '-e', 'evt.num'));
    expect(info.events).toBe(alone.events + strace.length + 1);
    expect(info.warnings).toContain(`binary.strace: line 28 (byte ${at}, event 28): binary data, not strace output; shown as an unparsed line`);
    const scapWarning = alone.warnings.find((w) => /truncated/.test(w));
    expect(scapWarning).toMatch(/at byte 699952/);
    expect(info.warnings).toContain(`cut.scap: ${scapWarning}`);
  }, 60_000);
});

/** IPv4 header checksum (RFC 791 §3.1: one's complement sum of the 16-bit words). */
function ipChecksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

interface Segment { t: number; fromClient: boolean; flags: number; seq: number; ack: number; len: number }

/**
 * A pcap (Ethernet, IPv4, TCP) of one connection: the packets of haproxy's connection to its
 * backend that 502Error.scap shows (192.168.0.3:54716 → 192.168.0.2:80: 131 bytes sent by
 * haproxy's sendto, 121 bytes by python's six sendto), at times inside the sockets' lifetimes.
 * The scap has no pcap of its run; this one carries only what its syscalls say went out.
 */
function backendPcap(): Buffer {
  const ip = (s: string): number[] => s.split('.').map(Number);
  const [cip, sip, cport, sport] = [ip('192.168.0.3'), ip('192.168.0.2'), 54716, 80];
  const SYN = 0x02;
  const ACK = 0x10;
  const PSH = 0x08;
  const FIN = 0x01;
  const t0 = 1506127469.905;
  const segs: Segment[] = [
    { t: t0 + 0.000080, fromClient: true, flags: SYN, seq: 1000, ack: 0, len: 0 },
    { t: t0 + 0.000085, fromClient: false, flags: SYN | ACK, seq: 5000, ack: 1001, len: 0 },
    { t: t0 + 0.000090, fromClient: true, flags: ACK, seq: 1001, ack: 5001, len: 0 },
    { t: t0 + 0.000115, fromClient: true, flags: PSH | ACK, seq: 1001, ack: 5001, len: 131 },
    { t: t0 + 0.000380, fromClient: false, flags: ACK, seq: 5001, ack: 1132, len: 0 },
    { t: t0 + 0.000725, fromClient: false, flags: PSH | ACK, seq: 5001, ack: 1132, len: 121 },
    { t: t0 + 0.000782, fromClient: true, flags: ACK, seq: 1132, ack: 5122, len: 0 },
    { t: t0 + 0.000786, fromClient: true, flags: FIN | ACK, seq: 1132, ack: 5122, len: 0 },
  ];
  // pcap file header (libpcap savefile format): magic, 2.4, zone 0, sigfigs 0, snaplen, LINKTYPE_ETHERNET.
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(1, 20);
  const records = segs.map((g) => {
    const frame = Buffer.alloc(14 + 20 + 20 + g.len, 0x61);
    frame.fill(0, 0, 54);
    frame.set(g.fromClient ? [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3] : [2, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 2], 0);
    frame.writeUInt16BE(0x0800, 12);
    const h = frame.subarray(14, 34);
    h[0] = 0x45;
    h.writeUInt16BE(40 + g.len, 2);
    h[8] = 64;
    h[9] = 6;
    h.set(g.fromClient ? cip : sip, 12);
    h.set(g.fromClient ? sip : cip, 16);
    h.writeUInt16BE(ipChecksum(h), 10);
    const tcp = frame.subarray(34, 54);
    tcp.writeUInt16BE(g.fromClient ? cport : sport, 0);
    tcp.writeUInt16BE(g.fromClient ? sport : cport, 2);
    tcp.writeUInt32BE(g.seq, 4);
    tcp.writeUInt32BE(g.ack, 8);
    tcp[12] = 5 << 4;
    tcp[13] = g.flags;
    tcp.writeUInt16BE(65535, 14);
    const rec = Buffer.alloc(16);
    const sec = Math.floor(g.t);
    rec.writeUInt32LE(sec, 0);
    rec.writeUInt32LE(Math.round((g.t - sec) * 1e6), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  return Buffer.concat([head, ...records]);
}

describe('packets + scap + strace: correlation reads the sockets of both readers', () => {
  const SEED_PCAP = join(SEED, 'upload-413.pcap');
  const SEED_STRACE = join(SEED, 'upload-413.strace');
  const BACKEND = join(dir, 'backend.pcap');
  writeFileSync(BACKEND, backendPcap());
  const SET = [SEED_PCAP, BACKEND, SCAP, SEED_STRACE];

  it('each conversation is owned by the sockets of the reader that saw them', async () => {
    const owners = rows(await cliOk('owners', ...SET));
    expect(owners).toEqual([
      ['tcp:0', '192.168.0.3:54716', '192.168.0.2:80', 'haproxy (pid 13969) fd 1', 'python (pid 13700) fd 4'],
      ['tcp:1', '127.0.0.1:56714', '127.0.0.1:18443', 'pid 3914 fd 4', 'unmatched: no socket with this 5-tuple in the syscall capture'],
    ]);
    // A packet names its sender: haproxy's requests, python's answers; the seed's, the client.
    const pk = rows(await cliOk('list', ...SET, '-f', 'tcp.stream == 0 and frame.file == "backend.pcap"', '-e', 'ip.src', '-e', 'proc.name', '-e', 'proc.pid'));
    expect(pk.length).toBe(8);
    for (const [src, name, pid] of pk) expect([src, name, pid]).toEqual(src === '192.168.0.3' ? [src, 'haproxy', '13969'] : [src, 'python', '13700']);
    const seed = rows(await cliOk('list', ...SET, '-f', 'tcp.stream == 1 and frame.file == "upload-413.pcap" and ip.src == 127.0.0.1 and tcp.srcport == 56714', '-e', 'proc.pid'));
    expect(seed.length).toBeGreaterThan(10);
    expect(new Set(seed.map((r) => r[0]))).toEqual(new Set(['3914']));
  }, 120_000);

  it('syscalls on the matched sockets carry tcp.stream, from the scap and from the strace', async () => {
    const scapStreams = rows(await cliOk('list', SCAP, '-f', 'fd.name == "192.168.0.3:54716->192.168.0.2:80"', '-e', 'fd.stream'));
    const lifetimes = [...new Set(scapStreams.map((r) => r[0]))];
    expect(lifetimes.length).toBe(2);
    // The two sockets' events (the enters of socket() and accept(), before their fd exists, have none).
    const want = rows(await cliOk('list', SCAP, '-f', `(${lifetimes.map((n) => `fd.stream == ${n}`).join(' or ')}) and fd.num >= 0`, '-e', 'evt.rawtime', '-e', 'evt.type', '-e', 'proc.pid'));
    expect(want.length).toBe(32);
    const got = rows(await cliOk('list', ...SET, '-f', 'tcp.stream == 0 and frame.file == "502Error.scap"', '-e', 'evt.rawtime', '-e', 'evt.type', '-e', 'proc.pid'));
    expect(got).toEqual(want);
    // The same from re-dissection (frame.file is no index column), and the strace's socket alike.
    const dissected = rows(await cliOk('list', ...SET, '-f', 'tcp.stream == 0 and frame.file contains "502Error"', '-e', 'evt.rawtime', '-e', 'evt.type', '-e', 'proc.pid'));
    expect(dissected).toEqual(want);
    const pair = rows(await cliOk('list', SEED_PCAP, SEED_STRACE, '-f', 'tcp.stream == 0 and frame.file == "upload-413.strace"', '-e', 'evt.rawtime', '-e', 'evt.type'));
    const inFour = rows(await cliOk('list', ...SET, '-f', 'tcp.stream == 1 and frame.file == "upload-413.strace"', '-e', 'evt.rawtime', '-e', 'evt.type'));
    expect(pair.length).toBe(50);
    expect(inFour).toEqual(pair);
  }, 120_000);

  it('one socket seen by two readers (the same pid and fd) is one owner, not an ambiguity; each reader keeps its own fd streams', async () => {
    // The scap read twice stands for a sysdig and an strace capture of one run: every socket twice.
    const packets = (await openCaptures([BACKEND])).capture;
    const one = await openScap(openCaptureSource(SCAP), {}, []);
    const twice = mergeSyscallReaders([await openScap(openCaptureSource(SCAP), {}, []), await openScap(openCaptureSource(SCAP), {}, [])]);
    const single = correlate(packets, one);
    const cor = correlate(packets, twice);
    expect(cor.conversations.map((c) => c.why)).toEqual([['', '']]);
    const owners = (c: Correlation): string[] => c.conversations[0].owner.map((k) => `${c.sockets[k].reader} ${c.sockets[k].pid} ${c.sockets[k].fd}`);
    expect(owners(single)).toEqual(['0 13969 1', '0 13700 4']);
    expect(owners(cor)).toEqual(['0 13969 1', '0 13700 4']);
    // Both copies of each socket carry the conversation: twice the syscalls of one reader.
    const carried = (c: Correlation): number => c.socketOfEvent.filter((k) => k >= 0 && c.convOfSocket[k] === 0).length;
    expect(carried(single)).toBe(32);
    expect(carried(cor)).toBe(64);
    // fd lifetimes per reader: twice as many streams, none mixing the readers' events.
    const indexOf = (c: Capture): SyscallIndex => {
      const x = c.internals();
      if (x.kind !== 'syscalls') throw new Error('not a syscall capture');
      return x.index;
    };
    const life1 = fdLifetimes(indexOf(one));
    const ix2 = indexOf(twice);
    const life2 = fdLifetimes(ix2);
    expect(life2.pid.length).toBe(2 * life1.pid.length);
    for (let k = 0; k < life2.pid.length; k++) expect(ix2.reader?.[life2.first[k] - 1]).toBe(ix2.reader?.[life2.last[k] - 1]);
    packets.close();
    one.close();
    twice.close();
  }, 120_000);

  it('an strace -r log beside the scap: its sockets matched by 5-tuple only, the scap\'s by tuple and time', async () => {
    let prev = -1;
    const rel = readFileSync(SEED_STRACE, 'utf8').split('\n').map((l) => l.replace(LINE, (_m, pid: string, sec: string, us: string) => {
      const t = Number(sec) * 1e6 + Number(us);
      const d = prev < 0 ? 0 : t - prev;
      prev = t;
      return `${pid}${(d / 1e6).toFixed(6).padStart(12)} `;
    })).join('\n');
    const REL = join(dir, 'upload-r.strace');
    writeFileSync(REL, rel);
    const set = [SEED_PCAP, BACKEND, SCAP, REL];
    expect(rows(await cliOk('owners', ...set))).toEqual(rows(await cliOk('owners', ...SET)));
    const how = async (filter: string): Promise<string> => {
      const r = await cliOk('list', ...set, '-f', `${filter} and tcp.flags.syn == 1 and tcp.flags.ack == 0`, '--details');
      return r.split('\n').find((l) => l.startsWith('Process: ')) ?? '';
    };
    expect(await how('frame.file == "upload-413.pcap"')).toMatch(/^Process: pid 3914, sent by this socket \(matched by 5-tuple 127\.0\.0\.1:56714->127\.0\.0\.1:18443 only \(strace -r: relative times, no time test\) to fd 4\)$/);
    expect(await how('frame.file == "backend.pcap"')).toMatch(/haproxy \(pid 13969\), sent by this socket \(matched by 5-tuple 192\.168\.0\.3:54716->192\.168\.0\.2:80 and time to fd 1\)/);
  }, 120_000);
});
