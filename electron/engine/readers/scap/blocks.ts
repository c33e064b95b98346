/**
 * libscap savefile block framing (pcapng-like): every block is
 *   u32 block_type, u32 block_total_length, body, padding to 4 bytes, u32 block_total_length.
 * Block type numbers from falcosecurity/libs userspace/libscap/scap_savefile.h.
 *
 * The walker is a push parser: chunks of any size go in, whole blocks come out (a block that
 * spans chunks is carried over in one growable buffer, so memory is bounded by the largest
 * block). A damaged length (leading and trailing copies differ, or impossible) is reported as
 * damage and the walker resynchronises on the next block whose copies agree instead of giving
 * up or trusting it.
 */
import { isScapBlockType } from '../detect.ts';
import type { ChunkParser } from '../types.ts';

export const BT = {
  SHB: 0x0a0d0d0a,
  MI: 0x201,
  MI_INT: 0x8002abcd,
  PL_V1: 0x202,
  PL_V1_INT: 0x8000abcd,
  PL_V2: 0x207,
  PL_V2_INT: 0x8013abcd,
  PL_V3: 0x209,
  PL_V3_INT: 0x8014abcd,
  PL_V4: 0x210,
  PL_V5: 0x211,
  PL_V6: 0x212,
  PL_V7: 0x213,
  PL_V8: 0x214,
  PL_V9: 0x215,
  FDL: 0x203,
  FDL_INT: 0x8001abcd,
  FDL_V2: 0x218,
  EV: 0x204,
  EV_INT: 0x8010abcd,
  EV_V2: 0x216,
  EV_V2_LARGE: 0x221,
  EVF: 0x208,
  EVF_V2: 0x217,
  EVF_V2_LARGE: 0x222,
  IL: 0x205,
  IL_INT: 0x8011abcd,
  IL_V2: 0x219,
  UL: 0x206,
  UL_INT: 0x8012abcd,
  UL_V2: 0x220,
} as const;

/** SHB byte-order magic (scap_savefile.h SHB_MAGIC). */
export const SHB_MAGIC = 0x1a2b3c4d;

const KNOWN = new Set<number>(Object.values(BT));

export function isKnownBlockType(t: number): boolean {
  // Event blocks (all in BT) are nearly every block: tested before the Set (the old EV of sysdig
  // 0.29-era files such as 502Error was the Set lookup per block).
  return isEventBlock(t) || KNOWN.has(t);
}

/** Event blocks, with their header shape. */
export function isEventBlock(t: number): boolean {
  return t === BT.EV || t === BT.EV_INT || t === BT.EV_V2 || t === BT.EV_V2_LARGE || t === BT.EVF || t === BT.EVF_V2 || t === BT.EVF_V2_LARGE;
}

/** Largest block accepted; anything longer is treated as a corrupt length. */
const MAX_BLOCK = 256 * 1024 * 1024;

export interface BlockSink {
  /**
   * One whole block: `buf[start .. start+len)` is the block from its type field to its trailing
   * length (inclusive); `dv` views the same buffer. Valid only during the call.
   * `offset` is the block's position in the (decompressed) stream; `index` counts blocks from 0.
   */
  block(type: number, buf: Uint8Array, dv: DataView, start: number, len: number, offset: number, index: number): void;
  /** A note about intact input (an unknown block type skipped whole). */
  warning(message: string): void;
  /** Input that could not be read: bytes skipped, a block cut short, a length not trusted. */
  damage(message: string): void;
}

