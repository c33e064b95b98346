/**
 * Cutting one direction of a ByteStream into length-prefixed units (TLS records, HTTP/2
 * frames): a fixed-size header that gives the body length, then the body. Units span chunks;
 * a unit wholly inside one chunk is a view (no copy); bytes the capture lost inside a body are
 * counted but not invented (`vis` = bytes actually seen, `missing` set).
 */

/** Assembly state of the unit in progress, one per direction. */
export interface UnitState {
  /** The stream is aligned on unit boundaries (false after a loss until a resync). */
  synced: boolean;
  hdr: Uint8Array;
  hdrN: number;
  body: Uint8Array | null;
  bodyN: number;
  /** Body bytes seen (≤ bodyN when some were missing). */
  vis: number;
  missing: boolean;
  /** Position of the next byte in this direction, counting lost bytes. */
  at: number;
}

export function newUnitState(headerLength: number): UnitState {
  return { synced: true, hdr: new Uint8Array(headerLength), hdrN: 0, body: null, bodyN: 0, vis: 0, missing: false, at: 0 };
}

/** Forget the unit in progress (after it was emitted, or when the stream lost alignment). */
export function resetUnit(u: UnitState): void {
  u.hdrN = 0;
  u.body = null;
  u.bodyN = 0;
  u.vis = 0;
  u.missing = false;
}

/**
 * Feed `b[i..]` into the unit in progress. `start(i)` is called where a unit's header begins,
 * `done()` when a unit is complete (the caller reads u.hdr/u.body and calls resetUnit).
 * `bodyLength(hdr)` returns the body length, or -1 when the header is not plausible: the
 * function then returns `-(position after the header) - 1` so the caller can resynchronise.
 * Otherwise it returns b.length (all consumed).
 */
export function feedUnits(
  u: UnitState,
  b: Uint8Array,
  i: number,
  bodyLength: (hdr: Uint8Array) => number,
  start: (i: number) => void,
  done: () => void,
): number {
  const hl = u.hdr.length;
  while (i < b.length) {
    if (u.body === null) {
      if (u.hdrN === 0) start(i);
      const take = Math.min(hl - u.hdrN, b.length - i);
      u.hdr.set(b.subarray(i, i + take), u.hdrN);
      u.hdrN += take;
      i += take;
      if (u.hdrN < hl) break;
      const len = bodyLength(u.hdr);
      if (len < 0) return -i - 1;
      if (i + len <= b.length) {
        u.body = b.subarray(i, i + len);
        u.bodyN = u.vis = len;
        i += len;
        done();
        continue;
      }
      u.body = new Uint8Array(len);
      u.bodyN = 0;
      u.vis = 0;
    }
    const body = u.body;
    const take = Math.min(body.length - u.bodyN, b.length - i);
    if (!u.missing) {
      body.set(b.subarray(i, i + take), u.bodyN);
      u.vis += take;
    }
    u.bodyN += take;
    i += take;
    if (u.bodyN === body.length) done();
  }
  return b.length;
}

/**
 * `n` bytes of this direction were lost. Inside a body they are counted (the unit completes as
 * damaged, `done` is called if they reach its end); in a header, or past the unit's end, the
 * stream loses alignment. Returns false when alignment was lost.
 */
export function loseBytes(u: UnitState, n: number, done: () => void): boolean {
  if (u.body === null) {
    resetUnit(u);
    u.synced = false;
    return false;
  }
  const rem = u.body.length - u.bodyN;
  u.missing = true;
  if (n < rem) {
    u.bodyN += n;
    return true;
  }
  u.bodyN = u.body.length;
  done();
  if (n > rem) {
    u.synced = false;
    return false;
  }
  return true;
}
