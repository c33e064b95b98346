/**
 * Every strace 6 output shape (test/fixtures/strace-shapes/make.sh: one real run per option
 * set), and socket peers as libsinsp names them on those logs, the seed and the corpus.
 * Expected values come from the log text by regular expressions written here, not from the reader.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { createDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { entryField, entryValue, formatFieldValue } from '../../electron/engine/dissectors/values.ts';
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { isStraceText, openStrace, openStraceFiles } from '../../electron/engine/readers/strace/open-strace.ts';
import { CORPUS } from '../engine/corpus.ts';

const DIR = 'test/fixtures/strace-shapes/';
/** Ports in make.sh: the http.server curl talks to, and fds.py. */
const PORT = 18765;
const SPORT = 18770;
const shapes = readdirSync(DIR).filter((f) => f.endsWith('.strace') || /^ff\.\d+$/.test(f));

async function open(path: string): Promise<Capture> {
  return openStrace(openCaptureSource(path), {}, []);
}

const cells: string[] = [];
const d: Dissection = createDissection();

function fields(cap: Capture, e: number): Map<string, string[]> {
  cap.dissect(e, d);
  const m = new Map<string, string[]>();
  for (let i = 0; i < d.n; i++) {
    const f = entryField(d, i);
    const list = m.get(f.name) ?? [];
    list.push(formatFieldValue(f, entryValue(d, i)));
    m.set(f.name, list);
  }
  return m;
}

/** Events as [number, type, Arguments column]. */
function events(cap: Capture): [number, string, string][] {
  const out: [number, string, string][] = [];
  for (let e = 1; e <= cap.count(); e++) {
    cap.cells(e, cells);
    out.push([e, cells[7], cells[11]]);
  }
  return out;
}

const one = (m: Map<string, string[]>, k: string): string | undefined => m.get(k)?.[0];
const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;

/** Port from `sin_port=htons(N)` or -X raw `sin_port="\x49\x4d"` in one sockaddr text. */
function portOf(sa: string): number | null {
  const h = /sin6?_port=htons\((\d+)\)/.exec(sa);
  if (h) return Number(h[1]);
  // -X raw: the two bytes in network order, printable ones as themselves
  const raw = /sin6?_port="((?:\\x[0-9a-f]{2}|[^"\\]){2})"/.exec(sa);
  if (!raw) return null;
  const bytes = [...raw[1].matchAll(/\\x([0-9a-f]{2})|(.)/g)].map((m) => (m[1] ? parseInt(m[1], 16) : m[2].charCodeAt(0)));
  return bytes[0] * 256 + bytes[1];
}

const isV6 = (sa: string): boolean => /sa_family=(AF_INET6|0xa)/.test(sa);
const isIp = (sa: string): boolean => /sa_family=(AF_INET6?|0x2|0xa)\b/.test(sa);
const isUnixPath = (sa: string): boolean => /sa_family=(AF_UNIX|0x1)\b.*sun_path=/.test(sa);

/** curl's local port for its connection to PORT, as the log shows it (decoration or getsockname). */
function curlLocalPort(text: string): number | null {
  const deco = new RegExp(`127\\.0\\.0\\.1:(\\d+)->127\\.0\\.0\\.1:${PORT}\\]`).exec(text);
  if (deco) return Number(deco[1]);
  const gsn = /getsockname\((?:0x)?5[,<][^\n]*?(\{sa_family=(?:AF_INET|0x2)[^}]*\})/.exec(text);
  return gsn ? portOf(gsn[1]) : null;
}

const TIMESTAMPS: Record<string, string> = {
  't.strace': 'time of day', 'tt.strace': 'time of day', 'n-i-tt.strace': 'time of day', 'r-ns.strace': 'time of day',
  'stderr-Y.strace': 'time of day', 'server-yy.strace': 'time of day', 'server-plain.strace': 'time of day',
  'ttt.strace': 'epoch', 'timestamps-unix-ns.strace': 'epoch', 'r.strace': 'relative',
};

