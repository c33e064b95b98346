/**
 * The tree of an event a stream layer took, as tshark's: the TCP payload is not also shown as
 * `Data` (packet-tcp.c hands it to the layer, not to the data dissector), and `frame.protocols`
 * names the layers (eth:ethertype:ip:tcp:tls:http). The format's dissection runs first and does
 * not know the layers, so this edits its flat entries afterwards.
 */
import type { Dissection } from '../dissectors/dissection.ts';
import { hfFrameProtocols } from '../dissectors/frame.ts';
import { hfData } from '../dissectors/data.ts';

/** Remove entry `at` and its descendants (which follow it), renumbering the entries after them. */
export function removeEntry(d: Dissection, at: number): void {
  let end = at + 1;
  const inside = (i: number): boolean => {
    for (let p = d.parent[i]; p >= 0; p = d.parent[p]) if (p === at) return true;
    return false;
  };
  while (end < d.n && inside(end)) end++;
  const cut = end - at;
  for (let i = end; i < d.n; i++) {
    const k = i - cut;
    d.fid[k] = d.fid[i];
    d.off[k] = d.off[i];
    d.len[k] = d.len[i];
    const p = d.parent[i];
    d.parent[k] = p >= end ? p - cut : p;
    d.src[k] = d.src[i];
    d.num[k] = d.num[i];
  }
  for (const a of [d.obj, d.label, d.note]) if (a.length > at) a.splice(at, cut);
  d.n -= cut;
}

/**
 * Mark the dissection of an event whose TCP payload a layer took: drop the `Data` node and make
 * frame.protocols end with `chain` (instead of `:data`). `chain` may be empty (a segment kept for
 * reassembly shows no protocol above TCP).
 */
export function claimPayload(d: Dissection, chain: readonly string[]): void {
  for (let i = 0; i < d.n; i++) {
    if (d.fid[i] !== hfData.id) continue;
    removeEntry(d, i);
    break;
  }
  for (let i = 0; i < d.n; i++) {
    if (d.fid[i] !== hfFrameProtocols.id) continue;
    const v = d.obj[i];
    if (typeof v !== 'string') break;
    const base = v.endsWith(':data') ? v.slice(0, -':data'.length) : v;
    d.obj[i] = [base, ...chain].join(':');
    break;
  }
}
