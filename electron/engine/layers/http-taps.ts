/** The HTTP/1.x messages of a session as the statistics' HTTP tap reads them (stats/http-tree.ts). */
import type { HttpTapMessage } from '../stats/http-tree.ts';
import { requestSig } from './http-index.ts';
import type { HttpLayer } from './http-layer.ts';
import { httpMessageRefs } from './http-layer.ts';

/** Every message showing fields (cleartext and decrypted TLS), by the event completing it. */
export function httpTapMessages(layer: HttpLayer): HttpTapMessage[] {
  const out: HttpTapMessage[] = [];
  for (const { ix, ref, event } of httpMessageRefs(layer)) {
    const r = ref >>> 1;
    if (ref & 1) out.push({ event, method: null, status: ix.status[r] });
    else {
      const sig = requestSig(ix, r);
      out.push({ event, method: sig.method, status: 0, host: sig.host, uri: ix.strings.strings[ix.uri[r]] });
    }
  }
  return out;
}
