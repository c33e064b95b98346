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
import { PATH_UNKNOWN, type PacketIndex } from '../index/packet-index.ts';

/**
 * The protocols the stream layers put above TCP in frame.protocols of an event (its `:data`
 * replaced; empty: a segment of a later message), or undefined when no layer took its payload
 * (layers/session.ts protocolLayerChain).
 */
export type LayerChainOf = (event: number) => readonly string[] | undefined;

/** Names in frame.protocols that are not protocol-tree layers. */
const NOT_LAYERS = new Set(['frame', 'ethertype', 'ipv6.hopopts', 'ipv6.routing', 'ipv6.fraghdr', 'ipv6.dstopts']);

/**
 * Protocols whose echo payload is a `data` node inside their own subtree (packet-icmp.c,
 * packet-icmpv6.c): frame.protocols lists it, the top-level walk of tshark's phs does not.
 */
const DATA_INSIDE = new Set(['icmp', 'icmpv6']);

/** Add `frames` frames (one by default) with these layers and `bytes` on the wire in all to the tree under `roots`. */
export function addPath(roots: PhsNode[], layers: readonly string[], bytes: number, frames = 1): void {
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
    node.frames += frames;
    node.bytes += bytes;
    level = node.children;
  }
}

/**
 * The hierarchy over all frames or the given events; also the number of frames counted. A packet
 * capture is counted from the index (each packet's first-pass protocol path, its length, its
 * comments) and `chainOf`, the stream layers' verdict: no frame is dissected again, except a
 * packet whose path the index could not number. Without `chainOf` (or for syscall captures)
 * every frame is dissected, as frame.protocols is built for a row.
 */
export function protocolHierarchy(capture: Capture, events?: Uint32Array, chainOf?: LayerChainOf): { roots: PhsNode[]; frames: number } {
  const int = capture.internals();
  // Past 65 534 distinct paths some packets have none (PATH_UNKNOWN): then dissect them all.
  if (int.kind === 'packets' && chainOf && int.index.paths.layers.length < PATH_UNKNOWN) return indexedHierarchy(capture, int.index, events, chainOf);
  return dissectedHierarchy(capture, events);
}

/** What one frame adds to the tree; frames with the same layers are added together (see indexedHierarchy). */
interface PathSum {
  layers: readonly string[];
  frames: number;
  bytes: number;
}

function indexedHierarchy(capture: Capture, ix: PacketIndex, events: Uint32Array | undefined, chainOf: LayerChainOf): { roots: PhsNode[]; frames: number } {
  const path = ix.protoPath.data;
  const len = ix.origLen.data;
  const comments = ix.comments;
  const paths = ix.paths.layers;
  // Sums keyed by path id, layer chain and comment, in order of first appearance: adding them in
  // that order makes the same tree, children in the same order, as adding frame by frame.
  const sums = new Map<string, PathSum>();
  const byPath: (PathSum | undefined)[] = [];
  const visit = (e: number): void => {
    const id = path[e - 1];
    const chain = chainOf(e);
    const commented = comments.has(e);
    if (chain === undefined && !commented) {
      // The common case: no layer took the frame, no comment; one array lookup.
      let s = byPath[id];
      if (!s) {
        s = { layers: paths[id], frames: 0, bytes: 0 };
        byPath[id] = s;
        sums.set(`${id}`, s);
      }
      s.frames++;
      s.bytes += len[e - 1];
      return;
    }
    const key = `${id}${chain === undefined ? '' : `:${chain.join(':')}`}${commented ? '#' : ''}`;
    let s = sums.get(key);
    if (!s) {
      let layers = paths[id];
      if (chain !== undefined) layers = [...(layers[layers.length - 1] === 'data' ? layers.slice(0, -1) : layers), ...chain];
      s = { layers: commented ? ['pkt_comment', ...layers] : layers, frames: 0, bytes: 0 };
      sums.set(key, s);
    }
    s.frames++;
    s.bytes += len[e - 1];
  };
  let frames: number;
  if (events) {
    for (const e of events) visit(e);
    frames = events.length;
  } else {
    const n = capture.count();
    for (let e = 1; e <= n; e++) visit(e);
    frames = n;
  }
  const roots: PhsNode[] = [];
  for (const s of sums.values()) addPath(roots, s.layers, s.bytes, s.frames);
  return { roots, frames };
}

/** The hierarchy from frame.protocols of each frame's dissection. */
function dissectedHierarchy(capture: Capture, events?: Uint32Array): { roots: PhsNode[]; frames: number } {
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
