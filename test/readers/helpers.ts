/** Shared helpers for the reader tests: corpus discovery, feeding in chunks, collecting output. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { detectFormat } from '../../electron/engine/readers/detect.ts';
import { createPcapParser } from '../../electron/engine/readers/pcap.ts';
import { createPcapngParser } from '../../electron/engine/readers/pcapng.ts';
import { LINKTYPE_CUSTOM_BLOCK, type ChunkParser, type InterfaceInfo, type PacketSink } from '../../electron/engine/readers/types.ts';
import { CORPUS as SHARED_CORPUS } from '../engine/corpus.ts';

export const CORPUS = process.env.TRACELENS_CORPUS ?? SHARED_CORPUS;

export function listCorpus(sub: string, accept: (name: string) => boolean): string[] {
  const acc: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (accept(e)) acc.push(relative(CORPUS, p));
    }
  };
  walk(join(CORPUS, sub));
  return acc;
}

export const isCaptureName = (name: string): boolean => /\.(pcap|pcapng|cap)(\.gz|\.\d+)?$/.test(name);

/** The file's bytes, gunzipped when the content says gzip. */
export function loadCapture(rel: string): Uint8Array {
  const raw = new Uint8Array(readFileSync(join(CORPUS, rel)));
  return detectFormat(raw) === 'gzip' ? new Uint8Array(gunzipSync(raw)) : raw;
}

export interface Collected {
  /** Per packet: "time\tcapLen\torigLen\tinterfaceId\tcomments" as in test/golden/readers.json. */
  lines: string[];
  /** Per packet: the other fields and a digest of the bytes, to compare chunkings exactly. */
  full: string[];
  malformed: string[];
  warnings: string[];
  interfaces: InterfaceInfo[];
  sections: { index: number; littleEndian: boolean; comments: string[] }[];
  names: [string, string[]][];
  secrets: [number, number][];
  blocks: number[];
  /** End offsets of the pcapng blocks seen. */
  blockEnds: number[];
  /** pcapng custom blocks delivered as records. */
  customBlocks: number;
}

/** tshark -T fields shows control characters in strings as C escapes. */
function tsharkEscape(s: string): string {
  return s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

export function collector(): { sink: PacketSink; out: Collected } {
  const out: Collected = { lines: [], full: [], malformed: [], warnings: [], interfaces: [], sections: [], names: [], secrets: [], blocks: [], blockEnds: [], customBlocks: 0 };
  // tshark 4.0 prints frame.interface_id per section; the parser's ids are global.
  const localId = new Map<number, number>();
  let inSection = 0;
  const sink: PacketSink = {
    packet(r) {
      if (r.data.length !== r.capLen) throw new Error(`data.length ${r.data.length} !== capLen ${r.capLen}`);
      if (r.tsNsec < 0 || r.tsNsec >= 1e9 || !Number.isInteger(r.tsNsec)) throw new Error(`bad tsNsec ${r.tsNsec}`);
      const t = `${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}`;
      const comments = (r.comments ?? []).map(tsharkEscape).join(',');
      const line = `${t}\t${r.capLen}\t${r.origLen}\t${localId.get(r.interfaceId) ?? r.interfaceId}\t${comments}`;
      // Custom blocks come out as records (Wireshark lists them as frames); counted apart here.
      if (r.linkType === LINKTYPE_CUSTOM_BLOCK) out.customBlocks++;
      else out.lines.push(line);
      const digest = createHash('sha1').update(r.data).digest('hex');
      out.full.push(`${line}\t${r.dataOffset}\t${r.linkType}\t${r.epbFlags}\t${r.malformed}\t${digest}\t${r.interfaceId}`);
      if (r.malformed) out.malformed.push(r.malformed);
    },
    warning(m) {
      out.warnings.push(m);
    },
    interface(i) {
      localId.set(i.id, inSection++);
      out.interfaces.push(i);
    },
    section(s) {
      inSection = 0;
      out.sections.push({ index: s.index, littleEndian: s.littleEndian, comments: s.comments });
    },
    name(a, n) {
      out.names.push([a, n]);
    },
    secrets(t, d) {
      out.secrets.push([t, d.length]);
    },
  };
  return { sink, out };
}

export function parserFor(bytes: Uint8Array, sink: PacketSink, onBlock?: (type: number, offset: number, length: number) => void): ChunkParser {
  const fmt = detectFormat(bytes);
  if (fmt === 'pcap') return createPcapParser(sink);
  if (fmt === 'pcapng') return createPcapngParser(sink, onBlock ? { onBlock } : {});
  throw new Error(`not a packet capture: ${fmt}`);
}

/**
 * Feed `bytes` in chunks of `size` (0 = whole), copying each chunk into a reused scratch buffer
 * that is overwritten afterwards, so a parser that keeps a view past push() is caught.
 */
export function run(bytes: Uint8Array, size: number, fmtBytes: Uint8Array = bytes): Collected {
  const { sink, out } = collector();
  const p = parserFor(fmtBytes, sink, (t, o, l) => {
    out.blocks.push(t);
    out.blockEnds.push(o + l);
  });
  const step = size === 0 ? Math.max(1, bytes.length) : size;
  const scratch = new Uint8Array(step);
  for (let i = 0; i < bytes.length; i += step) {
    const n = Math.min(step, bytes.length - i);
    scratch.set(bytes.subarray(i, i + n));
    p.push(scratch.subarray(0, n));
    scratch.fill(0xee);
  }
  p.end();
  return out;
}

/** Random chunk sizes from a fixed seed (reproducible). */
export function runRandom(bytes: Uint8Array, seed: number): Collected {
  const { sink, out } = collector();
  const p = parserFor(bytes, sink, (t) => out.blocks.push(t));
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  for (let i = 0; i < bytes.length; ) {
    const n = Math.min(1 + (rnd() % 300), bytes.length - i);
    p.push(bytes.slice(i, i + n));
    i += n;
  }
  p.end();
  return out;
}

export function sha256Lines(lines: string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export function loadText(rel: string): string {
  return readFileSync(join(CORPUS, rel), 'utf8');
}
