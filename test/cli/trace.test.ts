/**
 * `tracelens trace -- CMD`: strace with a fresh key log around a real HTTPS client, against a
 * loopback HTTPS server started here; the capture it writes holds the decrypted exchange.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer } from './https-server.ts';
import { onPath, ptraceProblem } from '../../electron/cli/trace.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-trace-'));
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

/** The exchanges `tracelens http` finds in a traced run. */
async function exchanges(prefix: string): Promise<{ method: string; uri: string; status: number; stream: string }[]> {
  const r = await cli('http', `${prefix}.strace`, '--keylog', `${prefix}.keys`);
  expect(r.code).toBe(0);
  return r.out.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { method: string; uri: string; status: number; stream: string });
}

describe('tracelens trace', () => {
  it('curl over HTTPS: the strace log and key log give the decrypted exchange', async () => {
    const prefix = join(dir, 'curl');
    const r = await cli('trace', '--out', prefix, '--', 'curl', '-sk', '-o', '/dev/null', `https://127.0.0.1:${port}/from-curl?x=1`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote .*curl\.strace, .*curl\.keys \([1-9]\d* TLS secrets\)/);
    // The key log is secret: this user's only.
    expect(statSync(`${prefix}.keys`).mode & 0o777).toBe(0o600);
    const ex = await exchanges(prefix);
    expect(ex).toEqual([expect.objectContaining({ method: 'GET', uri: '/from-curl?x=1', status: 200 })]);
    expect(ex[0].stream).toMatch(/^tls:fd:/);
  }, 120_000);

  it('Python urllib over HTTPS (SSLKEYLOGFILE read by Python\'s ssl module)', async () => {
    const prefix = join(dir, 'python');
    const code = 'import ssl,urllib.request\nctx=ssl.create_default_context()\nctx.check_hostname=False\nctx.verify_mode=ssl.CERT_NONE\n' +
      `urllib.request.urlopen("https://127.0.0.1:${port}/from-python", context=ctx).read()\n`;
    const r = await cli('trace', '--out', prefix, '--', 'python3', '-c', code);
    expect(r.code).toBe(0);
    expect(await exchanges(prefix)).toEqual([expect.objectContaining({ method: 'GET', uri: '/from-python', status: 200 })]);
  }, 120_000);

  it('passes the traced command\'s options through untouched and returns its exit status', async () => {
    // -d and --max-memory belong to the command, not to tracelens.
    const r = await cli('trace', '--out', join(dir, 'sh'), '--', 'sh', '-c', 'test "$1" = "-d" && test "$2" = "--max-memory" && exit 7', 'sh', '-d', '--max-memory');
    expect(r.code).toBe(7);
  }, 60_000);

  it('says what is missing: no command, no strace, ptrace disabled', async () => {
    expect((await cli('trace')).err).toMatch(/trace takes the command to run/);
    expect(onPath('strace', '/nonexistent')).toBeNull();
    expect(onPath('sh')).not.toBeNull();
    expect(ptraceProblem('3\n')).toMatch(/ptrace_scope = 3/);
    expect(ptraceProblem('1\n')).toBeNull();
  });
});
