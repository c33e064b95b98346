/**
 * The engine's live captures (startTrace, stopCapture, captureTools) over the real engine served
 * in-process, a real strace and curl against a loopback HTTPS server started here; the RPC
 * validators; and the process-group kill (a trace's group ends, an unrelated process does not).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer } from './https-server.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { killGroup, onPath, parseInterfaces, tcpdumpArgv, tcpdumpProblem, type Started } from '../../electron/engine/host/capture-spawn.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import { checkPacketCaptureParams, checkTraceParams, MAX_TRACE_ARGS, MAX_TRACE_ARG_BYTES, type CaptureStatus, type Port } from '../../shared/rpc.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-livecap-'));
let server: { port: number; close: () => void } | undefined;
let port = 0;

beforeAll(async () => {
  server = await startHttpsServer(dir);
  port = server.port;
}, 60_000);

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function engine(allowed: boolean): { client: EngineClient; close: () => void; statuses: CaptureStatus[] } {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  const enginePort: Port = { postMessage: (m) => setTimeout(() => toClient(m), 0), onMessage: (h) => (toEngine = h), close() {} };
  const clientPort: Port = { postMessage: (m) => setTimeout(() => toEngine(m), 0), onMessage: (h) => (toClient = h), close() {} };
  const close = serveEngine(enginePort, { capture: { allowed, note: allowed ? 'test host' : 'not in this test' } });
  const client = createEngineClient(clientPort);
  const statuses: CaptureStatus[] = [];
  client.onEvent((e) => {
    if (e.type === 'capture') statuses.push(e.status);
  });
  return { client, close, statuses };
}

/** Whether `pid` runs (a zombie has ended: only its parent has not collected it yet, maybe never in a container). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const t = Date.now();
  while (!(await cond())) {
    if (Date.now() - t > ms) throw new Error('timed out');
    await sleep(50);
  }
}

const haveStrace = onPath('strace') !== null && onPath('curl') !== null;

describe('startTrace', () => {
  it.skipIf(!haveStrace)('traces curl live: events while it runs, the decrypted exchange once it ends, the folder private', async () => {
    const e = engine(true);
    try {
      // A slow command: sleep first, so the first events are read while it still runs.
      const script = `sleep 1; curl -sk -o /dev/null https://127.0.0.1:${port}/live-trace?n=1; sleep 0.5`;
      const info = await e.client.call('startTrace', { argv: ['sh', '-c', script] });
      expect(info.format).toBe('strace');
      expect(e.statuses[0]?.state).toBe('running');
      const [log, keys] = e.statuses[0].files;
      expect(statSync(dirname(log)).mode & 0o777).toBe(0o700);
      expect(statSync(keys).mode & 0o777).toBe(0o600);
      // Events arrive while the command runs.
      await until(async () => (await e.client.call('info', null)).events > 0 && e.statuses.at(-1)?.state === 'running');
      await until(() => e.statuses.at(-1)?.state === 'ended');
      const end = e.statuses.at(-1)!;
      expect(end.exitCode).toBe(0);
      expect(end.secrets).toBeGreaterThan(0);
      await until(async () => (await e.client.call('httpExchanges', {})).length > 0);
      const ex = await e.client.call('httpExchanges', {});
      expect(ex).toEqual([expect.objectContaining({ method: 'GET', uri: '/live-trace?n=1', status: 200 })]);
      expect(ex[0].stream).toMatch(/^tls:fd:/);
      // The capture stays open after the end, everything read.
      const after = await e.client.call('info', null);
      expect(after.done).toBe(true);
      expect(after.events).toBeGreaterThan(50);
    } finally {
      e.close();
    }
  }, 120_000);

  // Once failed when run after the test above (a warm engine follows faster): the follow indexed
  // the exchange before the 200 ms key log poll had added any secret, and the tail tested its
  // events undecrypted. The trace's key log is now read before each tail and a followed key log
  // holds the streams without keys (test/cli/live-keylog-late.test.ts is the deterministic form).
  it.skipIf(!haveStrace)('the decrypted exchange is there while the command still runs (tail over the window\'s live trace)', async () => {
    const e = engine(true);
    try {
      // The key log reaches the capture through the 200 ms poll (addKeys), the log through the follow.
      // The command outlives the request by 15 s (stopped as soon as the exchange shows): under a
      // loaded CI machine the follow may need several seconds.
      await e.client.call('startTrace', { argv: ['sh', '-c', `sleep 1; curl -sk -o /dev/null https://127.0.0.1:${port}/while-running; sleep 15`] });
      let uris: string[] = [];
      let after = 0;
      await until(async () => {
        const page = await e.client.call('tail', { after, count: 1000, filter: 'http.request', fields: ['http.request.uri'] });
        after = page.tested;
        uris = uris.concat((page.values ?? []).map((v) => v[0].join(',')));
        return uris.length > 0 || e.statuses.at(-1)?.state !== 'running';
      }, 30_000);
      expect(uris).toEqual(['/while-running']);
      expect(e.statuses.at(-1)?.state).toBe('running');
      await e.client.call('stopCapture', null);
    } finally {
      e.close();
    }
  }, 120_000);

  it.skipIf(!haveStrace)('Stop ends the traced command and what it started, keeps the capture open, and leaves other processes alone', async () => {
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    const e = engine(true);
    try {
      await e.client.call('startTrace', { argv: ['sh', '-c', 'sleep 30 & sleep 30; wait'] });
      await until(async () => (await e.client.call('info', null)).events > 0);
      const t0 = Date.now();
      const st = await e.client.call('stopCapture', null);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(st?.state).toBe('ended');
      expect(st?.exitCode).toBe(128 + 15);
      const pids = readFileSync(st!.files[0], 'utf8').match(/^(\d+) /gm)?.map((s) => Number(s)) ?? [];
      expect(new Set(pids).size).toBeGreaterThanOrEqual(2);
      await sleep(200);
      for (const pid of new Set(pids)) expect(alive(pid)).toBe(false);
      expect(alive(bystander.pid!)).toBe(true);
      expect((await e.client.call('info', null)).done).toBe(true);
      expect(await e.client.call('stopCapture', null)).toBeNull();
    } finally {
      bystander.kill();
      e.close();
    }
  }, 60_000);

  it('refuses when the host does not allow captures, and checks the argv before anything starts', async () => {
    const off = engine(false);
    try {
      await expect(off.client.call('startTrace', { argv: ['true'] })).rejects.toThrow(/not available here: not in this test/);
      expect((await off.client.call('captureTools', null)).allowed).toBe(false);
    } finally {
      off.close();
    }
    const on = engine(true);
    try {
      await expect(on.client.call('startTrace', { argv: [] })).rejects.toThrow(/non-empty list/);
      await expect(on.client.call('startTrace', { argv: ['sh', 'a\0b'] })).rejects.toThrow(/argument 1 contains a NUL/);
      // A command that cannot be run: strace says so, nothing stays open.
      if (haveStrace) await expect(on.client.call('startTrace', { argv: ['/nonexistent/tl-no-such-program'] })).rejects.toThrow(/strace did not start .*No such file/);
      await expect(on.client.call('startPacketCapture', { iface: 'no-such-if0' })).rejects.toThrow(/tcpdump is not installed|iface must be one of/);
    } finally {
      on.close();
    }
  }, 30_000);
});

const canCapture = onPath('tcpdump') !== null && onPath('tshark') !== null && process.getuid?.() === 0;

describe('startPacketCapture', () => {
  it.skipIf(!canCapture)('captures loopback packets with a filter, followed live; Stop keeps them; tshark reads the same count', async () => {
    const e = engine(true);
    try {
      const tools = await e.client.call('captureTools', null);
      expect(tools.interfaces.map((i) => i.name)).toEqual(expect.arrayContaining(['any', 'lo']));
      await expect(e.client.call('startPacketCapture', { iface: 'lo', filter: 'tcp port' })).rejects.toThrow(/tcpdump failed|syntax error/);
      const info = await e.client.call('startPacketCapture', { iface: 'lo', filter: `tcp port ${port}` });
      expect(info.format).toBe('pcap');
      // Not execFileSync: the HTTPS server answers from this process's event loop.
      await new Promise<void>((resolve, reject) => execFile('curl', ['-sk', '-m', '20', '-o', '/dev/null', `https://127.0.0.1:${port}/packets`], (err) => (err ? reject(err) : resolve())));
      // The packets arrive while tcpdump still runs.
      await until(async () => (await e.client.call('info', null)).events >= 10 && e.statuses.at(-1)?.state === 'running');
      const st = await e.client.call('stopCapture', null);
      expect(st?.state).toBe('ended');
      const after = await e.client.call('info', null);
      expect(after.done).toBe(true);
      // The oracle: tshark on the file tcpdump wrote.
      const frames = execFileSync('tshark', ['-r', st!.files[0], '-T', 'fields', '-e', 'frame.number']).toString().trim().split('\n').length;
      expect(after.events).toBe(frames);
    } finally {
      e.close();
    }
  }, 60_000);

  it.skipIf(!canCapture || !haveStrace)('a trace with packets follows the log and the pcap as one set while the command runs', async () => {
    const e = engine(true);
    try {
      // curl, then a pause: the set is checked while the command still runs.
      const opened = await e.client.call('startTrace', { argv: ['sh', '-c', `curl -sk -o /dev/null https://127.0.0.1:${port}/with-pcap; sleep 4`], pcap: true });
      expect(opened.extra.set).toBe('2 files');
      // Packets and syscalls of the connection, interleaved by time, while sh still sleeps.
      let shown: string[] = [];
      await until(async () => {
        const page = await e.client.call('tail', { after: 0, count: 5000, filter: `tcp.port == ${port}`, fields: ['frame.file', 'proc.name'] });
        shown = (page.values ?? []).map((v) => String(v[0]));
        return shown.includes('trace.pcap') && shown.includes('trace.strace') && (page.values ?? []).every((v) => String(v[1]) === 'curl');
      });
      expect(e.statuses.at(-1)?.state).toBe('running');
      expect(shown.join(' ')).toMatch(/trace\.strace.*trace\.pcap.*trace\.strace.*trace\.pcap/);
      await until(() => e.statuses.at(-1)?.state === 'ended');
      expect((await e.client.call('info', null)).done).toBe(true);
      const files = e.statuses.at(-1)!.files;
      expect(files.map((f) => f.split('/').pop())).toEqual(['trace.strace', 'trace.keys', 'trace.pcap']);
      const lines = execFileSync('tshark', ['-r', files[2], '-Y', `tcp.port == ${port}`, '-T', 'fields', '-e', 'frame.number']).toString().trim().split('\n').filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(5);
    } finally {
      e.close();
    }
  }, 60_000);
});

describe('RPC validators', () => {
  it('checkTraceParams: a list of strings, no NUL, bounded', () => {
    expect(checkTraceParams({ argv: ['curl', '-sk', 'https://x/'] })).toEqual({ ok: true, value: { argv: ['curl', '-sk', 'https://x/'], pcap: false } });
    expect(checkTraceParams({ argv: ['curl'], pcap: true })).toMatchObject({ ok: true, value: { pcap: true } });
    expect(checkTraceParams(null)).toMatchObject({ ok: false });
    expect(checkTraceParams({ argv: 'curl -sk x' })).toMatchObject({ ok: false, error: expect.stringMatching(/list of strings/) });
    expect(checkTraceParams({ argv: ['curl', 3] })).toMatchObject({ ok: false, error: 'argument 1 is not a string' });
    expect(checkTraceParams({ argv: [''] })).toMatchObject({ ok: false, error: expect.stringMatching(/empty/) });
    expect(checkTraceParams({ argv: ['x\0'] })).toMatchObject({ ok: false, error: expect.stringMatching(/NUL/) });
    expect(checkTraceParams({ argv: Array(MAX_TRACE_ARGS + 1).fill('a') })).toMatchObject({ ok: false, error: expect.stringMatching(/at most 256/) });
    expect(checkTraceParams({ argv: ['a', 'é'.repeat(MAX_TRACE_ARG_BYTES / 2 + 1)] })).toMatchObject({ ok: false, error: expect.stringMatching(/bytes long/) });
    expect(checkTraceParams({ argv: Array(20).fill('a'.repeat(4000)) })).toMatchObject({ ok: false, error: expect.stringMatching(/in all/) });
    expect(checkTraceParams({ argv: ['a'], pcap: 'yes' })).toMatchObject({ ok: false });
  });

  it('checkPacketCaptureParams: a listed interface, a bounded filter', () => {
    const listed = ['any', 'lo', 'eth0'];
    expect(checkPacketCaptureParams({ iface: 'lo', filter: 'tcp port 443' }, listed)).toEqual({ ok: true, value: { iface: 'lo', filter: 'tcp port 443' } });
    expect(checkPacketCaptureParams({ iface: 'lo' }, listed)).toEqual({ ok: true, value: { iface: 'lo', filter: '' } });
    expect(checkPacketCaptureParams({ iface: 'wlan9' }, listed)).toMatchObject({ ok: false, error: expect.stringMatching(/any, lo, eth0/) });
    expect(checkPacketCaptureParams({ iface: 'lo', filter: 'tcp\0' }, listed)).toMatchObject({ ok: false, error: expect.stringMatching(/NUL/) });
    expect(checkPacketCaptureParams({ iface: 'lo', filter: 'x'.repeat(5000) }, listed)).toMatchObject({ ok: false, error: expect.stringMatching(/longer than 4096/) });
    expect(checkPacketCaptureParams({ iface: 'lo', filter: 7 }, listed)).toMatchObject({ ok: false });
  });

  it('tcpdump: interfaces from -D, a filter after --, permission messages', () => {
    expect(parseInterfaces('1.eth0 [Up, Running, Connected]\n2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n3.lo [Up, Running, Loopback]\n')).toEqual([
      { name: 'eth0', description: '[Up, Running, Connected]' },
      { name: 'any', description: '(Pseudo-device that captures on all interfaces) [Up, Running]' },
      { name: 'lo', description: '[Up, Running, Loopback]' },
    ]);
    expect(tcpdumpArgv('lo', '/t/x.pcap', '-w /etc/passwd')).toEqual(['-i', 'lo', '--immediate-mode', '-U', '-w', '/t/x.pcap', '--', '-w /etc/passwd']);
    expect(tcpdumpArgv('any', '/t/x.pcap', '  ')).toEqual(['-i', 'any', '--immediate-mode', '-U', '-w', '/t/x.pcap']);
    expect(tcpdumpProblem('tcpdump: any: You don\'t have permission to perform this capture on that device\n(socket: Operation not permitted)')).toMatch(/CAP_NET_RAW.*setcap/);
    expect(tcpdumpProblem('tcpdump: syntax error in filter expression\n')).toBe('tcpdump failed: tcpdump: syntax error in filter expression');
  });
});

describe('killGroup', () => {
  it('ends the group a program leads (its children too), not a process outside it', async () => {
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    const marker = join(dir, 'child.pid');
    const child = spawn('sh', ['-c', `sleep 60 & echo $! > ${marker}; wait`], { detached: true, stdio: 'ignore' });
    const s: Started = { child, exited: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal }))), stderr: () => '' };
    await until(() => existsSync(marker) && readFileSync(marker, 'utf8').trim() !== '');
    const grandchild = Number(readFileSync(marker, 'utf8'));
    expect(alive(grandchild)).toBe(true);
    await killGroup(s, 1000);
    await sleep(100);
    expect(alive(grandchild)).toBe(false);
    expect(alive(bystander.pid!)).toBe(true);
    bystander.kill();
  }, 20_000);
});
