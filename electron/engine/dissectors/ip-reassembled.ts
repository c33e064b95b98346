/**
 * A reassembled IP datagram on the frame that completed it: the fragment list as tshark 4.0
 * shows it (packet-ip.c ip_frag_items / packet-ipv6.c ipv6_frag_items through
 * reassemble.c show_fragment_tree), the payload as its own data source ("Reassembled IPv4"), and
 * the upper layers dissected from it.
 */
import { addField, addSource, setLabel, type Dissection } from './dissection.ts';
import type { PacketContext } from './context.ts';
import type { FieldDef } from '../fields/registry.ts';
import type { Reassembled } from './ip-reassembly.ts';
import { dissectIpPayload } from './ip-proto.ts';

/** The fields of one IP version's fragment tree. */
export interface ReassemblyFields {
  /** Data source name, tshark's tab under the bytes pane. */
  source: string;
  version: 'IPv4' | 'IPv6';
  fragments: FieldDef;
  fragment: FieldDef;
  overlap: FieldDef;
  conflict: FieldDef;
  count: FieldDef;
  length: FieldDef;
  data: FieldDef;
}

/** Add the fragment tree under `ipTop` and dissect the payload of `r` as the IP layer's payload. */
export function dissectReassembled(d: Dissection, r: Reassembled, f: ReassemblyFields, ipTop: number, parent: number, ctx: PacketContext): void {
  const payload = r.buf.subarray(0, r.length);
  const src = addSource(d, f.source, payload);
  if (!d.summary) {
    const fr = addField(d, f.fragments, 0, r.length, ipTop, f.fragments.type === 'none' ? undefined : payload, src);
    if (fr >= 0) {
      const list = r.pieces.map((p) => `#${p.frame}(${p.length})`).join(', ');
      setLabel(d, fr, `${r.pieces.length} ${f.version} Fragments (${r.length} bytes): ${list}`);
    }
    for (const p of r.pieces) {
      const len = Math.max(0, Math.min(p.length, r.length - p.offset));
      const e = addField(d, f.fragment, p.offset, len, fr, p.frame, src);
      setLabel(d, e, `Frame: ${p.frame}, payload: ${p.offset}-${p.offset + p.length - 1} (${p.length} bytes)`);
      if (p.overlap) setLabel(d, addField(d, f.overlap, p.offset, len, e, true, src), 'Fragment overlap: True');
      if (p.conflict) setLabel(d, addField(d, f.conflict, p.offset, len, e, true, src), 'Conflicting data in fragment overlap: True');
    }
    addField(d, f.count, 0, 0, fr, r.pieces.length, src);
    addField(d, f.length, 0, 0, fr, r.length, src);
    addField(d, f.data, 0, r.length, fr, undefined, src);
  }
  // The upper layers read the addresses (conversations, pseudo-headers) at ctx.srcOff/dstOff of
  // the bytes they are given: the datagram keeps copies after its payload.
  const saved = [ctx.srcOff, ctx.dstOff] as const;
  ctx.srcOff = r.length;
  ctx.dstOff = r.length + r.addrLen;
  ctx.fragmented = false;
  const first = d.n;
  dissectIpPayload(d, r.buf, r.proto, 0, r.length, r.length, parent, ctx);
  // Their entries point into the reassembled payload, not the frame.
  for (let i = first; i < d.n; i++) if (d.src[i] === 0) d.src[i] = src;
  [ctx.srcOff, ctx.dstOff] = saved;
}
