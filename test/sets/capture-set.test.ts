/**
 * A pcap and the strace of the same run as one capture set (docs/capture-sets.md): merged by
 * time, conversations matched to the sockets that owned them, links between a syscall's bytes
 * and the segments that carried them. The owners are checked against facts the matcher does not
 * read: the client's own payload names it ("hello from b #0"), and the strace's execve lines
 * name the pid that ran each client.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, cliOk } from '../cli/run-cli.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const STRACE = join(SEED, 'upload-413.strace');
const MULTI = join(import.meta.dirname, '../fixtures/multi-client');

function rows(out: string): string[][] {
  return out.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}


describe('capture set: the seed upload (pcap + strace of the client)', () => {
  it('tcp.stream == 0 interleaves the packets and the client\'s syscalls of the connection, by time', async () => {
    const out = rows(await cliOk('list', PCAP, STRACE, '-f', 'tcp.stream == 0', '-e', 'frame.number', '-e', 'frame.file', '-e', 'evt.type', '-e', 'evt.rawres', '-e', 'tcp.len', '-e', 'proc.pid', '-e', 'fd.num'));
    const packets = out.filter((r) => r[1] === 'upload-413.pcap');
    const syscalls = out.filter((r) => r[1] === 'upload-413.strace');
    // Every packet of the pcap is in stream 0 (one connection), and so are the client's fd-4 calls.
    const all = rows(await cliOk('list', PCAP, '-e', 'tcp.stream'));
    expect(packets.length).toBe(all.length);
    expect(syscalls.length).toBeGreaterThan(40);
    expect(syscalls.every((r) => r[6] === '4')).toBe(true);
    // Interleaved, in time order, numbered by the set.
    const kinds = out.map((r) => (r[1] === 'upload-413.pcap' ? 'p' : 's')).join('');
    expect(kinds).toMatch(/sp+s+p/);
    // The default columns: No., Time (seconds since the set's first event), …
    const times = rows(await cliOk('list', PCAP, STRACE, '-f', 'tcp.stream == 0')).map((r) => Number(r[1]));
    expect(times.length).toBe(out.length);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] - 1e-6);
    // Every packet has the client's pid and fd (only the client was traced).
    for (const p of packets) expect([p[5], p[6]]).toEqual(['3914', '4']);
  });

  it('answers the same from the index columns and from re-dissection', async () => {
    const byColumns = await cliOk('list', PCAP, STRACE, '-f', 'tcp.stream == 0 && proc.pid == 3914', '-e', 'frame.number');
    // frame.file is no index column: this filter re-dissects every event.
    const byDissection = await cliOk('list', PCAP, STRACE, '-f', 'tcp.stream == 0 && proc.pid == 3914 && frame.file contains "upload"', '-e', 'frame.number');
    expect(byDissection).toBe(byColumns);
    const ports = await cliOk('list', PCAP, STRACE, '-f', 'proc.pid == 3914 && tcp.port == 18443 && !(frame.file contains "x")', '-e', 'frame.number');
    expect(ports).toBe(await cliOk('list', PCAP, STRACE, '-f', 'proc.pid == 3914 && tcp.port == 18443', '-e', 'frame.number'));
    expect(ports).toBe(byColumns);
  });

  it('a packet shows its owner in a Process subtree, with how it was matched', async () => {
    const out = await cliOk('list', PCAP, STRACE, '-f', 'tcp.stream == 0 && tcp.flags.syn == 1 && tcp.flags.ack == 0', '--details');
    expect(out).toMatch(/Process: pid 3914, sent by this socket \(matched by 5-tuple 127\.0\.0\.1:56714->127\.0\.0\.1:18443 and time to fd 4\)/);
    const owners = rows(await cliOk('owners', PCAP, STRACE));
    expect(owners).toEqual([['tcp:0', '127.0.0.1:56714', '127.0.0.1:18443', 'pid 3914 fd 4', 'unmatched: no socket with this 5-tuple in the syscall capture']]);
  });

  it('the EPIPE write links to the RST before it; the last write that reached the wire, to its segments; the 413 to its reads', async () => {
    const list = rows(await cliOk('list', PCAP, STRACE, '-f', 'tcp.stream == 0', '-e', 'frame.number', '-e', 'evt.type', '-e', 'evt.rawres', '-e', 'tcp.flags.reset', '-e', 'tcp.len', '-e', 'tcp.srcport'));
    const epipe = list.find((r) => r[1] === 'write' && r[2] === '-32');
    expect(epipe).toBeDefined();
    const rst = list.find((r) => r[3] === 'True' || r[3] === '1');
    const e1 = await cli('link', PCAP, STRACE, '--event', epipe?.[0] ?? '');
    expect(rows(e1.out)).toEqual([[rst?.[0], 'reset', '0-0']]);
    expect(e1.err).toMatch(/failed \(-32\).*reset the connection/);
    // The last write whose bytes are in a segment, and back from that segment.
    const writes = list.filter((r) => r[1] === 'write' && Number(r[2]) > 0);
    let found = false;
    for (const w of [...writes].reverse()) {
      const l = rows((await cli('link', PCAP, STRACE, '--event', w[0])).out);
      if (l.length === 0) continue;
      expect(l.every((x) => x[1] === 'segment')).toBe(true);
      const back = rows((await cli('link', PCAP, STRACE, '--event', l[0][0])).out);
      expect(back.map((x) => x[0])).toContain(w[0]);
      found = true;
      break;
    }
    expect(found).toBe(true);
    // The 413: the server's record that tshark decrypts as http.response.code 413 (pcap frame 14).
    const frame14 = rows(await cliOk('list', PCAP, STRACE, '-f', 'frame.file == "upload-413.pcap" && tcp.srcport == 18443 && tcp.len == 319'));
    expect(frame14.length).toBe(1);
    const reads = rows((await cli('link', PCAP, STRACE, '--event', frame14[0][0])).out);
    expect(reads.map((r) => r[1])).toEqual(['received', 'received']);
    const readRows = list.filter((r) => reads.some((x) => x[0] === r[0]));
    expect(readRows.map((r) => [r[1], r[2]])).toEqual([['read', '5'], ['read', '314']]);
  });
});

describe('capture set: several clients in parallel, ports reused over time (generated, test/fixtures/multi-client)', () => {
  const pcap = join(MULTI, 'multi-client.pcap');
  const strace = join(MULTI, 'multi-client.strace.gz');

  it('every matched client side has the pid that ran the client named in its payload; nothing else is guessed', async () => {
    // The facts: pid → client name from the strace's execve lines; stream → name from the payload.
    const text = gunzipSync(readFileSync(strace)).toString('latin1');
    const pidOf = new Map<string, string>();
    for (const m of text.matchAll(/^(\d+) \S+ execve\("[^"]*", \["python3", "-S", "client\.py", "\d+", "\d+", "([a-z])"/gm)) pidOf.set(m[2], m[1]);
    expect(pidOf.size).toBe(4);
    const payload = rows(execFileSync('tshark', ['-r', pcap, '-Y', 'tcp.len > 0 && tcp.dstport == 18555', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.payload'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const nameOf = new Map(payload.map(([s, hex]) => [`tcp:${s}`, /hello from ([a-z])/.exec(Buffer.from(hex.replace(/:/g, ''), 'hex').toString())?.[1] ?? '']));
    const owners = rows(await cliOk('owners', pcap, strace));
    expect(owners.length).toBe(8);
    // Port 40002 served three conversations of b then... : several owners for one port over time.
    const by40002 = new Set(owners.filter((o) => o[1] === '127.0.0.1:40002').map((o) => o[3]));
    expect(by40002.size).toBe(2);
    let matched = 0;
    for (const [stream, , , client, server] of owners) {
      const pid = /\(pid (\d+)\)/.exec(client)?.[1];
      if (pid) {
        matched++;
        expect(pid, stream).toBe(pidOf.get(nameOf.get(stream) ?? ''));
      } else expect(client).toMatch(/^unmatched: /);
      // The server side is the server's pid, or says why not.
      if (!/^unmatched: /.test(server)) expect(server).toMatch(/^python3 \(pid \d+\) fd \d+$/);
    }
    expect(matched).toBe(8);
    // Packets carry the owner: the client's packets of stream N have its pid.
    const pk = rows(await cliOk('list', pcap, strace, '-f', 'tcp.srcport != 18555 && frame.file == "multi-client.pcap"', '-e', 'tcp.stream', '-e', 'proc.pid'));
    for (const [s, pid] of pk) expect(pid).toBe(pidOf.get(nameOf.get(`tcp:${s}`) ?? ''));
  });
});
