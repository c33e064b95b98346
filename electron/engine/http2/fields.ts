/** HTTP/2 fields (Wireshark packet-http2.c names), attached to the events that carried frames. */
import { addField, type Dissection } from '../dissectors/dissection.ts';
import { defineField, defineProtocol } from '../fields/registry.ts';
import { FRAME_TYPE_NAMES, type H2Frame } from './connection.ts';

export const hfHttp2 = defineProtocol('http2', 'HyperText Transfer Protocol 2');
export const hfHttp2Streamid = defineField({ name: 'http2.streamid', type: 'uint', description: 'Stream Identifier', bits: 32, multi: true });
export const hfHttp2Type = defineField({ name: 'http2.type', type: 'uint', description: 'Type', bits: 8, values: FRAME_TYPE_NAMES, multi: true });
export const hfHttp2Length = defineField({ name: 'http2.length', type: 'uint', description: 'Length', bits: 32, multi: true });
export const hfHttp2Flags = defineField({ name: 'http2.flags', type: 'uint', description: 'Flags', base: 'hex', bits: 8, multi: true });
export const hfHttp2HeaderName = defineField({ name: 'http2.header.name', type: 'string', description: 'Name', multi: true });
export const hfHttp2HeaderValue = defineField({ name: 'http2.header.value', type: 'string', description: 'Value', multi: true });
export const hfHttp2Method = defineField({ name: 'http2.headers.method', type: 'string', description: 'Method', multi: true });
export const hfHttp2Path = defineField({ name: 'http2.headers.path', type: 'string', description: 'Path', multi: true });
export const hfHttp2Authority = defineField({ name: 'http2.headers.authority', type: 'string', description: 'Authority', multi: true });
export const hfHttp2Scheme = defineField({ name: 'http2.headers.scheme', type: 'string', description: 'Scheme', multi: true });
export const hfHttp2Status = defineField({ name: 'http2.headers.status', type: 'string', description: 'Status', multi: true });
export const hfHttp2Data = defineField({ name: 'http2.data.data', type: 'bytes', description: 'Data', multi: true });

const PSEUDO: Record<string, typeof hfHttp2Method> = {
  ':method': hfHttp2Method,
  ':path': hfHttp2Path,
  ':authority': hfHttp2Authority,
  ':scheme': hfHttp2Scheme,
  ':status': hfHttp2Status,
};

/** Fields read from a frame's decoded header block (a filter naming none skips the HPACK work). */
export const HTTP2_HEADER_FIELDS = [hfHttp2HeaderName, hfHttp2HeaderValue, hfHttp2Method, hfHttp2Path, hfHttp2Authority, hfHttp2Scheme, hfHttp2Status];

/** Every field this layer adds (to skip the work when a summary dissection wants none). */
export const HTTP2_FIELDS = [hfHttp2, hfHttp2Streamid, hfHttp2Type, hfHttp2Length, hfHttp2Flags, hfHttp2HeaderName, hfHttp2HeaderValue, hfHttp2Method, hfHttp2Path, hfHttp2Authority, hfHttp2Scheme, hfHttp2Status, hfHttp2Data];

/** Add the HTTP/2 fields of the frames completed in an event. */
export function addHttp2Fields(d: Dissection, frames: readonly H2Frame[]): void {
  if (frames.length === 0) return;
  for (const f of frames) {
    const src = d.sources.length;
    if (src > 250) break;
    d.sources.push({ name: 'Decrypted HTTP/2 frame', bytes: f.payload });
    const top = addField(d, hfHttp2, 0, f.payload.length, -1, undefined, src);
    addField(d, hfHttp2Length, 0, 0, top, f.length, src);
    addField(d, hfHttp2Type, 0, 0, top, f.type, src);
    addField(d, hfHttp2Flags, 0, 0, top, f.flags, src);
    addField(d, hfHttp2Streamid, 0, 0, top, f.streamId, src);
    if (f.headers) {
      for (const h of f.headers) {
        if (h.unknown) continue;
        addField(d, hfHttp2HeaderName, 0, 0, top, h.name, src);
        addField(d, hfHttp2HeaderValue, 0, 0, top, h.value, src);
        const pf = PSEUDO[h.name];
        if (pf) addField(d, pf, 0, 0, top, h.value, src);
      }
    }
    if (f.data && f.data.length > 0) addField(d, hfHttp2Data, 0, 0, top, f.data, src);
  }
  d.protocol = 'HTTP2';
}
