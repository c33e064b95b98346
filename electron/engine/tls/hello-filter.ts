/**
 * Filters on ClientHello / ServerHello handshake types (`tls.handshake.type == 1`, `… in {1 2}`):
 * a test that holds wherever the filter does, read from the streams decoded without keys
 * (capture-tls.ts helloAt): on TLS 1.3 streams each event is answered undissected, and none of
 * their encrypted records is decrypted.
 */
import type { FilterAst, Value } from '../../../shared/filter/ast.ts';
import type { Capture } from '../capture.ts';
import { helloAt } from './capture-tls.ts';
import { hfTlsHandshakeType } from './fields.ts';
import { HS_CLIENT_HELLO, HS_SERVER_HELLO } from './handshake.ts';

function isTypeField(v: Value): boolean {
  return v.v === 'field' && v.name === hfTlsHandshakeType.name;
}

function numConst(v: Value | undefined): number | undefined {
  return v?.v === 'const' && v.c.k === 'num' && typeof v.c.v === 'number' ? v.c.v : undefined;
}

/** The handshake types `ast` asks one of (any occurrence equal), or undefined for another filter. */
function helloTypes(ast: FilterAst): number[] | undefined {
  if (ast.t === 'cmp' && ast.op === 'eq' && ast.quant === 'any') {
    const n = isTypeField(ast.l) ? numConst(ast.r) : isTypeField(ast.r) ? numConst(ast.l) : undefined;
    return n === undefined ? undefined : [n];
  }
  if (ast.t === 'in' && ast.quant === 'any' && !ast.negated && isTypeField(ast.l)) {
    const out: number[] = [];
    for (const it of ast.items) {
      const lo = numConst(it.lo);
      const hi = it.hi === undefined ? lo : numConst(it.hi);
      if (lo === undefined || hi === undefined || hi - lo > 1) return undefined;
      for (let x = lo; x <= hi; x++) out.push(x);
    }
    return out;
  }
  return undefined;
}

/**
 * The answer of `ast` for an event where ClientHello / ServerHello types decide it without
 * decrypting (capture-tls.ts helloAt), else undefined (the event is dissected); null when the
 * filter asks no such type. The filter itself is answered; a side of an `and` (an `or`: both
 * sides) only rules events out.
 */
export function helloTest(c: Capture, ast: FilterAst): ((e: number) => boolean | undefined) | null {
  const types = helloTypes(ast);
  if (types && types.length > 0 && types.every((x) => x === HS_CLIENT_HELLO || x === HS_SERVER_HELLO)) return (e) => helloAt(c, e, types);
  if (ast.t !== 'and' && ast.t !== 'or') return null;
  const l = helloTest(c, ast.l);
  const r = helloTest(c, ast.r);
  const no = (t: (e: number) => boolean | undefined) => (e: number) => (t(e) === false ? false : undefined);
  if (ast.t === 'or') return l && r && ((e) => (l(e) === false && r(e) === false ? false : undefined));
  if (l && r) return (e) => (l(e) === false || r(e) === false ? false : undefined);
  const one = l ?? r;
  return one && no(one);
}
