/** export-objects names: an over-long URI segment, and many exchanges of one URI. */
import { httpExchange, type Turn } from './pcap.ts';

const enc = new TextEncoder();

/** A request for `/` + `len` letters + `.txt`, then `/ok-k.txt` for k < `after`. */
export function longNameExchanges(len: number, after: number): Turn[] {
  const turns = httpExchange(`/${'n'.repeat(len)}.txt`, enc.encode('long\n'), '');
  for (let k = 0; k < after; k++) turns.push(...httpExchange(`/ok-${k}.txt`, enc.encode(`ok ${k}\n`), ''));
  return turns;
}

/** `n` exchanges of the same URI on one connection. */
export function sameUriExchanges(n: number, uri = '/same.json'): Turn[] {
  const body = enc.encode('{}');
  const one = httpExchange(uri, body, '');
  const out: Turn[] = [];
  for (let k = 0; k < n; k++) out.push(...one);
  return out;
}
