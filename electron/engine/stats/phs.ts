/**
 * Protocol hierarchy as tshark 4.0's `-z io,phs` (ui/cli/tap-protohierstat.c): a tree of the
 * protocol layers of each frame, each node counting the frames whose layers begin with its path
 * and their bytes on the wire. Layers come from frame.protocols; tshark walks the protocol
 * tree instead, which has no node for `frame`'s own entry and none for `ethertype` (a field of
 * eth, not a protocol layer), so both are left out; IPv6 extension headers are subtrees of ipv6
 * (packet-ipv6.c), not layers. A frame with comments starts with tshark's top-level
 * `pkt_comment` item (packet-frame.c, proto_pkt_comment).
 */
import type { PhsNode } from '../../../shared/stats.ts';
import type { Capture } from '../capture.ts';
import { createDissection } from '../dissectors/dissection.ts';
import { entryValue } from '../dissectors/values.ts';
import { allFields, fieldByName } from '../fields/registry.ts';

/** Names in frame.protocols that are not protocol-tree layers. */
const NOT_LAYERS = new Set(['frame', 'ethertype', 'ipv6.hopopts', 'ipv6.routing', 'ipv6.fraghdr', 'ipv6.dstopts']);

/**
 * Protocols whose echo payload is a `data` node inside their own subtree (packet-icmp.c,
 * packet-icmpv6.c): frame.protocols lists it, the top-level walk of tshark's phs does not.
 */
const DATA_INSIDE = new Set(['icmp', 'icmpv6']);

/** Add one frame's layers to the tree under `roots`. */
export function addPath(roots: PhsNode[], layers: readonly string[], bytes: number): void {
  let level = roots;
  let prev = '';
  for (const p of layers) {
    const inside = p === 'data' && DATA_INSIDE.has(prev);
    prev = p;
    if (NOT_LAYERS.has(p) || inside) continue;
    let node = level.find((n) => n.protocol === p);
    if (!node) {
      node = { protocol: p, frames: 0, bytes: 0, children: [] };
      level.push(node);
    }
    node.frames++;
    node.bytes += bytes;
    level = node.children;
  }
}

/** The hierarchy over all frames or the given events; also the number of frames counted. */
export function protocolHierarchy(capture: Capture, events?: Uint32Array): { roots: PhsNode[]; frames: number } {
  const protocols = fieldByName('frame.protocols');
  const frameLen = fieldByName('frame.len');
  const comment = fieldByName('frame.comment');
  if (!protocols || !frameLen || !comment) throw new Error('frame.protocols is not registered');
  const d = createDissection();
  // Record only the three fields read below (as a filter on them would): every layer still runs.
  d.keep = new Uint8Array(allFields().length + 1);
  for (const f of [protocols, frameLen, comment]) d.keep[f.id] = 1;
  const roots: PhsNode[] = [];
  let frames = 0;
  const visit = (e: number): void => {
    capture.dissect(e, d, { info: true });
    let path = '';
    let len = 0;
    let commented = false;
    for (let i = 0; i < d.n; i++) {
      if (d.fid[i] === protocols.id) path = String(entryValue(d, i) ?? '');
      else if (d.fid[i] === frameLen.id) len = Number(entryValue(d, i) ?? 0);
      else if (d.fid[i] === comment.id) commented = true;
    }
    frames++;
    addPath(roots, commented ? ['pkt_comment', ...path.split(':')] : path.split(':'), len);
  };
  if (events) for (const e of events) visit(e);
  else for (let e = 1; e <= capture.count(); e++) visit(e);
  return { roots, frames };
}
