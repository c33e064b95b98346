/**
 * One scap event inside an event block: header and parameter slices.
 * Layout (falcosecurity/libs scap_savefile.c next_event_from_file, ppm_events_public.h ppm_evt_hdr):
 *   u16 cpu; [u32 flags: EVF blocks]; u64 ts (ns); u64 tid; u32 len; u16 type; [u32 nparams: V2 blocks];
 *   nparams lengths (u16, u32 in V2_LARGE blocks); parameter values back to back.
 * Old (V1) blocks carry no nparams: it is the largest count, not above the schema's, whose lengths
 * add up to exactly `len` (libscap does the same).
 */
import { BT } from './blocks.ts';
import { EVENT_TABLE, PPM_EVENT_MAX } from '../../syscalls/scap-event-table.ts';

export const MAX_PARAMS = 64;

/** Decoded event header; reused (no allocation per event). */
export interface EventView {
  buf: Uint8Array;
  dv: DataView;
  /** Offset of the event header (ts) in buf. */
  hdr: number;
  cpu: number;
  tsSec: number;
  tsNsec: number;
  tid: number;
  type: number;
  nparams: number;
  /** Absolute offsets into buf and lengths of each parameter. */
  pOff: Int32Array;
  pLen: Int32Array;
  /** Problem found (event still usable up to the params that fit), '' when fine. */
  error: string;
  /** Old (V1) block: empty buffers are the legacy empty encoding, printed as '' rather than NULL. */
  legacy: boolean;
}

export function createEventView(): EventView {
  return {
    buf: new Uint8Array(0),
    dv: new DataView(new ArrayBuffer(0)),
    hdr: 0,
    cpu: 0,
    tsSec: 0,
    tsNsec: 0,
    tid: 0,
    type: 0,
    nparams: 0,
    pOff: new Int32Array(MAX_PARAMS),
    pLen: new Int32Array(MAX_PARAMS),
    error: '',
    legacy: false,
  };
}

/** u64 nanoseconds as (seconds, nanoseconds) without BigInt: split the high word in 16-bit halves. */
function setTime(v: EventView, dv: DataView, p: number): void {
  const lo = dv.getUint32(p, true);
  const hi = dv.getUint32(p + 4, true);
  const h1 = hi >>> 16;
  const h0 = hi & 0xffff;
  // 2^48 = 281474 * 1e9 + 976710656; 2^32 = 4 * 1e9 + 294967296
  const rem = h1 * 976710656 + h0 * 294967296 + lo;
  const q = Math.floor(rem / 1e9);
  v.tsSec = h1 * 281474 + h0 * 4 + q;
  v.tsNsec = rem - q * 1e9;
}

function readI64(dv: DataView, p: number): number {
  return dv.getInt32(p + 4, true) * 4294967296 + dv.getUint32(p, true);
}

/**
 * Decode the event of block `buf[start .. start+len)` (len includes header and trailer) into v.
 * Returns false when not even the header is readable.
 */
