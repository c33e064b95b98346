/**
 * The index pass records Source, Destination and the colour flags from a summary-mode
 * dissection (dissectors leave them in the PacketContext scratch). They must equal what the
 * full dissection of the same frame says: Source/Destination = the first ip.src/ipv6.src
 * (else the first eth.src/sll.src.eth; eth.dst for Destination), flags = any tcp.flags.syn /
 * .fin / .reset set, a `dns` node, a malformed mark. Checked on every corpus pcap/pcapng.
 */
import { describe, expect, it } from 'vitest';
import { RowFlag } from '../../shared/rpc.ts';
import { createDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { entryValue, formatFieldValue } from '../../electron/engine/dissectors/values.ts';
import { fieldById, fieldByName, type FieldDef } from '../../electron/engine/fields/registry.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS, corpusFiles } from './corpus.ts';

const files = CORPUS ? [...corpusFiles('pcap', (n) => /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(n)), ...corpusFiles('pcapng', (n) => /\.(pcap|pcapng|ntar)(\.gz)?$/i.test(n))] : [];

function field(name: string): FieldDef {
  const f = fieldByName(name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
}

/** Text of the first entry among `names` (by entry order), or ''. */
function firstOf(d: Dissection, names: FieldDef[]): string {
  const ids = new Set(names.map((f) => f.id));
  for (let i = 0; i < d.n; i++) if (ids.has(d.fid[i])) return formatFieldValue(fieldById(d.fid[i]), entryValue(d, i));
  return '';
}

function anyTrue(d: Dissection, f: FieldDef): boolean {
  for (let i = 0; i < d.n; i++) if (d.fid[i] === f.id && entryValue(d, i) === true) return true;
  return false;
}

describe('index summary equals the full dissection', () => {
  it.skipIf(files.length === 0)('Source, Destination and flags on every corpus capture', async () => {
    const net = { src: [field('ip.src'), field('ipv6.src')], dst: [field('ip.dst'), field('ipv6.dst')] };
    const dl = { src: [field('eth.src'), field('sll.src.eth')], dst: [field('eth.dst')] };
    const [syn, fin, rst, dns] = [field('tcp.flags.syn'), field('tcp.flags.fin'), field('tcp.flags.reset'), field('dns')];
    const d = createDissection();
    const out: string[] = [];
    let checked = 0;
    let synSeen = 0;
    for (const path of files) {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      for (let e = 1; e <= capture.count(); e++) {
        capture.dissect(e, d, { info: false });
        capture.cells(e, out);
        const want = {
          src: firstOf(d, net.src) || firstOf(d, dl.src),
          dst: firstOf(d, net.dst) || firstOf(d, dl.dst),
          flags: (anyTrue(d, syn) ? RowFlag.TcpSyn : 0) | (anyTrue(d, fin) ? RowFlag.TcpFin : 0) | (anyTrue(d, rst) ? RowFlag.TcpRst : 0) |
            (d.fid.subarray(0, d.n).includes(dns.id) ? RowFlag.Dns : 0) | (d.malformed !== undefined ? RowFlag.Malformed : 0),
        };
        // HTTP is marked by the HTTP scan's annotations, not by the index pass.
        const got = { src: out[2], dst: out[3], flags: capture.flags(e) & ~RowFlag.Http };
        if (got.src !== want.src || got.dst !== want.dst || got.flags !== want.flags) {
          expect({ path, event: e, ...got }).toEqual({ path, event: e, ...want });
        }
        if (got.flags & RowFlag.TcpSyn) synSeen++;
        checked++;
      }
      capture.close();
    }
    expect(checked).toBeGreaterThan(1000);
    expect(synSeen).toBeGreaterThan(10);
  }, 120_000);
});