describe('strace shapes: every line parsed', () => {
  for (const f of shapes) {
    it(f, async () => {
      const text = readFileSync(DIR + f, 'latin1');
      expect(isStraceText(new TextEncoder().encode(text.slice(0, 65536)))).toBe(true);
      const cap = await open(DIR + f);
      const info = cap.info();
      const evs = events(cap);
      expect(info.extra.unparsedLines).toBe(0);
      expect(evs.filter(([, t]) => t === 'text')).toEqual([]);
      // each call's events against the lines that start it (resumed halves join their start)
      for (const name of ['connect', 'sendto', 'recvfrom', 'openat', 'close', 'execve', 'accept4', 'bind']) {
        expect(evs.filter(([, t]) => t === name).length, name).toBe(count(text, new RegExp(`(^|[\\]> ])${name}\\(`, 'gm')));
      }
      expect(evs.filter(([, t]) => t === 'signal').length).toBe(count(text, /--- SIG/g));
      expect(evs.filter(([, t]) => t === 'exit' || t === 'killed').length).toBe(count(text, /\+\+\+ (exited|killed)/g));
      expect(info.extra.timestamps).toBe(TIMESTAMPS[f] ?? (f.startsWith('ff.') ? 'time of day' : 'none'));
      cap.close();
    });
  }
});

