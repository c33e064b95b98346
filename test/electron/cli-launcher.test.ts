/** The packaged app's `tracelens` launcher: commands go to the CLI bundle, files to the window. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLinuxLauncher } from '../../scripts/cli-launcher.ts';
import { CLI_COMMANDS } from '../../electron/cli/args.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Stand-ins: an "app binary" and a "CLI bundle" that print what they were given.
writeFileSync(join(dir, 'tracelens-app'), '#!/bin/sh\necho "window $*"\n', { mode: 0o755 });
chmodSync(join(dir, 'tracelens-app'), 0o755);
mkdirSync(join(dir, 'resources/cli'), { recursive: true });
writeFileSync(join(dir, 'resources/cli/tracelens.mjs'), 'console.log("cli " + process.argv.slice(2).join(" "));\n');
const launcher = writeLinuxLauncher(dir, 'tracelens-app');
const run = (...args: string[]): string => execFileSync(launcher, args, { encoding: 'utf8' }).trim();

describe('packaged tracelens launcher (Linux)', () => {
  it('is an executable shell script beside the binary', () => {
    expect(statSync(launcher).mode & 0o777).toBe(0o755);
    expect(readFileSync(launcher, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
  });

  it('runs every CLI command and any option through the CLI bundle', () => {
    for (const c of CLI_COMMANDS) expect(run(c, 'x.pcap')).toBe(`cli ${c} x.pcap`);
    expect(run('--version')).toBe('cli --version');
    expect(run('-d', 'tcp.port==8000,http', 'list', 'x.pcap')).toBe('cli -d tcp.port==8000,http list x.pcap');
  });

  it('opens files (and nothing) in the window', () => {
    expect(run('capture.pcap', 'b.strace')).toBe('window capture.pcap b.strace');
    expect(run()).toBe('window');
  });

  it('says what to install when there is no Node on PATH', () => {
    let err = '';
    try {
      execFileSync(launcher, ['list', 'x.pcap'], { encoding: 'utf8', env: { PATH: '/nonexistent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
      expect((e as { status: number }).status).toBe(3);
    }
    expect(err).toMatch(/needs Node\.js 20\.19 or newer/);
  });
});
