/**
 * Issue 11 item 5: the browser-mode server survives malformed requests. A seeded generator
 * (TRACELENS_FUZZ_SEED to replay) writes request lines, headers, cookies, WebSocket upgrades and
 * first WebSocket frames straight onto TCP sockets, against a server in its own process (a
 * crash is an exit there, not a lost vitest worker). Every answer must be a 4xx (or the
 * redirect/page/upgrade a well-formed request gets), and the server must still serve the page
 * afterwards. On main, `GET /%E0%A4%A` with the token, `Cookie: tracelens_token=%`, and a
 * WebSocket frame whose decode error was over 123 bytes (the close reason) each ended the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieName } from '../../electron/web/server.ts';
import { encodeFrame } from '../../shared/wire.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SEED = Number(process.env.TRACELENS_FUZZ_SEED ?? 0x5ec11);

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Served {
  proc: ChildProcess;
  port: number;
  token: string;
  stderr: () => string;
}

async function serve(real: boolean): Promise<Served> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/hostile/web-fuzz-server.ts', ...(real ? ['real'] : [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<URL>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`fuzz server did not start: ${err}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /URL (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(new URL(m[1]));
      }
    });
    proc.on('exit', (c) => rej(new Error(`fuzz server exited ${c}: ${err}`)));
  });
  return { proc, port: Number(url.port), token: url.searchParams.get('token')!, stderr: () => err };
}

/** Write `bytes` (then `more` once the first answer bytes arrive), collect the answer until close or `ms`. */
function exchange(port: number, bytes: Buffer, more: Buffer[] = [], ms = 800): Promise<{ head: string; all: string; closed: boolean }> {
  return new Promise((res) => {
    const sock = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let sentMore = false;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      res({ head: got.subarray(0, 200).toString('latin1'), all: got.toString('latin1'), closed });
    };
    const timer = setTimeout(() => done(false), ms);
    sock.on('error', () => {});
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (!sentMore && more.length && got.includes('\r\n\r\n')) {
        sentMore = true;
        for (const m of more) sock.write(m);
      }
    });
    sock.on('close', () => done(true));
    sock.write(bytes);
  });
}

const statusOf = (head: string): number | null => {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  return m ? Number(m[1]) : null;
};