export function decodeEvent(v: EventView, blockType: number, buf: Uint8Array, dv: DataView, start: number, len: number): boolean {
  v.buf = buf;
  v.dv = dv;
  v.error = '';
  v.nparams = 0;
  const end = start + len - (len >= 12 ? 4 : 0);
  const flagsLen = blockType === BT.EVF || blockType === BT.EVF_V2 || blockType === BT.EVF_V2_LARGE ? 4 : 0;
  const v2 = blockType === BT.EV_V2 || blockType === BT.EV_V2_LARGE || blockType === BT.EVF_V2 || blockType === BT.EVF_V2_LARGE;
  const large = blockType === BT.EV_V2_LARGE || blockType === BT.EVF_V2_LARGE;
  v.legacy = !v2;
  const hdr = start + 8 + 2 + flagsLen;
  const hdrLen = v2 ? 26 : 22;
  if (hdr + hdrLen > end) {
    v.error = 'event header does not fit in the block';
    return false;
  }
  v.cpu = dv.getUint16(start + 8, true);
  v.hdr = hdr;
  setTime(v, dv, hdr);
  v.tid = readI64(dv, hdr + 8);
  let evLen = dv.getUint32(hdr + 16, true);
  const type = dv.getUint16(hdr + 20, true);
  v.type = type;
  const lenSize = large ? 4 : 2;
  const def = type < PPM_EVENT_MAX ? EVENT_TABLE[type] : undefined;
  let n: number;
  const lens = hdr + hdrLen;
  if (v2) {
    n = dv.getUint32(hdr + 22, true);
    if (n > MAX_PARAMS) {
      v.error = `parameter count ${n} is impossible`;
      return true;
    }
  } else {
    // V1: len counts the 22-byte header; find the parameter count whose lengths fill it exactly.
    if (type === 280 /* PPME_NOTIFICATION_E */ || type === 286 /* PPME_INFRASTRUCTURE_EVENT_E */) evLen -= 3;
    const evEnd = hdr + evLen;
    n = -1;
    const max = Math.min(def ? def[3].length : 0, MAX_PARAMS);
    for (let k = max; k >= 0; k--) {
      let vp = lens + k * 2;
      if (vp > evEnd || vp > end) continue;
      for (let i = 0; i < k; i++) vp += dv.getUint16(lens + i * 2, true);
      if (vp === evEnd) {
        n = k;
        break;
      }
      if (vp < evEnd) break;
    }
    if (n < 0) {
      if (!def) {
        v.error = `unknown event type ${type} in an old-format block: parameters cannot be delimited`;
        return true;
      }
      v.error = `event length ${evLen} does not match any parameter count of ${def[0]}`;
      return true;
    }
  }
  let vp = lens + n * lenSize;
  if (vp > end) {
    v.error = `parameter length table (${n} entries) runs past the block end`;
    return true;
  }
  for (let i = 0; i < n; i++) {
    const l = large ? dv.getUint32(lens + i * 4, true) : dv.getUint16(lens + i * 2, true);
    if (vp + l > end) {
      v.error = `parameter ${i + 1} (${l} bytes) runs past the block end`;
      v.nparams = i;
      return true;
    }
    v.pOff[i] = vp;
    v.pLen[i] = l;
    vp += l;
  }
  v.nparams = n;
  if (v2 && hdr + evLen !== vp && hdr + evLen <= end) {
    // Header len disagrees with the parameter lengths: keep the parameters, mention it.
    v.error = `event length ${evLen} differs from header plus parameters (${vp - hdr})`;
  }
  return true;
}

/** Signed 64-bit parameter as a JS number (exact up to 2^53). */
export function paramI64(v: EventView, i: number): number {
  const p = v.pOff[i];
  const l = v.pLen[i];
  if (l >= 8) return readI64(v.dv, p);
  if (l === 4) return v.dv.getInt32(p, true);
  if (l === 2) return v.dv.getInt16(p, true);
  if (l === 1) return v.dv.getInt8(p);
  return NaN;
}

export function paramU64(v: EventView, i: number): number {
  const p = v.pOff[i];
  const l = v.pLen[i];
  if (l >= 8) return v.dv.getUint32(p + 4, true) * 4294967296 + v.dv.getUint32(p, true);
  if (l === 4) return v.dv.getUint32(p, true);
  if (l === 2) return v.dv.getUint16(p, true);
  if (l === 1) return v.dv.getUint8(p);
  return NaN;
}

const latin = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** NUL-terminated string parameter. */
export function paramStr(v: EventView, i: number): string {
  const p = v.pOff[i];
  let e = p + v.pLen[i];
  const z = v.buf.indexOf(0, p);
  if (z >= 0 && z < e) e = z;
  return utf8.decode(v.buf.subarray(p, e));
}

export function latin1(b: Uint8Array): string {
  return latin.decode(b);
}

/** Index of the parameter named `name` in the schema of v.type, or -1. */
export function paramIndex(type: number, name: string, nparams: number): number {
  const def = EVENT_TABLE[type];
  if (!def) return -1;
  const ps = def[3];
  for (let i = 0; i < ps.length && i < nparams; i++) if (ps[i][0] === name) return i;
  return -1;
}