export interface BlockWalker extends ChunkParser {
  /** Blocks delivered so far. */
  blocks(): number;
  /** Bytes consumed so far. */
  position(): number;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** How far past a block's start its own trailer is looked for when the leading length is too short. */
const TRAILER_SEARCH = 1 << 20;

const plausibleLength = (len: number): boolean => len >= 12 && len <= MAX_BLOCK && (len & 3) === 0;

/**
 * Whether a whole block starts at `q` of buf[0..end): a known type, a plausible length and a
 * trailing copy equal to it. 'more' when the data ends before that can be told (not final).
 */
function validBlockAt(dv: DataView, q: number, end: number, final: boolean): 'yes' | 'no' | 'more' {
  if (q === end && final) return 'yes'; // the end of the data is a fine place for a block to end
  if (end - q < 8) return final ? 'no' : 'more';
  const len = dv.getUint32(q + 4, true);
  if (!isKnownBlockType(dv.getUint32(q, true)) || !plausibleLength(len)) return 'no';
  if (end - q < len) return final ? 'no' : 'more';
  return dv.getUint32(q + len - 4, true) === len ? 'yes' : 'no';
}

/**
 * Where the block at `p` really ends when its leading length cannot be trusted: the first `q`
 * before `limit` whose preceding u32 (the block's own trailer) equals q - p and where a whole
 * block starts. -1 when there is none; 'more' when the data ends before that can be told.
 */
function trailerEnd(dv: DataView, p: number, limit: number, end: number, final: boolean): number | 'more' {
  // The data present is searched first, so a nearby real end does not wait for the whole window.
  for (let q = p + 12, stop = Math.min(limit, end); q <= stop; q += 4) {
    if (dv.getUint32(q - 4, true) !== q - p) continue;
    const v = validBlockAt(dv, q, end, final);
    if (v === 'more') return 'more';
    if (v === 'yes') return q;
  }
  return limit > end && !final ? 'more' : -1;
}

/** A whole block somewhere in buf(from, end) (4-byte steps, as blocks are 32-bit aligned). */
function blockAhead(dv: DataView, from: number, end: number): boolean {
  for (let q = from; q + 12 <= end; q += 4) if (validBlockAt(dv, q, end, true) === 'yes') return true;
  return false;
}

export function createBlockWalker(sink: BlockSink): BlockWalker {
  let carry = new Uint8Array(0);
  let carryLen = 0;
  let pos = 0; // stream offset of the first unconsumed byte
  let index = 0;
  let resyncing = false;
  let resyncStart = 0;

  const startResync = (at: number, why: string): void => {
    if (resyncing) return;
    resyncing = true;
    resyncStart = at;
    sink.damage(`block ${index + 1} at byte ${at}: ${why}; searching for the next block`);
  };

  /**
   * Try to parse blocks in buf[0..end); returns bytes consumed. A block is trusted when its
   * leading and trailing lengths agree (the trailer is pcapng's and libscap's check of the
   * framing, scap_savefile.h block_header/block_trailer); when they differ and no whole block
   * follows, the leading length is the damaged one and the walker scans forward, 4 bytes at a
   * time, for the next block whose trailer matches its header.
   */
  function walk(buf: Uint8Array, end: number, final: boolean): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = 0;
    while (end - p >= 8) {
      const type = dv.getUint32(p, true);
      const len = dv.getUint32(p + 4, true);
      const known = isKnownBlockType(type);
      // A type in libscap's ranges that this reader does not know (a newer block) may be skipped
      // whole; anything else is not a block header.
      if (known && !resyncing && !plausibleLength(len)) {
        // An impossible leading length: the block's own trailer may still say where it ends.
        const real = trailerEnd(dv, p, p + TRAILER_SEARCH, end, final);
        if (real === 'more') break;
        if (real > 0) {
          sink.damage(`block ${index + 1} at byte ${pos + p}: type ${hex(type)} has an impossible length ${len}; its trailer gives ${real - p}, the block is kept`);
          sink.block(type, buf, dv, p, real - p, pos + p, index++);
          p = real;
          continue;
        }
      }
      if (!plausibleLength(len) || (!known && (resyncing || !isScapBlockType(type)))) {
        startResync(pos + p, known ? `type ${hex(type)} has an impossible length ${len}` : `unknown block type ${hex(type)} (length ${len})`);
        p += 4;
        continue;
      }
      if (end - p < len) {
        if (!final) break;
        if (resyncing) {
          p += 4;
          continue;
        }
        // Runs past the end of the data: a cut-short file, or a damaged length with blocks after it.
        const real = known ? trailerEnd(dv, p, end, end, true) : -1;
        if (typeof real === 'number' && real > 0) {
          sink.damage(`block ${index + 1} at byte ${pos + p}: type ${hex(type)} claims ${len} bytes, past the end of the data; its trailer gives ${real - p}, the block is kept`);
          sink.block(type, buf, dv, p, real - p, pos + p, index++);
          p = real;
          continue;
        }
        if (blockAhead(dv, p + 4, end)) {
          startResync(pos + p, `type ${hex(type)} claims ${len} bytes, past the end of the data, but whole blocks follow`);
          p += 4;
          continue;
        }
        sink.damage(`block ${index + 1} at byte ${pos + p}: type ${hex(type)} is truncated (${end - p} of ${len} bytes present)`);
        // Still hand over what is there so the readable part of the last event is shown.
        if (known) sink.block(type, buf, dv, p, end - p, pos + p, index++);
        p = end;
        break;
      }
      const trailer = dv.getUint32(p + len - 4, true);
      if (trailer !== len) {
        if (resyncing) {
          p += 4;
          continue;
        }
        // Which copy is wrong? The leading one when the block's own trailer turns up earlier with
        // a whole block after it; the trailing one when a whole block (or the end) follows.
        const real = known ? trailerEnd(dv, p, p + Math.max(len - 4, TRAILER_SEARCH), end, final) : -1;
        if (real === 'more') break;
        if (real > 0) {
          sink.damage(`block ${index + 1} at byte ${pos + p}: leading length ${len} disagrees with the block's trailer, which gives ${real - p}; the block is kept`);
          sink.block(type, buf, dv, p, real - p, pos + p, index++);
          p = real;
          continue;
        }
        const next = known ? validBlockAt(dv, p + len, end, final) : 'no';
        if (next === 'more') break;
        if (next === 'no') {
          startResync(pos + p, `trailing length ${trailer} differs from leading length ${len} and no block follows, so the length is not trusted`);
          p += 4;
          continue;
        }
        sink.damage(`block ${index + 1} at byte ${pos + p}: trailing length ${trailer} differs from leading length ${len}; the block is kept, as the next one starts where it says`);
      }
      if (!known) {
        if (resyncing) {
          p += 4;
          continue;
        }
        sink.warning(`block ${index + 1} at byte ${pos + p}: unknown block type ${hex(type)} (${len} bytes) skipped`);
        index++;
        p += len;
        continue;
      }
      if (resyncing) {
        resyncing = false;
        sink.damage(`resynchronised at byte ${pos + p} after skipping ${pos + p - resyncStart} bytes`);
      }
      sink.block(type, buf, dv, p, len, pos + p, index++);
      p += len;
    }
    if (final && p < end) {
      if (!resyncing) sink.damage(`${end - p} stray bytes at the end of the data, at byte ${pos + p}`);
      else sink.damage(`no further block found after byte ${resyncStart}; ${pos + end - resyncStart} bytes skipped`);
      p = end;
    } else if (final && resyncing) {
      sink.damage(`no further block found after byte ${resyncStart}; ${pos + end - resyncStart} bytes skipped`);
    }
    return p;
  }

