/**
 * A bound on the size of every RPC reply. A reply is copied (structured clone) into the window
 * or the CLI; a few hundred megabytes of it froze Chromium. An oversize result becomes an error
 * response that says what was too large (docs/limits.md).
 */
import type { ResponseMessage } from '../../../shared/rpc.ts';

const MIB = 1024 * 1024;
/** Largest reply, in (estimated) bytes of its structured clone: one body shown whole (64 MiB,
 *  content-coding.ts) plus its headers fits. */
export const MAX_REPLY_BYTES = 128 * MIB;
/** A page of rows (extract) stops growing past this, so a few huge values do not fail it. */
export const PAGE_BYTES = 32 * MIB;

/**
 * The bytes a value's structured clone takes, roughly (typed arrays by length, strings at one
 * byte a character when all are Latin-1 — V8 writes those one-byte — else two; 8 per number or
 * key overhead); stops counting once over `limit`.
 */
function stringSize(s: string, upper: boolean): number {
  return 8 + (!upper && s.length > 64 && !/[^\u0000-\u00ff]/.test(s) ? s.length : 2 * s.length);
}

/** `upper`: strings at two bytes a character, unread (a bound from above). */
export function replySize(value: unknown, limit = MAX_REPLY_BYTES, upper = false): number {
  let total = 0;
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0 && total <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += stringSize(v, upper);
    else if (typeof v !== 'object' || v === null) total += 8;
    else if (seen.has(v)) total += 8;
    else {
      seen.add(v);
      if (ArrayBuffer.isView(v)) total += 16 + v.byteLength;
      else if (v instanceof ArrayBuffer) total += 16 + v.byteLength;
      else if (Array.isArray(v)) {
        total += 16;
        for (const x of v) stack.push(x);
      } else if (v instanceof Map) {
        total += 16;
        for (const [k, x] of v) stack.push(k, x);
      } else {
        total += 16;
        // for…in, not Object.entries: no array per object (a page of 100 k HTTP rows spent
        // 1.6 s of CPU here). Own enumerable keys only, as Object.entries gives.
        const o = v as Record<string, unknown>;
        for (const k in o) {
          if (!Object.hasOwn(o, k)) continue;
          total += 8 + 2 * k.length;
          const x = o[k];
          if (typeof x === 'object' && x !== null) stack.push(x);
          else total += typeof x === 'string' ? stringSize(x, upper) : 8;
        }
      }
    }
  }
  return total;
}

/** The response for `result` of `method`, or an error response when it is over `limit`. */
export function boundedReply(id: number, method: string, result: unknown, limit = MAX_REPLY_BYTES): ResponseMessage {
  // Most replies fit even at two bytes a character: their strings need not be read for Latin-1
  // (the 100 pages of `tracelens http` on 500 k exchanges are 115 MB of text).
  const size = replySize(result, limit, true) <= limit ? 0 : replySize(result, limit);
  if (size <= limit) return { kind: 'response', id, ok: true, result };
  return {
    kind: 'response',
    id,
    ok: false,
    error: `the ${method} reply is over the ${Math.round(limit / MIB)} MiB reply limit (at least ${Math.ceil(size / MIB)} MiB): not sent; ask for less (a page, one stream) or see docs/limits.md`,
  };
}

/** httpBody bytes per reply by default, and at most (body and raw together stay under the limit). */
export const BODY_PAGE_BYTES = 16 * MIB;
export const MAX_BODY_PAGE_BYTES = 30 * MIB;

/**
 * `v` as bytes with their own ArrayBuffer: postMessage clones a view's whole buffer, and a body is
 * often a view (an HTTP/2 body of its connection's reassembled data, a page of a long body), so
 * a reply would carry the whole buffer again for each view. A view of all of its buffer is kept.
 */
export function ownBytes(v: Uint8Array): Uint8Array {
  return v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : v.slice();
}

/** The page [offset, offset + length) of a message's decoded and raw body, each page its own bytes (ownBytes). */
export function bodyPage<B extends { body: Uint8Array; raw: Uint8Array }>(b: B, offset = 0, length = BODY_PAGE_BYTES): B & { offset: number; bodySize: number; rawSize: number } {
  const n = Math.min(length, MAX_BODY_PAGE_BYTES);
  return { ...b, offset, bodySize: b.body.length, rawSize: b.raw.length, body: ownBytes(b.body.subarray(offset, offset + n)), raw: ownBytes(b.raw.subarray(offset, offset + n)) };
}

/** The methods whose result is a page of typed table columns made for that reply alone (event-table.ts, http-table.ts). */
const TABLE_PAGE_METHODS = new Set(['eventTable', 'httpTable']);

/**
 * The buffers of a table page's columns, to move with the reply instead of copying (a 1 M event
 * export clones ~110 MB of columns otherwise, ~70 CPU ms across the two threads). Only views that
 * span their whole buffer, each once; the pages allocate their arrays per call, so nothing else
 * holds them. Empty for any other method or an error reply.
 */
export function replyTransfer(method: string, reply: ResponseMessage): ArrayBuffer[] {
  if (!TABLE_PAGE_METHODS.has(method) || !reply.ok) return [];
  const page = reply.result as { columns?: readonly { nums?: Float64Array; ids?: Uint32Array }[] } | undefined;
  const out = new Set<ArrayBuffer>();
  for (const c of page?.columns ?? []) {
    for (const v of [c.nums, c.ids]) {
      if (v === undefined || v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength || !(v.buffer instanceof ArrayBuffer)) continue;
      out.add(v.buffer);
    }
  }
  return [...out];
}
