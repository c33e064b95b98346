/**
 * Test helper: the frame numbers of a capture that a display filter selects, computed by
 * reading the file with our pcap/pcapng readers, dissecting every packet in order (first pass,
 * as the index does) and running the compiled predicate. Once the index + `list -f` pipeline is
 * the way filters run, this can be swapped for it without touching the golden test.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { dissectPacket, firstPassContext } from '../../electron/engine/dissectors/packet.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import '../../electron/engine/fields/all-fields.ts';
import { createPcapParser } from '../../electron/engine/readers/pcap.ts';
import { createPcapngParser } from '../../electron/engine/readers/pcapng.ts';
import type { PacketSink } from '../../electron/engine/readers/types.ts';

export async function matchingFrames(file: string, filter: string): Promise<number[]> {
  const compiled = compileFilterText(filter);
  if (!compiled.ok) throw new Error(`${filter}: ${compiled.errors.map((e) => e.message).join('; ')}`);
  const pred = compiled.predicate;
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const d = createDissection();
  // wantInfo: filters run on a full dissection (generated text fields such as tcp.flags.str).
  const ctx = firstPassContext(undefined, true);
  const out: number[] = [];
  let n = 0;
  const sink: PacketSink = {
    packet(rec) {
      n++;
      dissectPacket(
        d,
        {
          number: n,
          tsSec: rec.tsSec,
          tsNsec: rec.tsNsec,
          capLen: rec.capLen,
          origLen: rec.origLen,
          linkType: rec.linkType,
          interfaceId: rec.interfaceId,
          comments: rec.comments,
          malformed: rec.malformed,
        },
        rec.data,
        ctx,
      );
      if (pred(d)) out.push(n);
    },
    warning() {},
  };
  // pcapng starts with a Section Header Block (0x0a0d0d0a); everything else here is classic pcap.
  const isNg = bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
  const parser = isNg ? createPcapngParser(sink) : createPcapParser(sink);
  parser.push(bytes);
  parser.end();
  return out;
}
