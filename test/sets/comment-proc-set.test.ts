/**
 * A capture set whose pcapng already names each packet's process (ptcpdump comments,
 * dissectors/comment-proc.ts) and an strace of the client: each packet has one Process node —
 * the file's — with the set's match as a line under it; the Process/PID columns, the filters
 * from the index and from re-dissection all say the same.
 *
 * The strace is written here: the client side of test/fixtures/ptcpdump/ptcpdump-curl.pcapng
 * (127.0.0.1:38708 → :8080, its GET of 88 bytes) as `strace -f -ttt -yy` prints it, pid 1234 as
 * in the comments, times within the capture's first and last packet.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOk } from '../cli/run-cli.ts';

const PCAPNG = join(import.meta.dirname, '../fixtures/ptcpdump/ptcpdump-curl.pcapng');
const GET = 'GET /index.html HTTP/1.1\\r\\nHost: 127.0.0.1:8080\\r\\nUser-Agent: curl/7.88.1\\r\\nAccept: */*\\r\\n\\r\\n';
const STRACE_TEXT = [
  '1234  1795287902.666000 execve("/usr/bin/curl", ["curl", "-s", "http://127.0.0.1:8080/index.html"], 0x7ffd0000 /* 20 vars */) = 0',
  '1234  1795287902.666200 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[91001]>',
  '1234  1795287902.666240 connect(3<TCP:[91001]>, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
  `1234  1795287902.666330 write(3<TCP:[127.0.0.1:38708->127.0.0.1:8080]>, "${GET}", 88) = 88`,
  '1234  1795287902.667500 close(3<TCP:[127.0.0.1:38708->127.0.0.1:8080]>) = 0',
  '',
].join('\n');


describe('capture set: a pcapng with ptcpdump comments and the strace of its client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-comment-set-'));
  const STRACE = join(dir, 'curl.strace');
  writeFileSync(STRACE, STRACE_TEXT);

  it('one Process node per packet: the comment\'s, with the set\'s match under it', async () => {
    const rows = (await cliOk('list', PCAPNG, STRACE, '-e', 'frame.number', '-e', 'frame.file', '-e', 'tcp.srcport')).trim().split('\n').map((l) => l.split('\t'));
    const client = rows.find((r) => r[1] === 'ptcpdump-curl.pcapng' && r[2] === '38708');
    const server = rows.find((r) => r[1] === 'ptcpdump-curl.pcapng' && r[2] === '8080');
    if (!client || !server) throw new Error('no packets');
    const tree = async (ev: string): Promise<string[]> => (await cliOk('list', PCAPNG, STRACE, '--details', '-f', `frame.number == ${ev}`)).split('\n');
    const c = await tree(client[0]);
    expect(c.filter((l) => l.startsWith('Process')).length).toBe(1);
    expect(c.filter((l) => l.startsWith('Process'))[0]).toBe('Process: curl (pid 1234), from the capture file\'s packet comment');
    expect(c).toContain('    Syscall capture: curl (pid 1234), sent by this socket (matched by 5-tuple 127.0.0.1:38708->127.0.0.1:8080 and time to fd 3), the same process');
    expect(c.filter((l) => /^ {4}PID: /.test(l))).toEqual(['    PID: 1234']);
    expect(c).toContain('        FD: 3');
    const s = await tree(server[0]);
    expect(s.filter((l) => l.startsWith('Process'))).toEqual(['Process: python3.11 (pid 4321), from the capture file\'s packet comment']);
    expect(s).toContain('    Syscall capture: curl (pid 1234), received by this socket (matched by 5-tuple 127.0.0.1:38708->127.0.0.1:8080 and time to fd 3)');
    // The receiver's fd is not the sender's: no fd under python's node.
    expect(s.some((l) => /^ {8}FD: /.test(l))).toBe(false);
  });

  it('columns and filters say what the tree says, from the index and from re-dissection', async () => {
    const cols = (await cliOk('list', PCAPNG, STRACE, '-f', 'frame.file contains "pcapng"')).trim().split('\n').map((l) => l.split('\t'));
    // Process and PID columns: the comment's (python's frames say python3.11, curl's curl).
    const ports = (await cliOk('list', PCAPNG, STRACE, '-f', 'frame.file contains "pcapng"', '-e', 'tcp.srcport')).trim().split('\n');
    expect(ports.length).toBe(cols.length);
    const of = (port: string): string[] => cols.filter((_, i) => ports[i] === port).map((r) => `${r[7]}/${r[8]}`);
    expect(new Set(of('38708'))).toEqual(new Set(['curl/1234']));
    // The last server frame has no comment: the set's owner (curl, which received it).
    expect(of('8080')).toEqual([...Array(5).fill('python3.11/4321'), 'curl/1234']);
    for (const f of ['proc.pid == 4321', 'proc.name == "python3.11"', 'fd.num == 3', 'proc.pid == 1234 && tcp.port == 8080']) {
      const fromIndex = await cliOk('list', PCAPNG, STRACE, '-f', f, '-e', 'frame.number');
      const fromTree = await cliOk('list', PCAPNG, STRACE, '-f', `(${f}) && !(frame.file contains "nothing")`, '-e', 'frame.number');
      expect(fromIndex, f).toBe(fromTree);
      expect(fromIndex.trim().length, f).toBeGreaterThan(0);
    }
    // The server's 5 frames with a comment (the sixth has none: the set's receiving owner, curl).
    expect((await cliOk('list', PCAPNG, STRACE, '-f', 'proc.pid == 4321', '-e', 'frame.number')).trim().split('\n').length).toBe(5);
  });
});
