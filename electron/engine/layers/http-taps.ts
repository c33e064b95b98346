/** The HTTP/1.x messages (and timed exchanges) of a session as the HTTP statistics read them (stats/http-tree.ts). */
import type { HttpTapMessage, HttpTimedExchange } from '../stats/http-tree.ts';
import { relativeTime } from '../stats/io-stat.ts';
import { exchangeList, rowAt } from './exchange-view.ts';
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

/**
 * Every exchange with a request and a response (HTTP/1.x, decrypted or not, and HTTP/2) and its
 * duration, for http,rt: `tracelens http`'s duration, but for packets from the frames' integer
 * timestamps (first request frame to last response frame), exact where epoch seconds as a
 * double lose a fraction of a microsecond.
 */
export function httpTimedExchanges(layer: HttpLayer): HttpTimedExchange[] {
  const list = exchangeList(layer);
  const rel = layer.capture.internals().kind === 'packets' ? relativeTime(layer.capture) : undefined;
  const out: HttpTimedExchange[] = [];
  for (let k = 0; k < list.codes.length; k++) {
    const row = rowAt(list, k);
    if (row.duration === null || row.responseEnd === null || row.request === null) continue;
    let duration = row.duration;
    if (rel) {
      const a = rel(row.request);
      const b = rel(row.responseEnd);
      duration = (b.sec - a.sec) + (b.nsec - a.nsec) / 1e9;
    }
    out.push({ event: row.responseEnd, version: row.version, duration });
  }
  return out;
}
