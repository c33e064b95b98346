/**
 * (h) An strace log as `strace -f -ttt -T -yy -s 65535 -xx` writes it (strace(1): -xx prints
 * every string byte, and with -yy every path, as \xHH; socket decorations stay plain): an
 * nginx-like worker (epoll, accept4, recvfrom, openat/newfstatat/read/close of the file,
 * writev) serving 16 keep-alive client connections of a two-threaded client whose recvfrom calls
 * are split into `<unfinished ...>` / `<... resumed>` lines by the server's calls in between.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { rng } from '../make-pcap.ts';
import { responseHead } from './gen-http.ts';
import { enc, filler } from './net.ts';

const SERVER_PID = 2100;
const CLIENT_TIDS = [2201, 2202];
const LISTEN_FD = 6;
const EPOLL_FD = 7;

const HEX = Array.from({ length: 256 }, (_, i) => `\\x${i.toString(16).padStart(2, '0')}`);

function xx(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

const xs = (s: string): string => xx(enc.encode(s));

interface Out {
  fd: number;
  parts: string[];
  size: number;
  /** Syscalls written (an unfinished call and its resumption count once). */
  calls: number;
  /** Microseconds since the epoch. */
  us: number;
  rnd: () => number;
}

function ts(o: Out): string {
  o.us += 1 + Math.floor(o.rnd() * 30);
  return `${Math.floor(o.us / 1e6)}.${String(o.us % 1e6).padStart(6, '0')}`;
}

function dur(o: Out, max = 40): string {
  return `<0.${String(1 + Math.floor(o.rnd() * max)).padStart(6, '0')}>`;
}

function line(o: Out, tid: number, body: string): void {
  o.parts.push(`${tid} ${ts(o)} ${body}\n`);
  o.size += o.parts[o.parts.length - 1].length;
  if (o.size > 4 << 20) flushOut(o);
}

function flushOut(o: Out): void {
  writeSync(o.fd, o.parts.join(''));
  o.parts = [];
  o.size = 0;
}

function call(o: Out, tid: number, body: string, ret: string): void {
  line(o, tid, `${body} = ${ret} ${dur(o)}`);
  o.calls++;
}

interface Conn {
  cfd: number;
  sfd: number;
  cport: number;
  tid: number;
  left: number;
}

const FILES = ['/var/www/index.html', '/var/www/page.txt', '/var/www/api/items.json'];