  function append(chunk: Uint8Array, from: number): void {
    const need = carryLen + chunk.length - from;
    if (need > carry.length) {
      const n = new Uint8Array(Math.max(need, carry.length * 2, 65536));
      n.set(carry.subarray(0, carryLen));
      carry = n;
    }
    carry.set(chunk.subarray(from), carryLen);
    carryLen = need;
  }

  return {
    push(chunk) {
      if (carryLen > 0) {
        // Complete the carried block first: only copy as much as that block needs.
        if (carryLen < 8) {
          const take = Math.min(8 - carryLen, chunk.length);
          append(chunk.subarray(0, take), 0);
          chunk = chunk.subarray(take);
          if (carryLen < 8) return;
        }
        const cdv = new DataView(carry.buffer, carry.byteOffset, carry.byteLength);
        const len = cdv.getUint32(4, true);
        const ctype = cdv.getUint32(0, true);
        const want = plausibleLength(len) && (isKnownBlockType(ctype) || isScapBlockType(ctype)) ? len : 8;
        if (carryLen < want) {
          const take = Math.min(want - carryLen, chunk.length);
          append(chunk.subarray(0, take), 0);
          chunk = chunk.subarray(take);
          if (carryLen < want) return;
        }
        const used = walk(carry, carryLen, false);
        pos += used;
        carry.copyWithin(0, used, carryLen);
        carryLen -= used;
        if (carryLen > 0) {
          // Could not finish (resync inside carry): merge the rest and walk again.
          append(chunk, 0);
          const u2 = walk(carry, carryLen, false);
          pos += u2;
          carry.copyWithin(0, u2, carryLen);
          carryLen -= u2;
          return;
        }
      }
      const used = walk(chunk, chunk.length, false);
      pos += used;
      if (used < chunk.length) append(chunk, used);
    },
    end() {
      if (carryLen > 0) {
        const used = walk(carry, carryLen, true);
        pos += used;
        carryLen = 0;
      }
    },
    blocks: () => index,
    position: () => pos,
  };
}
