/**
 * The index pass's fixed-offset fast path (dissectors/fixed-tcp.ts) must build the same index
 * as the generic dissectors: every PacketIndex column, the interned strings, the protocol
 * paths, the conversation table and the onTcpSegment calls, on every corpus capture and
 * ka-10k. A planted wrong offset must make the comparison fail.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { IPV4, TCP } from '../../electron/engine/dissectors/fixed-tcp.ts';
import { startPacketCapture, type PacketOpenOptions } from '../../electron/engine/index/packet-capture.ts';
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { detectFormat } from '../../electron/engine/readers/detect.ts';
import { setDecodeAs } from '../../electron/engine/dissectors/table.ts';
import type { PacketIndex } from '../../electron/engine/index/packet-index.ts';
import type { ConversationTable } from '../../electron/engine/streams/conversations.ts';
import { CORPUS, corpusFiles } from './corpus.ts';

const KA10K = '/work/captures/ka-10k.pcap';
const files = [
  ...(CORPUS ? [...corpusFiles('pcap', (n) => /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(n)), ...corpusFiles('pcapng', (n) => /\.(pcap|pcapng|ntar)(\.gz)?$/i.test(n))] : []),
  ...(existsSync(KA10K) ? [KA10K] : []),
];

interface Built {
  ix: PacketIndex;
  conv: ConversationTable;
  /** Every onTcpSegment call, its arguments and the payload bytes as text. */
  segments: string[];
}

async function build(path: string, genericIndex: boolean): Promise<Built> {
  const source = openCaptureSource(path);
  const format = detectFormat(source.peek(65536));
  if (format !== 'pcap' && format !== 'pcapng') throw new Error(`${path}: ${format}`);
  const segments: string[] = [];
  const opts: PacketOpenOptions = {
    genericIndex,
    tcpSegmentScan: () => (frame, stream, bit, seq, flags, b, from, to, seglen) => {
      segments.push(`${frame} ${stream} ${bit} ${seq} ${flags} ${seglen} ${Buffer.from(b.subarray(from, to)).toString('hex')}`);
    },
  };
  const { capture, indexing } = startPacketCapture(source, format, opts);
  await indexing;
  const internals = capture.internals?.();
  if (internals?.kind !== 'packets') throw new Error('no packet internals');
  const built = { ix: internals.index, conv: internals.conv, segments };
  capture.close();
  return built;
}

/** The first difference between two builds as text, or ''. */
function firstDifference(a: Built, b: Built): string {
  const cols = ['dataOffset', 'capLen', 'origLen', 'tsSec', 'tsNsec', 'iface', 'protocol', 'src', 'dst', 'flags', 'hdrFlags', 'tcpLen', 'tcpPorts', 'tcpSeq', 'tcpAck', 'tcpWin', 'protoPath'] as const;
  for (const c of cols) {
    const x = a.ix[c];
    const y = b.ix[c];
    if (x.length !== y.length) return `${c}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (x.data[i] !== y.data[i]) return `${c}[frame ${i + 1}]: ${x.data[i]} vs ${y.data[i]}`;
  }
  const same = (what: string, x: unknown, y: unknown): string => (JSON.stringify(x) === JSON.stringify(y) ? '' : what);
  const conv = (t: ConversationTable) => ({
    ...t,
    frameStream: Array.from(t.frameStream), frameDir: Array.from(t.frameDir), keys: Array.from(t.keys.subarray(0, t.nSlots * 10)),
    slotStream: Array.from(t.slotStream.subarray(0, t.nSlots)), baseSeq: Array.from(t.baseSeq), seqFlags: Array.from(t.seqFlags), winScale: Array.from(t.winScale),
    heads: Array.from(t.heads), hashes: Array.from(t.hashes.subarray(0, t.nSlots)), next: Array.from(t.next.subarray(0, t.nSlots)),
    history: [...t.history], portReuse: [...t.portReuse],
  });
  return same('strings', a.ix.strings.strings, b.ix.strings.strings)
    || same('paths', a.ix.paths.layers, b.ix.paths.layers)
    || same('tcpOther/ipOther', [a.ix.tcpOther, a.ix.ipOther], [b.ix.tcpOther, b.ix.ipOther])
    || same('malformed', [...a.ix.malformed], [...b.ix.malformed])
    || same('hostNames', a.ix.hostNames, b.ix.hostNames)
    || same('conversations', conv(a.conv), conv(b.conv))
    || same('onTcpSegment', a.segments, b.segments);
}

describe('fixed-offset index fast path', () => {
  it.skipIf(files.length === 0)('builds the same index as the generic dissectors on every corpus capture and ka-10k', async () => {
    const diffs: string[] = [];
    for (const path of files) {
      const diff = firstDifference(await build(path, false), await build(path, true));
      if (diff) diffs.push(`${path}: ${diff}`);
    }
    expect(diffs).toEqual([]);
  }, 120_000);

  it.skipIf(!existsSync(KA10K))('steps aside under Decode As (TCP decoded as data)', async () => {
    try {
      expect(setDecodeAs([{ table: 'ip.proto', value: 6, protocol: 'data' }])).toEqual([]);
      const fast = await build(KA10K, false);
      expect(fast.ix.strings.strings).not.toContain('TCP');
      expect(firstDifference(fast, await build(KA10K, true))).toBe('');
    } finally {
      setDecodeAs([]);
    }
  }, 60_000);

  const saved = { src: IPV4.src, sport: TCP.sport, seq: TCP.seq };
  afterEach(() => {
    IPV4.src = saved.src;
    TCP.sport = saved.sport;
    TCP.seq = saved.seq;
  });

  it.skipIf(!existsSync(KA10K))('fails when an offset is wrong', async () => {
    const generic = await build(KA10K, true);
    // Planted bugs, one at a time: the source port read from the destination port's offset…
    TCP.sport = TCP.dport;
    expect(firstDifference(await build(KA10K, false), generic)).toMatch(/^tcpPorts\[frame \d+\]/);
    TCP.sport = saved.sport;
    // …the raw sequence number from the acknowledgment's (conversation state, onTcpSegment)…
    TCP.seq = TCP.ack;
    expect(firstDifference(await build(KA10K, false), generic)).not.toBe('');
    TCP.seq = saved.seq;
    // …the source address from the destination's (ka-10k is 127.0.0.1 both ways: the corpus has others).
    IPV4.src = IPV4.dst;
    let srcDiffs = 0;
    for (const path of files) if (/^src\[frame \d+\]/.test(firstDifference(await build(path, false), await build(path, true)))) srcDiffs++;
    expect(srcDiffs).toBeGreaterThan(0);
  }, 120_000);
});
