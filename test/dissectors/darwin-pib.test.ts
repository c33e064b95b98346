/**
 * Apple pcapng process information (readers/pcapng.ts BT_DARWIN_PIB, dissectors/comment-proc.ts
 * pibProc): packets pointing at a Darwin Process Information Block carry proc.pid/proc.name.
 *
 * Fixture test/fixtures/darwin/darwin-pib.pcapng from scripts/make-fixture-darwin-pib.py (its
 * docstring lists the blocks). Oracle, tshark 4.0.17, which decodes the blocks only as file
 * structure (no per-frame field: 4.0 has no frame.darwin.*):
 *   tshark -r darwin-pib.pcapng -X read_format:"MIME Files Format" -T fields \
 *     -e pcapng.darwin.process_id -e pcapng.darwin.process_name \
 *     -e pcapng.options.option.data.packet.darwin.dpeb_id -e pcapng.options.option.data.packet.darwin.edpeb_id
 * prints `4242,88  curl,nsurlsessiond  0,0,1,7  0`: PIB 0 is curl (4242), PIB 1 nsurlsessiond (88);
 * frames 1-4 point at PIBs 0, 0, 1, 7, frame 3's effective PIB is 0; frame 5 points at none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPcapngParser } from '../../electron/engine/readers/pcapng.ts';
import type { PacketProcess } from '../../electron/engine/readers/types.ts';
import { cli } from '../cli/run-cli.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/darwin/darwin-pib.pcapng');
const MISSING = 'block 8 (EPB, type 0x00000006) at byte 480 (frame 4): process info index 7 names no readable process information block (section 0 has 2 before it)';

/** The blocks of a little-endian pcapng file, in order. */
function blocks(bytes: Uint8Array): Uint8Array[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += dv.getUint32(at + 4, true)) out.push(bytes.subarray(at, at + dv.getUint32(at + 4, true)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, k) => n + k.length, 0));
  let o = 0;
  for (const k of parts) {
    out.set(k, o);
    o += k.length;
  }
  return out;
}

const isPib = (b: Uint8Array): boolean => new DataView(b.buffer, b.byteOffset).getUint32(0, true) === 0x80000001;

function read(bytes: Uint8Array): { procs: (PacketProcess | undefined)[]; warnings: string[] } {
  const procs: (PacketProcess | undefined)[] = [];
  const warnings: string[] = [];
  const p = createPcapngParser({ packet: (r) => procs.push(r.process), warning: (m) => warnings.push(m) });
  p.push(bytes);
  p.end();
  return { procs, warnings };
}

describe('pcapng reader: Darwin process information blocks', () => {
  const bytes = new Uint8Array(readFileSync(FIXTURE));
  it('resolves each packet block\'s PIB index and effective index, as tshark lists them', () => {
    const { procs, warnings } = read(bytes);
    const curl = { pid: 4242, name: 'curl' };
    expect(procs).toEqual([{ process: curl }, { process: curl }, { process: { pid: 88, name: 'nsurlsessiond' }, effective: curl }, undefined, undefined]);
    expect(warnings).toEqual([`${MISSING}; later packets with this index are not reported`]);
  });
  it('numbers PIBs per section: a second section without its own PIBs resolves none', () => {
    // The file, then again as a second section without its PIB blocks.
    const { procs, warnings } = read(concat([bytes, ...blocks(bytes).filter((b) => !isPib(b))]));
    expect(procs.slice(5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(procs[0]).toEqual({ process: { pid: 4242, name: 'curl' } });
    // Section 1: each missing index is reported once (frame 8's effective index 0 was frame 6's), naming the frame.
    expect(warnings.slice(1).map((w) => w.replace(/^block \d+ .* \((frame \d+)\): (.*index \d+).*section (\d).*$/, '$1 $2 $3'))).toEqual([
      'frame 6 process info index 0 1', 'frame 8 process info index 1 1', 'frame 9 process info index 7 1',
    ]);
  });
  it('a PIB too short to hold a pid is still counted, so later indexes keep their blocks', () => {
    // PIB 0 replaced by an empty-bodied block (type 0x80000001, length 12).
    const empty = new Uint8Array(12);
    new DataView(empty.buffer).setUint32(0, 0x80000001, true);
    new DataView(empty.buffer).setUint32(4, 12, true);
    new DataView(empty.buffer).setUint32(8, 12, true);
    const bs = blocks(bytes);
    const { procs, warnings } = read(concat(bs.map((b) => (b === bs.find(isPib) ? empty : b))));
    expect(procs).toEqual([undefined, undefined, { process: { pid: 88, name: 'nsurlsessiond' } }, undefined, undefined]);
    expect(warnings[0]).toBe('block 3 (Darwin process information block, type 0x80000001) at byte 96: body too short for a process information block');
    expect(warnings.slice(1).map((w) => w.replace(/ names .*/, ''))).toEqual([
      'block 5 (EPB, type 0x00000006) at byte 148 (frame 1): process info index 0',
      'block 8 (EPB, type 0x00000006) at byte 464 (frame 4): process info index 7',
    ]);
  });
});

describe('Darwin PIBs as proc.* fields', () => {
  it("-f 'proc.name == \"curl\"' selects the packets curl sent or received", async () => {
    const r = await cli('list', FIXTURE, '-f', 'proc.name == "curl"', '-e', 'frame.number', '-e', 'proc.pid');
    expect(r.code).toBe(0);
    expect(r.out).toBe('1\t4242\n2\t4242\n');
    // The missing index is said, naming the packet; the packet is still listed (not damage: exit 0).
    expect(r.err).toContain(MISSING);
  });
  it('every packet, with pid and name where its file names them', async () => {
    const r = await cli('list', FIXTURE, '-e', 'frame.number', '-e', 'proc.pid', '-e', 'proc.name', '-e', 'tcp.flags.str');
    expect(r.out.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 3).join(' '))).toEqual(['1 4242 curl', '2 4242 curl', '3 88 nsurlsessiond', '4  ', '5  ']);
    const f = await cli('list', FIXTURE, '-f', 'proc.pid == 88 || !proc', '-e', 'frame.number');
    expect(f.out).toBe('3\n4\n5\n');
  });
  it('the details tree: one Process node with pid and name, and the effective process', async () => {
    const r = await cli('list', FIXTURE, '--details', '-f', 'frame.number == 3');
    const tree = r.out.slice(r.out.indexOf('Process:')).trimEnd();
    expect(tree).toBe([
      "Process: nsurlsessiond (pid 88), from the capture file's process information block (Apple pcapng)",
      '    Name: nsurlsessiond',
      '    PID: 88',
      '    Effective process: curl (pid 4242), the process the packet was sent or received for',
    ].join('\n'));
    expect(r.out.match(/^Process:/gm)).toHaveLength(1);
    const none = await cli('list', FIXTURE, '--details', '-f', 'frame.number == 4');
    expect(none.out).not.toContain('Process:');
  });
});
