/**
 * Several pcap/pcapng files as one capture, as mergecap merges them: frame numbers, times,
 * tcp.stream, relative sequence numbers and follow output equal tshark's on the same files
 * merged by `mergecap` (the oracle, run here). The sets: a ring buffer (`editcap -c` splits a
 * corpus capture into dumpcap-style names) and two files whose packets interleave in time (one
 * TCP stream and the rest, pcap + pcapng).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from '../cli/run-cli.ts';

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TOOLS = has('tshark') && has('mergecap') && has('editcap');
const FIELDS = ['frame.number', 'frame.time_epoch', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'udp.stream', 'frame.interface_id', 'frame.len'];
const dir = mkdtempSync(join(tmpdir(), 'tl-ring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tshark(file: string, ...args: string[]): string {
  return execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
}

function tsharkFields(file: string): string {
  return tshark(file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]));
}

async function ours(files: string[]): Promise<string> {
  const r = await cli('list', ...files, ...FIELDS.flatMap((f) => ['-e', f]));
  expect(r.code, r.err).toBe(0);
  return r.out;
}

/** A set and its mergecap-merged oracle file. */
function merged(name: string, files: string[]): string {
  const out = join(dir, `${name}-merged.pcapng`);
  execFileSync('mergecap', ['-w', out, ...files]);
  return out;
}

describe.skipIf(!TOOLS || !CORPUS)('capture sets of packet files = mergecap', () => {
  const http = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
  const ooo = join(CORPUS, 'pcap/wireshark/http-ooo.pcap');

  it('a ring buffer (editcap -c, dumpcap names): every frame number, time, stream and seq', async () => {
    for (const [src, per] of [[http, '5'], [ooo, '3']] as const) {
      const sub = mkdtempSync(join(dir, 'ring-'));
      execFileSync('editcap', ['-c', per, src, join(sub, 'ring.pcap')]);
      const ring = readdirSync(sub).sort().map((f) => join(sub, f));
      expect(ring.length).toBeGreaterThan(2);
      const m = merged('ring', ring);
      const want = tsharkFields(m);
      expect(await ours(ring)).toBe(want);
      // Opened in another order, the set is the same capture (merge by time).
      expect(await ours([...ring].reverse())).toBe(want);
      // Follow of every TCP stream (its segments spread over the ring's files) = tshark's on the merged file.
      const streams = [...new Set(tshark(m, '-T', 'fields', '-e', 'tcp.stream').split('\n').filter((x) => x))];
      expect(streams.length).toBeGreaterThan(0);
      for (const st of streams) {
        const f = await cli('follow', ...ring, '--stream', `tcp:${st}`, '--as', 'ascii');
        expect(f.code, f.err).toBe(0);
        expect(f.out).toBe(tshark(m, '-q', '-z', `follow,tcp,ascii,${st}`));
      }
    }
  });

  // The server's packets in one file, the client's in the other (as captures on two hosts).
  const a = join(dir, 'a.pcap');
  const b = join(dir, 'b.pcapng');

  it('two files whose packets interleave (pcap + pcapng): merged by time, numbered as mergecap', async () => {
    execFileSync('tshark', ['-r', http, '-Y', 'tcp.srcport == 8080', '-w', a, '-F', 'pcap'], { stdio: 'ignore' });
    execFileSync('tshark', ['-r', http, '-Y', '!(tcp.srcport == 8080)', '-w', b, '-F', 'pcapng'], { stdio: 'ignore' });
    const m = merged('ab', [a, b]);
    const want = tsharkFields(m);
    // Interleaved: the merged order is not all of one file, then the other's.
    const from = execFileSync('tshark', ['-r', m, '-T', 'fields', '-e', 'tcp.srcport'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(from.trim().split('\n').map((p) => (p === '8080' ? 'a' : 'b')).join('')).toMatch(/ab.*ba|ba.*ab/);
    expect(await ours([a, b])).toBe(want);
    // Follow of each stream = tshark's follow on the merged file.
    for (const s of [0, 1]) {
      const f = await cli('follow', a, b, '--stream', `tcp:${s}`, '--as', 'ascii');
      expect(f.code, f.err).toBe(0);
      expect(f.out).toBe(tshark(m, '-q', '-z', `follow,tcp,ascii,${s}`));
    }
  });

  it('names the file of every frame (frame.file, the File column)', async () => {
    const r = await cli('list', a, b, '-e', 'frame.number', '-e', 'frame.file', '-e', 'tcp.srcport');
    const rows = r.out.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.length).toBeGreaterThan(10);
    for (const [, file, port] of rows) expect(file).toBe(port === '8080' ? 'a.pcap' : 'b.pcapng');
    const f = await cli('list', a, b, '-f', 'frame.file == "b.pcapng"');
    expect(f.out.trim().split('\n').length).toBe(rows.filter((x) => x[1] === 'b.pcapng').length);
  });
});
