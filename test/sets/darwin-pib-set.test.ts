/**
 * A capture set of an Apple pcapng that names its packets' processes (Darwin PIBs,
 * test/fixtures/darwin/darwin-pib.pcapng; see test/dissectors/darwin-pib.test.ts) and an strace
 * of its client: the file's Process node stays the only one, the set's match a line under it.
 *
 * The strace is written here: curl (pid 4242, as PIB 0 says) connecting 192.0.2.10:51000 →
 * 198.51.100.80:80 and writing the 33-byte GET of frame 4, as `strace -f -ttt -yy` prints it,
 * times around the packets' (2026-01-01T00:00:00.000000-.002000Z).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOk } from '../cli/run-cli.ts';

const PCAPNG = join(import.meta.dirname, '../fixtures/darwin/darwin-pib.pcapng');
const STRACE_TEXT = [
  '4242  1767225599.998000 execve("/usr/bin/curl", ["curl", "-s", "http://198.51.100.80/"], 0x7ffd0000 /* 20 vars */) = 0',
  '4242  1767225599.999000 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[91001]>',
  '4242  1767225599.999500 connect(3<TCP:[91001]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("198.51.100.80")}, 16) = -1 EINPROGRESS (Operation now in progress)',
  '4242  1767225600.001650 write(3<TCP:[192.0.2.10:51000->198.51.100.80:80]>, "GET / HTTP/1.1\\r\\nHost: example\\r\\n\\r\\n", 33) = 33',
  '4242  1767225600.002100 close(3<TCP:[192.0.2.10:51000->198.51.100.80:80]>) = 0',
  '',
].join('\n');


describe('capture set: an Apple pcapng with process information blocks and the strace of its client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-darwin-set-'));
  const STRACE = join(dir, 'curl.strace');
  writeFileSync(STRACE, STRACE_TEXT);

  it("packets keep the PIB's process; proc.name selects curl's packets and syscalls", async () => {
    const rows = (await cliOk('list', PCAPNG, STRACE, '-e', 'frame.number', '-e', 'frame.file', '-e', 'proc.pid', '-e', 'proc.name')).trim().split('\n');
    const packets = rows.map((l) => l.split('\t')).filter((r) => r[1] === 'darwin-pib.pcapng').map((r) => `${r[2]} ${r[3]}`);
    // Frames 1-3 from their PIBs (frame 3 nsurlsessiond's, whatever the socket says); 4 and 5
    // name no readable PIB: the set's match (curl's socket) gives their owner.
    expect(packets).toEqual(['4242 curl', '4242 curl', '88 nsurlsessiond', '4242 curl', '4242 curl']);
    const curl = (await cliOk('list', PCAPNG, STRACE, '-f', 'proc.name == "curl"', '-e', 'frame.file')).trim().split('\n');
    expect(curl.filter((f) => f === 'darwin-pib.pcapng')).toHaveLength(4);
    expect(curl.filter((f) => f === 'curl.strace')).toHaveLength(5);
  });

  it('one Process node: the set says its socket is the effective process', async () => {
    const all = (await cliOk('list', PCAPNG, STRACE, '-e', 'frame.number', '-e', 'frame.file', '-e', 'proc.pid')).trim().split('\n').map((l) => l.split('\t'));
    const third = all.filter((r) => r[1] === 'darwin-pib.pcapng')[2][0];
    const out = await cliOk('list', PCAPNG, STRACE, '--details', '-f', `frame.number == ${third}`);
    expect(out.match(/^Process:/gm)).toHaveLength(1);
    expect(out).toContain("Process: nsurlsessiond (pid 88), from the capture file's process information block (Apple pcapng)");
    expect(out).toMatch(/ {4}Syscall capture: curl \(pid 4242\), sent by this socket \(matched by 5-tuple 192\.0\.2\.10:51000->198\.51\.100\.80:80 and time to fd 3\), the effective process of the process information block, not pid 88\n/);
  });
});
