/**
 * Entry point: dissect one packet from the frame layer up. Never throws on bad data: every
 * dissector bounds-checks and marks the damage (protocol + byte offset) with markMalformed.
 */
import { addField, markMalformed, resetDissection, type Dissection } from './dissection.ts';
import { dissectFrame, hfFrameProtocols, type FrameMeta } from './frame.ts';
import { dissectLink } from './link.ts';
import { addCommentProc } from './comment-proc.ts';
import { resetPacketContext, type PacketContext } from './context.ts';
import './protocols.ts';

export type { FrameMeta } from './frame.ts';
export type { PacketContext } from './context.ts';
export { firstPassContext, revisitContext } from './context.ts';

/**
 * The frame is data[start, end): the index pass hands the reader's chunk and the record's range
 * (no view per packet); entry offsets are then positions in `data`, which is data source 0.
 */
export function dissectPacket(d: Dissection, meta: FrameMeta, data: Uint8Array, ctx: PacketContext, start = 0, end = data.length): void {
  resetDissection(d, data);
  resetPacketContext(ctx, meta.number);
  const top = dissectFrame(d, meta, start, end);
  if (meta.malformed) markMalformed(d, top, meta.malformed);
  try {
    // Protocol layers sit beside the frame node at the top of the tree, as in Wireshark.
    dissectLink(d, data, meta.linkType, Math.max(meta.origLen, end - start), -1, ctx, start, end);
  } catch (e) {
    // A dissector bug must not take the engine down: report it on the frame instead.
    markMalformed(d, top, `internal error in frame ${meta.number}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // The file's process (ptcpdump comments, Apple PIBs): after the layers, like the Process node of a capture set.
  addCommentProc(d, meta.comments, meta.process);
  if (ctx.wantInfo) {
    let s = '';
    for (let i = 0; i < ctx.nLayers; i++) s += (i ? ':' : '') + ctx.layers[i];
    // Wireshark's protocol chain starts below the frame: eth:ethertype:ip:tcp.
    addField(d, hfFrameProtocols, start, 0, top, s);
    if (d.protocol === '' && ctx.nLayers === 0) d.protocol = 'Frame';
  }
}
