/**
 * Process info from ptcpdump's pcapng packet comments (dissectors/comment-proc.ts).
 *
 * Fixture test/fixtures/ptcpdump/ptcpdump-curl.pcapng: frames 1-12 of the corpus capture
 * pcap/generated/gen-http11-plain.pcap (one HTTP/1.1 connection, curl → python http.server), made
 * pcapng with comments in ptcpdump's layout (internal/writer/pcapng.go: one comment per group):
 *   editcap -F pcapng -r gen-http11-plain.pcap t0.pcapng 1-12
 *   editcap -a "N:PID: 1234<LF>Cmd: /usr/bin/curl<LF>Args: curl -s http://127.0.0.1:8080/index.html" ...
 *     (client frames 1 3 4 7 9 11; server frames 2 5 6 8 10 get "PID: 4321 / Cmd: /usr/bin/python3.11
 *     / Args: python3 -m http.server 8080"), then a second editcap pass adding the ParentPID group
 *     (client) and the Container group (server); frame 12 has no comment.
 * Oracle that the comments are in the file (tshark 4.0.17):
 *   tshark -r ptcpdump-curl.pcapng -T fields -e frame.number -e frame.comment
 * prints frames 1-11 with two comments each (the lines below), frame 12 with none.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommentProc } from '../../electron/engine/dissectors/comment-proc.ts';
import { cli } from '../cli/run-cli.ts';

const FIXTURE = join(__dirname, '../fixtures/ptcpdump/ptcpdump-curl.pcapng');
const CLIENT = 'PID: 1234\nCmd: /usr/bin/curl\nArgs: curl -s http://127.0.0.1:8080/index.html';
const PARENT = 'ParentPID: 1200\nParentCmd: /usr/bin/bash\nParentArgs: bash';
const SERVER = 'PID: 4321\nCmd: /usr/bin/python3.11\nArgs: python3 -m http.server 8080';
const CONTAINER =
  'ContainerName: web\nContainerId: 3f9a1c2b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd\nContainerImage: python:3.11\nContainerLabels: ';

describe('parseCommentProc', () => {
  it('reads the PID, Cmd, Args, parent and container groups', () => {
    expect(parseCommentProc([CLIENT, PARENT])).toEqual({
      pid: 1234, exepath: '/usr/bin/curl', cmdline: 'curl -s http://127.0.0.1:8080/index.html', ppid: 1200, parentExepath: '/usr/bin/bash', source: 'comment',
    });
    expect(parseCommentProc([SERVER, CONTAINER])).toMatchObject({
      pid: 4321, containerId: '3f9a1c2b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd', containerName: 'web', containerImage: 'python:3.11',
    });
    expect(parseCommentProc(['ThreadId: 1240\nThreadName: worker', 'UserId: 1000\nGroupId: 100', CLIENT])).toMatchObject({ pid: 1234, tid: 1240, uid: 1000, gid: 100 });
  });
  it('leaves other comments alone', () => {
    expect(parseCommentProc(['a note from the analyst'])).toBeUndefined();
    // A user's comment that merely starts with "PID:" is not ptcpdump's group (no Cmd line).
    expect(parseCommentProc(['PID: 12 was slow'])).toBeUndefined();
    expect(parseCommentProc(['PID: 77\nsomething else'])).toBeUndefined();
    // A container group alone (ptcpdump writes it when the pid is unknown) names no process.
    expect(parseCommentProc([CONTAINER])).toBeUndefined();
  });
});

describe('ptcpdump comments as proc.* fields', () => {
  it('the comments are there, as tshark shows them', async () => {
    const r = await cli('list', FIXTURE, '-e', 'frame.number', '-e', 'frame.comment', '--count', '2');
    expect(r.err).toBe('');
    // The same text as tshark -T fields prints: newlines escaped as \n, occurrences joined by ",".
    const esc = (s: string) => s.replace(/\n/g, '\\n');
    expect(r.out).toBe(`1\t${esc(CLIENT)},${esc(PARENT)}\n2\t${esc(SERVER)},${esc(CONTAINER)}\n`);
  });
  it("-f 'proc.pid == 1234' selects curl's packets", async () => {
    const r = await cli('list', FIXTURE, '-f', 'proc.pid == 1234', '-e', 'frame.number', '-e', 'proc.name', '-e', 'proc.ppid', '-e', 'proc.pname');
    expect(r.err).toBe('');
    expect(r.out).toBe(['1', '3', '4', '7', '9', '11'].map((n) => `${n}\tcurl\t1200\tbash\n`).join(''));
  });
  it('the server side: name, command line, container', async () => {
    const r = await cli('list', FIXTURE, '-f', 'container.name == "web"', '-e', 'frame.number', '-e', 'proc.name', '-e', 'proc.cmdline', '-e', 'proc.exe', '-e', 'container.id');
    expect(r.out.split('\n')[0]).toBe('2\tpython3.11\tpython3.11 -m http.server 8080\tpython3\t3f9a1c2b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd');
    expect(r.out.trimEnd().split('\n').map((l) => l.split('\t')[0])).toEqual(['2', '5', '6', '8', '10']);
  });
  it('a packet without comments has no process', async () => {
    const r = await cli('list', FIXTURE, '-f', '!proc.pid', '-e', 'frame.number');
    expect(r.out).toBe('12\n');
  });
  it('the details tree says where the process came from', async () => {
    const r = await cli('list', FIXTURE, '--count', '1', '--details');
    expect(r.out).toContain("Process: curl (pid 1234), from the capture file's packet comment\n    Name: curl\n    PID: 1234\n");
  });
});