describe('strace shapes: what each option adds', () => {
  it('-n: the syscall number; -i: the instruction pointer (both together: -n first)', async () => {
    for (const f of ['n.strace', 'i.strace', 'n-i-tt.strace']) {
      const cap = await open(DIR + f);
      const [e] = events(cap).find(([, t]) => t === 'connect') ?? [0];
      const m = fields(cap, e);
      if (f.startsWith('n')) expect(m.get('strace.syscall_nr'), f).toEqual(['42']); // x86_64 __NR_connect
      if (f.includes('i')) expect(one(m, 'strace.ip'), f).toMatch(/^[0-9a-f]{16}$/);
      cap.close();
    }
  });

  it('-k: stack frames; --decode-pids=comm and -Y on stderr: the command name', async () => {
    let cap = await open(`${DIR}k.strace`);
    let e = events(cap).find(([, t]) => t === 'connect')?.[0] ?? 0;
    expect(fields(cap, e).get('strace.stack.frame')?.[0]).toMatch(/libc\.so\.6\(.*connect/);
    cap.close();
    for (const f of ['decode-pids-comm.strace', 'stderr-Y.strace']) {
      cap = await open(DIR + f);
      e = events(cap).find(([, t, a]) => t === 'connect' && a.includes(String(PORT)))?.[0] ?? 0;
      expect(one(fields(cap, e), 'proc.name'), f).toBe('curl');
      cap.close();
    }
  });

  it('stderr -f: lines without [pid N] are the lone process (set_tid_address), not the next child', async () => {
    const text = readFileSync(`${DIR}stderr-Y.strace`, 'latin1');
    const sh = /^[\d:.]+ set_tid_address\(0x[0-9a-f]+\) += (\d+)$/m.exec(text)?.[1];
    const child = /strace: Process (\d+) attached/.exec(text)?.[1];
    expect(sh).not.toBe(child);
    const cap = await open(`${DIR}stderr-Y.strace`);
    const pidOf = (e: number): string => (cap.cells(e, cells), cells[5]);
    const evs = events(cap);
    expect(pidOf(1)).toBe(sh);
    expect(pidOf(evs.length)).toBe(sh); // +++ exited with 0 +++ of the shell
    // the shell's wait4 <unfinished ...> joins its prefix-less <... wait4 resumed>
    expect(cap.info().warnings).toEqual([]);
    expect(cap.info().extra.joinedUnfinished).toBe(count(text, /resumed>/g));
    cap.close();
  });

  it('-T / --syscall-times=ns|us: evt.latency is the printed duration', async () => {
    for (const [f, digits] of [['syscall-times-ns.strace', 9], ['T-us.strace', 6]] as const) {
      const text = readFileSync(DIR + f, 'latin1');
      const line = text.split('\n').find((l) => / connect\(5/.test(l)) ?? '';
      const m = /<(\d+)\.(\d+)>$/.exec(line);
      expect(m?.[2].length, f).toBe(digits);
      const ns = Number(m?.[1]) * 1e9 + Number((m?.[2] ?? '').padEnd(9, '0'));
      const cap = await open(DIR + f);
      const e = events(cap).find(([, t, a]) => t === 'connect' && a.includes(String(PORT)))?.[0] ?? 0;
      expect(fields(cap, e).get('evt.latency'), f).toEqual([String(ns)]);
      cap.close();
    }
  });

  it('no -f: the pid comes from set_tid_address(); default -s 32 is reported as the string limit', async () => {
    const text = readFileSync(`${DIR}nopid.strace`, 'latin1');
    const pid = /set_tid_address\(0x[0-9a-f]+\) += (\d+)/.exec(text)?.[1];
    const cap = await open(`${DIR}nopid.strace`);
    const evs = events(cap);
    expect(new Set(evs.map(([e]) => (cap.cells(e, cells), cells[5])))).toEqual(new Set([pid]));
    const [e] = evs.find(([, t]) => t === 'sendto') ?? [0];
    const m = fields(cap, e);
    expect(one(m, 'fd.name')).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+->127\\.0\\.0\\.1:${PORT}$`));
    expect(one(m, 'evt.buffer.truncated')).toBe(String(Number(one(m, 'evt.rawres')) - 32));
    expect([cap.info().extra.stringLimit, cap.info().extra.stringLimitNote]).toEqual([32, 'strings cut at 32 bytes by strace -s 32']);
    cap.close();
    const s0 = await open(`${DIR}yy-x-s0.strace`);
    expect(s0.info().extra.stringLimit).toBe(0);
    s0.close();
    // -s 65535: nothing cut, nothing reported
    const full = await open(`${CORPUS}/strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt`);
    expect(full.info().extra.stringLimit).toBeUndefined();
    full.close();
  });

  it('lines that are not strace output: warned with line and byte, the rest read', async () => {
    const lines = readFileSync(`${DIR}yy.strace`, 'latin1').split('\n');
    const junk = ['this is not strace output', 'bin\x01\x02garbage'];
    const text = [...lines.slice(0, 100), ...junk, ...lines.slice(100)].join('\n');
    const byte = Buffer.byteLength(lines.slice(0, 100).join('\n'), 'latin1') + 1;
    const path = `${DIR}../../../test-artifacts/strace-garbage.log`;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, 'latin1');
    const cap = await open(path);
    const clean = await open(`${DIR}yy.strace`);
    expect(cap.count()).toBe(clean.count() + 2);
    const shown = events(cap).filter(([, t]) => t === 'text').map(([e]) => e);
    expect(shown.length).toBe(2);
    expect(cap.info().warnings).toEqual([
      `line 101 (byte ${byte}, event ${shown[0]}): not strace output (the traced program's own output?); shown as an unparsed line`,
      `line 102 (byte ${byte + junk[0].length + 1}, event ${shown[1]}): binary data, not strace output; shown as an unparsed line`,
    ]);
    // what follows is read as before
    const after = (c: Capture): string[] => events(c).filter(([, t]) => t === 'connect').map(([e]) => one(fields(c, e), 'fd.name') ?? '');
    expect(after(cap)).toEqual(after(clean));
    cap.close();
    clean.close();
  });

  it('-ff: the per-pid files merge with their pids', async () => {
    const ff = shapes.filter((f) => f.startsWith('ff.'));
    const cap = await openStraceFiles(ff.map((f) => DIR + f));
    const pids = new Set(events(cap).map(([e]) => (cap.cells(e, cells), cells[5])));
    expect([...pids].sort()).toEqual(ff.map((f) => f.slice(3)).sort());
    cap.close();
  });
});

describe('strace shapes: socket peers as libsinsp names them', () => {
  // the logs of curl's run (of the -ff files, the one of the curl process)
  const clientLogs = shapes.filter((f) => !f.startsWith('server') && /connect\((0x)?5\b/.test(readFileSync(DIR + f, 'latin1')));
  it('every client log is checked', () => expect(clientLogs.length).toBe(shapes.length - 3 - 1)); // not the 3 server logs, not the sh -ff file
  for (const f of clientLogs) {
    it(`${f}: curl's connect is cip:cport->sip:sport`, async () => {
      const text = readFileSync(DIR + f, 'latin1');
      const cap = await open(DIR + f);
      const e = events(cap).find(([, t, a]) => t === 'connect' && /^(0x)?5\b/.test(a))?.[0] ?? 0;
      expect(e).toBeGreaterThan(0);
      const m = fields(cap, e);
      const lport = curlLocalPort(text);
      if (f === 'raw-all.strace') {
        // -e raw=all: neither sockaddrs nor -y decorations are printed; nothing names the socket
        expect(lport).toBeNull();
        // An fd with no name yet is named "" (libsinsp), as syscalls/ does for every reader.
        expect(m.get('fd.name') ?? ['']).toEqual(['']);
      } else {
        expect(lport, 'the log shows the local port').not.toBeNull();
        expect(one(m, 'fd.name')).toBe(`127.0.0.1:${lport}->127.0.0.1:${PORT}`);
        expect([one(m, 'fd.cip'), one(m, 'fd.cport'), one(m, 'fd.sip'), one(m, 'fd.sport')]).toEqual(['127.0.0.1', String(lport), '127.0.0.1', String(PORT)]);
        expect([one(m, 'fd.lip'), one(m, 'fd.lport'), one(m, 'fd.rip'), one(m, 'fd.rport')]).toEqual(['127.0.0.1', String(lport), '127.0.0.1', String(PORT)]);
        expect([one(m, 'fd.type'), one(m, 'fd.l4proto'), one(m, 'fd.sockfamily')]).toEqual(['ipv4', 'tcp', 'ip']);
        // libsinsp: a client whose server address is this machine's is "server" too (loopback)
        expect(one(m, 'fd.is_server')).toBe('1');
      }
      cap.close();
    });
  }

  for (const f of ['server-yy.strace', 'server-plain.strace', 'server-X-raw.strace']) {
    it(`${f}: bind, accept4, unix sockets, new fds, dup2/dup3`, async () => {
      const cap = await open(DIR + f);
      const evs = events(cap);
      const named = (type: string): string[] => evs.filter(([, t]) => t === type).map(([e]) => one(fields(cap, e), 'fd.name') ?? '');
      expect(named('bind')).toEqual([`127.0.0.1:${SPORT}`, `::1:${SPORT}`, '/tmp/tracelens-fds.sock']);
      const binds = evs.filter(([, t]) => t === 'bind').map(([e]) => fields(cap, e));
      expect(binds.map((m) => [one(m, 'fd.sip'), one(m, 'fd.sport'), one(m, 'fd.is_server')])).toEqual([
        ['127.0.0.1', String(SPORT), '1'], ['::1', String(SPORT), '1'], [undefined, undefined, '0'],
      ]);
      let accepted = 0;
      for (const [e, t, a] of evs) {
        if (t !== 'accept4' || / = -1 /.test(a)) continue;
        const m = fields(cap, e);
        if (a.includes('AF_UNIX') || a.includes('0x1}')) {
          expect(one(m, 'fd.name')).toBe('/tmp/tracelens-fds.sock');
          continue;
        }
        const ip = isV6(a) ? '::1' : '127.0.0.1';
        const cport = portOf(a);
        expect(one(m, 'fd.name'), a).toBe(`${ip}:${cport}->${ip}:${SPORT}`);
        expect([one(m, 'fd.num'), one(m, 'fd.lport'), one(m, 'fd.rport'), one(m, 'fd.rip'), one(m, 'fd.is_server')]).toEqual([one(m, 'evt.rawres'), String(SPORT), String(cport), ip, '1']);
        accepted++;
      }
      expect(accepted).toBe(2);
      // the unix client: connect names the path; later calls keep it although -yy shows inodes only
      const conn = evs.find(([, t, a]) => t === 'connect' && a.includes('tracelens-fds.sock'));
      expect(one(fields(cap, conn?.[0] ?? 0), 'fd.name')).toBe('/tmp/tracelens-fds.sock');
      const send = evs.find(([e, t]) => e > (conn?.[0] ?? 0) && t === 'sendto');
      expect(one(fields(cap, send?.[0] ?? 0), 'fd.name')).toBe('/tmp/tracelens-fds.sock');
      // fds made by calls that are not open/socket
      const kinds: Record<string, string> = { epoll_create1: 'eventpoll', eventfd2: 'event', timerfd_create: 'timerfd', signalfd4: 'signalfd', dup2: 'pipe', dup3: 'pipe' };
      for (const [call, type] of Object.entries(kinds)) {
        const [e] = evs.find(([, t]) => t === call) ?? [0];
        const m = fields(cap, e);
        // dup2/dup3 report the fd they duplicate (libsinsp's fd.num), the others the fd they make
        const want = call.startsWith('dup') ? /(\d+)/.exec(evs.find(([x]) => x === e)?.[2] ?? '')?.[1] : one(m, 'evt.rawres');
        expect([one(m, 'fd.num'), one(m, 'fd.type')], call).toEqual([want, type]);
      }
      cap.close();
    });
  }
});

/** connect/accept/bind events with an IP or unix-path sockaddr in their arguments. */
async function peerCounts(path: string): Promise<{ calls: number; named: number; tuples: number; ip: number; missing: string[] }> {
  const cap = await open(path);
  const out = { calls: 0, named: 0, tuples: 0, ip: 0, missing: [] as string[] };
  for (const [e, t, a] of events(cap)) {
    if (!/^(connect|accept4?|bind)$/.test(t) || !(isIp(a) || isUnixPath(a))) continue;
    out.calls++;
    const m = fields(cap, e);
    if (m.get('fd.name')?.[0]) out.named++;
    else out.missing.push(`${e} ${t} ${a.slice(0, 80)}`);
    if (!isIp(a)) continue;
    out.ip++;
    const keys = t === 'bind' ? ['fd.sip', 'fd.sport'] : ['fd.cip', 'fd.cport', 'fd.sip', 'fd.sport', 'fd.lip', 'fd.lport', 'fd.rip', 'fd.rport'];
    if (keys.every((k) => m.has(k))) out.tuples++;
  }
  cap.close();
  return out;
}

describe('strace: every connect/accept/bind of the seed and the corpus gets fd.name and the tuple', () => {
  const corpus = ['public', 'generated'].flatMap((dir) =>
    readdirSync(`${CORPUS}/strace/${dir}`)
      .filter((f) => !f.endsWith('.oracle.txt') && !f.includes('LICENSE'))
      .map((f) => `${CORPUS}/strace/${dir}/${f}`),
  );
  it('seed-413: the connect in progress (fd 4<TCP:[200073]>) gets the tuple of the connection', async () => {
    const path = 'test/fixtures/seed-413/upload-413.strace';
    const cap = await open(path);
    const [e] = events(cap).find(([, t]) => t === 'connect') ?? [0];
    const m = fields(cap, e);
    expect(one(m, 'fd.name')).toBe('127.0.0.1:56714->127.0.0.1:18443');
    expect([one(m, 'fd.sip'), one(m, 'fd.sport'), one(m, 'fd.cport'), one(m, 'fd.lport'), one(m, 'fd.rport')]).toEqual(['127.0.0.1', '18443', '56714', '56714', '18443']);
    cap.close();
    expect(await peerCounts(path)).toEqual({ calls: 1, named: 1, tuples: 1, ip: 1, missing: [] });
  });

  it('corpus strace logs', async () => {
    let calls = 0;
    let ip = 0;
    for (const path of corpus) {
      const c = await peerCounts(path);
      expect(c.missing, path).toEqual([]);
      expect(c.tuples, path).toBe(c.ip);
      calls += c.calls;
      ip += c.ip;
    }
    // counted over the corpus logs (the uwsgi log alone has 759, all with IPv4 peers)
    expect([calls, ip]).toEqual([CORPUS_CALLS, CORPUS_IP]);
  });
});

const CORPUS_CALLS = 804;
const CORPUS_IP = 774;