export function straceLog(path: string, events: number, seed = 21): string {
  const o: Out = { fd: openSync(path, 'w'), parts: [], size: 0, calls: 0, us: 1_764_572_400_000_000, rnd: rng(seed) };
  const body = filler(rng(22));
  const cdec = (c: Conn): string => `${c.cfd}<TCP:[10.1.0.1:${c.cport}->10.0.0.1:18080]>`;
  const sdec = (c: Conn): string => `${c.sfd}<TCP:[10.0.0.1:18080->10.1.0.1:${c.cport}]>`;
  const ep = `${EPOLL_FD}<anon_inode:[eventpoll]>`;
  let nextPort = 40000;
  let conns = 0;
  const open = (slot: number): Conn => {
    const c: Conn = { cfd: 5 + slot, sfd: 10 + slot, cport: nextPort++, tid: CLIENT_TIDS[slot % 2], left: 100 };
    conns++;
    call(o, c.tid, `socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_TCP)`, `${c.cfd}<TCP:[${30000 + conns}]>`);
    call(o, c.tid, `connect(${c.cfd}<TCP:[${30000 + conns}]>, {sa_family=AF_INET, sin_port=htons(18080), sin_addr=inet_addr("${xs('10.0.0.1')}")}, 16)`, '-1 EINPROGRESS (Operation now in progress)');
    call(o, SERVER_PID, `epoll_wait(${ep}, [{events=EPOLLIN, data={u32=${LISTEN_FD}, u64=${LISTEN_FD}}}], 512, 60000)`, '1');
    call(o, SERVER_PID, `accept4(${LISTEN_FD}<TCP:[10.0.0.1:18080]>, {sa_family=AF_INET, sin_port=htons(${c.cport}), sin_addr=inet_addr("${xs('10.1.0.1')}")}, [112 => 16], SOCK_NONBLOCK)`, sdec(c));
    call(o, SERVER_PID, `epoll_ctl(${ep}, EPOLL_CTL_ADD, ${sdec(c)}, {events=EPOLLIN|EPOLLRDHUP|EPOLLET, data={u32=${c.sfd}, u64=${c.sfd}}})`, '0');
    return c;
  };
  const live: Conn[] = [];
  for (let s = 0; s < 16; s++) live.push(open(s));
  while (o.calls < events) {
    const slot = Math.floor(o.rnd() * live.length);
    const c = live[slot];
    const file = FILES[Math.floor(o.rnd() * FILES.length)];
    const req = enc.encode(`GET ${file.slice(8)} HTTP/1.1\r\nHost: 10.0.0.1:18080\r\n\r\n`);
    const len = 200 + Math.floor(o.rnd() * 200);
    const head = enc.encode(responseHead('200 OK', len));
    const b = body(len, o.calls);
    const fdec = `12<${xs(file)}>`;
    call(o, c.tid, `sendto(${cdec(c)}, "${xx(req)}", ${req.length}, MSG_NOSIGNAL, NULL, 0)`, String(req.length));
    const split = o.rnd() < 0.5;
    if (split) line(o, c.tid, `recvfrom(${cdec(c)},  <unfinished ...>`);
    call(o, SERVER_PID, `epoll_wait(${ep}, [{events=EPOLLIN, data={u32=${c.sfd}, u64=${c.sfd}}}], 512, 60000)`, '1');
    call(o, SERVER_PID, `recvfrom(${sdec(c)}, "${xx(req)}", 1024, 0, NULL, NULL)`, String(req.length));
    call(o, SERVER_PID, `openat(AT_FDCWD<${xs('/')}>, "${xs(file)}", O_RDONLY|O_NONBLOCK)`, fdec);
    call(o, SERVER_PID, `newfstatat(${fdec}, "", {st_mode=S_IFREG|0644, st_size=${len}, ...}, AT_EMPTY_PATH)`, '0');
    call(o, SERVER_PID, `read(${fdec}, "${xx(b)}", ${len})`, String(len));
    call(o, SERVER_PID, `close(${fdec})`, '0');
    call(o, SERVER_PID, `writev(${sdec(c)}, [{iov_base="${xx(head)}", iov_len=${head.length}}, {iov_base="${xx(b)}", iov_len=${len}}], 2)`, String(head.length + len));
    const resp = `"${xx(head)}${xx(b)}", 65535, 0, NULL, NULL) = ${head.length + len} ${dur(o, 200)}`;
    if (split) line(o, c.tid, `<... recvfrom resumed>${resp}`);
    else line(o, c.tid, `recvfrom(${cdec(c)}, ${resp}`);
    o.calls++;
    if (--c.left === 0) {
      call(o, c.tid, `close(${cdec(c)})`, '0');
      call(o, SERVER_PID, `epoll_wait(${ep}, [{events=EPOLLIN|EPOLLRDHUP, data={u32=${c.sfd}, u64=${c.sfd}}}], 512, 60000)`, '1');
      call(o, SERVER_PID, `recvfrom(${sdec(c)}, "", 1024, 0, NULL, NULL)`, '0');
      call(o, SERVER_PID, `close(${sdec(c)})`, '0');
      live[slot] = open(slot);
    }
  }
  for (const c of live) call(o, c.tid, `close(${cdec(c)})`, '0');
  line(o, CLIENT_TIDS[1], '+++ exited with 0 +++');
  line(o, CLIENT_TIDS[0], '+++ exited with 0 +++');
  flushOut(o);
  closeSync(o.fd);
  return `${o.calls} syscalls: an nginx-like worker and ${conns} keep-alive client connections (100 requests each)`;
}