/** A client WebSocket frame (RFC 6455 §5.2), masked unless told otherwise. */
function wsFrame(opcode: number, payload: Buffer, o: { fin?: boolean; rsv?: number; masked?: boolean; lengthOverride?: bigint } = {}): Buffer {
  const fin = o.fin ?? true;
  const masked = o.masked ?? true;
  const len = o.lengthOverride ?? BigInt(payload.length);
  const head: number[] = [(fin ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const m = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126n) head.push(m | Number(len));
  else if (len < 65536n) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  const key = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** A wire frame with a binary placeholder whose type is 100 × 'é' (shared/wire.ts quotes it in its error). */
function badReference(): Buffer {
  const json = Buffer.from(JSON.stringify({ kind: 'request', id: 1, method: 'x', params: { '\u0000b': 0, '\u0000t': '\u00e9'.repeat(100) } }));
  const b = Buffer.alloc(8 + ((json.length + 7) & ~7));
  b.writeUInt32LE(0x31574c54, 0);
  b.writeUInt32LE(json.length, 4);
  json.copy(b, 8);
  return b;
}

/** The process's peak resident set (Linux VmHWM), for the record. */
function peakRss(pid: number | undefined): string {
  try {
    return /VmHWM:\s*(\d+ kB)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const ALLOWED = new Set([101, 200, 303, 400, 401, 404, 405, 421, 431]);

describe('browser-mode server under malformed requests', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(false);
  });
  afterAll(() => {
    if (s) console.log(`web fuzz server peak RSS ${peakRss(s.proc.pid)}`);
    s?.proc.kill('SIGTERM');
  });

  const host = (): string => `127.0.0.1:${s.port}`;
  const get = (target: string, headers: string[] = []): Buffer => Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${host()}\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1');
  async function alive(): Promise<void> {
    expect(s.proc.exitCode, s.stderr()).toBeNull();
    const r = await exchange(s.port, get(`/?token=${s.token}`));
    expect(statusOf(r.head), s.stderr()).toBe(303);
  }

  it('answers the inputs that used to end it with 400/401', async () => {
    const cookie = (v: string): string => `Cookie: ${cookieName(s.port)}=${v}`;
    const cases: [Buffer, number][] = [
      [get('/%E0%A4%A'), 401],
      [get(`/%E0%A4%A?token=${s.token}`), 303],
      [get('/%E0%A4%A', [cookie(s.token)]), 400],
      [get('/%', [cookie(s.token)]), 400],
      [get('/%00', [cookie(s.token)]), 400],
      [get('/', ['Cookie: tracelens_token=%']), 401],
      [get('/', [cookie('%')]), 401],
      [get('/', [cookie('%E0%A4%A')]), 401],
      [get('/api/session?token=%'), 401],
      [Buffer.from(`GET http://[ HTTP/1.1\r\nHost: ${host()}\r\n\r\n`), 400],
      [Buffer.from('GARBAGE\r\n\r\n'), 400],
      [Buffer.from(`GET / HTTP/1.1\r\nHost: ${host()}\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`), 431],
    ];
    for (const [req, want] of cases) {
      const r = await exchange(s.port, req);
      expect(statusOf(r.head), `${req.toString('latin1').slice(0, 80)} → ${r.head.slice(0, 40)}`).toBe(want);
    }
    // The upgrade with a malformed cookie or path is refused, not a crash.
    const up = (target: string, extra: string[]): Buffer =>
      get(target, ['Upgrade: websocket', 'Connection: Upgrade', `Origin: http://${host()}`, `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', ...extra]);
    expect(statusOf((await exchange(s.port, up('/engine', [cookie('%')]))).head)).toBe(401);
    expect(statusOf((await exchange(s.port, up('/%E0%A4%A', [cookie(s.token)]))).head)).toBe(401);
    expect(statusOf((await exchange(s.port, up('/engine', [cookie(s.token)]))).head)).toBe(101);
    // A frame whose decode error quotes 100 two-byte characters: the close reason was cut to 120
    // characters, not 123 bytes, and ws.close threw out of the message handler (RangeError).
    const r = await exchange(s.port, up('/engine', [cookie(s.token)]), [wsFrame(2, badReference())], 1500);
    expect(statusOf(r.head)).toBe(101);
    expect(r.all).toMatch(/\u0088[\s\S]*\u0003\u00eb/); // a close frame, code 1003
    await alive();
  });

  it(`survives seeded HTTP and upgrade fuzzing (seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const targets = ['/', '/index.html', '/%E0%A4%A', '/%', '/%%41', '/%00', '/%ED%A0%80', '/%C0%AF', '/%2e%2e/%2e%2e/etc/passwd', '/..%2F..%2Fetc%2Fpasswd', '/../../etc/passwd', '//evil.example/', '/\\evil.example', 'http://[', 'http://evil.example/', '*', '/api/session', '/api/session?token=%', '/engine', '/?token=%', '/?%', '/;%', `/${'a'.repeat(9000)}`, '/\x7f', '/\u00ff', '/?token=', `/?token=${'x'.repeat(32)}`];
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'G\u0000T', '', 'get', 'CONNECT', 'TRACE', 'PATCH'];
    const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', '', 'HTTP/1.1 extra'];
    const cookies = ['%', '%E0%A4%A', '%%', '"', '=', ';;;', '\u00ff\u00fe', 'a'.repeat(5000), '%ZZ', '%u0041', '%00'];
    const hosts = () => [host(), `localhost:${s.port}`, 'evil.example', '', `127.0.0.1:${s.port}\u0000`, `127.0.0.1:${s.port + 1}`];
    const tally = new Map<string, number>();
    const jobs: (() => Promise<void>)[] = [];
    for (let n = 0; n < 600; n++) {
      const withToken = rnd() < 0.5;
      const hs: string[] = [];
      if (rnd() < 0.9) hs.push(`Host: ${rnd() < 0.6 ? host() : pick(hosts())}`);
      if (rnd() < 0.2) hs.push(`Host: ${pick(hosts())}`);
      const c = rnd();
      if (c < 0.3) hs.push(`Cookie: ${cookieName(s.port)}=${pick(cookies)}`);
      else if (c < 0.5) hs.push(`Cookie: tracelens_token=${pick(cookies)}; ${cookieName(s.port)}=${withToken ? s.token : pick(cookies)}`);
      else if (c < 0.6) hs.push(`Cookie: ${pick(cookies)}`);
      if (rnd() < 0.3) {
        hs.push('Upgrade: websocket', `Connection: ${pick(['Upgrade', 'upgrade, keep-alive', 'close', ''])}`);
        if (rnd() < 0.7) hs.push(`Origin: ${pick([`http://${host()}`, 'http://evil.example', 'null', ''])}`);
        if (rnd() < 0.8) hs.push(`Sec-WebSocket-Key: ${pick([randomBytes(16).toString('base64'), 'short', '', '%%%%', randomBytes(40).toString('base64')])}`);
        if (rnd() < 0.8) hs.push(`Sec-WebSocket-Version: ${pick(['13', '8', '99', 'x', ''])}`);
      }
      if (rnd() < 0.2) hs.push(pick(['Content-Length: -1', 'Content-Length: 99999999999999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked, identity', 'Bad Header: x', 'X: \u0001\u0002', ' folded: continuation', 'X-Long: ' + 'b'.repeat(20000)]));
      let target = pick(targets);
      if (withToken) target += `${target.includes('?') ? '&' : '?'}token=${s.token}`;
      let req = Buffer.from(`${rnd() < 0.7 ? 'GET' : pick(methods)} ${target} ${rnd() < 0.7 ? 'HTTP/1.1' : pick(versions)}\r\n${hs.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1');
      if (rnd() < 0.25) {
        // Byte flips anywhere, including the CRLFs.
        req = Buffer.from(req);
        for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) req[Math.floor(rnd() * req.length)] = Math.floor(rnd() * 256);
      }
      jobs.push(async () => {
        const r = await exchange(s.port, req, [], 600);
        const st = statusOf(r.head);
        const key = st === null ? (r.closed ? 'closed' : 'waiting (incomplete request)') : String(st);
        tally.set(key, (tally.get(key) ?? 0) + 1);
        if (st !== null) expect(ALLOWED.has(st), `${req.toString('latin1').slice(0, 120)} → ${r.head.slice(0, 60)}`).toBe(true);
      });
    }
    for (let i = 0; i < jobs.length; i += 12) await Promise.all(jobs.slice(i, i + 12).map((j) => j()));
    console.log(`web fuzz seed ${SEED}: ${jobs.length} HTTP requests →`, Object.fromEntries([...tally].sort()));
    await alive();
  });

  it(`survives seeded first WebSocket frames (seed ${SEED + 1})`, async () => {
    const rnd = prng(SEED + 1);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const handshake = Buffer.from(`GET /engine?token=${s.token} HTTP/1.1\r\nHost: ${host()}\r\nOrigin: http://${host()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const valid = (): Buffer => Buffer.from(encodeFrame({ kind: 'request', id: Math.floor(rnd() * 1e6), method: pick(['open', 'upload', 'rows', 'x', '']), params: pick([null, 7, 'p', { path: '/etc/passwd' }, { chunk: Uint8Array.of(1, 2, 3), last: true }, { chunk: 5 }]) }));
    const payloads: (() => Buffer)[] = [
      () => randomBytes(Math.floor(rnd() * 64)),
      () => valid(),
      () => {
        const b = valid();
        for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        return b;
      },
      () => valid().subarray(0, Math.floor(rnd() * 40)),
      () => {
        // A JSON length far past the frame, or JSON that is not JSON (its error quotes the input).
        const b = valid();
        if (rnd() < 0.5) b.writeUInt32LE(0xfffffff0, 4);
        else b.write('{"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9', 8);
        return b;
      },
      () => Buffer.from(encodeFrame({ kind: 'request', id: 1, method: 'filter', params: { text: `"\u00e9${'\u{1F600}'.repeat(80)}` } })),
      () => Buffer.from(encodeFrame({ kind: 'response', id: 1, ok: true })),
      () => Buffer.from(encodeFrame(null)),
      () => badReference(),
      () => Buffer.from(encodeFrame({ kind: 'request', id: 1, method: 'upload', params: { chunk: new Float64Array(4), last: 'yes' } })),
    ];
    const frames: (() => Buffer)[] = [
      () => wsFrame(2, pick(payloads)()),
      () => wsFrame(1, pick([Buffer.from('text'), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80])])),
      () => wsFrame(pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), randomBytes(8)),
      () => wsFrame(2, pick(payloads)(), { rsv: 1 + Math.floor(rnd() * 7) }),
      () => wsFrame(2, pick(payloads)(), { masked: false }),
      () => wsFrame(0, randomBytes(10)),
      () => wsFrame(2, randomBytes(10), { fin: false }),
      () => wsFrame(9, randomBytes(200)),
      () => wsFrame(8, Buffer.concat([Buffer.from([0x03, 0xe7]), Buffer.from([0xff, 0xfe])])),
      () => wsFrame(8, Buffer.from([0x00])),
      () => wsFrame(2, Buffer.alloc(0), { lengthOverride: 1n << 62n }),
      () => wsFrame(2, Buffer.alloc(0), { lengthOverride: 65n << 20n }),
    ];
    const tally = new Map<string, number>();
    const jobs: (() => Promise<void>)[] = [];
    for (let n = 0; n < 300; n++) {
      const sends = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(frames)());
      jobs.push(async () => {
        const r = await exchange(s.port, handshake, sends, 500);
        expect(statusOf(r.head)).toBe(101);
        // 0x88: a close frame from the server (ws answers protocol errors with one).
        const key = r.closed ? (r.head.includes('\u0088') ? 'closed by the server with a close frame' : 'closed') : 'open';
        tally.set(key, (tally.get(key) ?? 0) + 1);
      });
    }
    for (let i = 0; i < jobs.length; i += 12) await Promise.all(jobs.slice(i, i + 12).map((j) => j()));
    console.log(`web fuzz seed ${SEED + 1}: ${jobs.length} WebSocket connections →`, Object.fromEntries([...tally].sort()));
    await alive();
  });
});

describe('browser-mode server with real engines under malformed first messages', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve(true);
  });
  afterAll(() => {
    if (s) console.log(`web fuzz server peak RSS ${peakRss(s.proc.pid)}`);
    s?.proc.kill('SIGTERM');
  });

  it(`answers or closes, never dies (seed ${SEED + 2})`, async () => {
    const rnd = prng(SEED + 2);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const host = `127.0.0.1:${s.port}`;
    const handshake = (): Buffer => Buffer.from(`GET /engine HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nCookie: ${cookieName(s.port)}=${s.token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const methods = ['open', 'openUpload', 'upload', 'addKeylog', 'rows', 'details', 'filter', 'follow', 'info', 'nope', 'constructor', '__proto__'];
    const values = [null, -1, 2 ** 53, 'x', '/etc/passwd', '', [], {}, { path: '/etc/passwd' }, { path: '../../../../etc/shadow', more: ['/etc/hosts'] }, { name: '../../x', size: -5 }, { name: 'a', size: 1e300 }, { chunk: new Uint8Array(3), last: true }, { text: '(((' }];
    let answered = 0;
    for (let conn = 0; conn < 4; conn++) {
      const msgs = Array.from({ length: 10 }, (_, i) => wsFrame(2, Buffer.from(encodeFrame({ kind: 'request', id: i + 1, method: pick(methods), params: pick(values) }))));
      const r = await exchange(s.port, handshake(), msgs, 3000);
      expect(statusOf(r.head)).toBe(101);
      // No refusal quotes a file outside the allowed set.
      expect(r.all).not.toMatch(/root:/);
      if (r.all.includes('/etc/passwd')) expect(r.all).toMatch(/is not open to this window/);
      answered++;
    }
    expect(answered).toBe(4);
    expect(s.proc.exitCode, s.stderr()).toBeNull();
  });
});
