/** Undissected bytes, as Wireshark's `data` protocol (packet-data.c), and its Decode As handle. */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { registerDissector } from './table.ts';

export const hfData = defineProtocol('data', 'Data');
export const hfDataData = defineField({ name: 'data.data', type: 'bytes', description: 'Data' });
export const hfDataLen = defineField({ name: 'data.len', type: 'uint', description: 'Length', bits: 32 });

export function dissectData(d: Dissection, off: number, end: number, parent: number, ctx: PacketContext): void {
  if (end <= off) return;
  pushLayer(ctx, 'data');
  if (d.summary) return; // the index pass records no fields
  const top = addField(d, hfData, off, end - off, parent);
  addField(d, hfDataData, off, end - off, top);
  addField(d, hfDataLen, off, 0, top, end - off);
}

/** `-d udp.port==5000,data`: show a port's payload as bytes. */
export const dataHandle = registerDissector('data', 'Data', (d, _data, off, end, _rep, parent, ctx) => {
  dissectData(d, off, end, parent, ctx);
  return true;
});
