/**
 * libscap savefile block framing (pcapng-like): every block is
 *   u32 block_type, u32 block_total_length, body, padding to 4 bytes, u32 block_total_length.
 * Block type numbers from falcosecurity/libs userspace/libscap/scap_savefile.h.
 *
 * The walker is a push parser: chunks of any size go in, whole blocks come out (a block that
 * spans chunks is carried over in one growable buffer, so memory is bounded by the largest
 * block). A damaged length is reported and the walker resynchronises on the next plausible
 * block header instead of giving up.
 */
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
  return t === BT.EV_V2 || t === BT.EVF_V2 || KNOWN.has(t);
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
  warning(message: string): void;
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

export function createBlockWalker(sink: BlockSink): BlockWalker {
  let carry = new Uint8Array(0);
  let carryLen = 0;
  let pos = 0; // stream offset of the first unconsumed byte
  let index = 0;
  let resyncing = false;
  let resyncStart = 0;

  /** Try to parse blocks in buf[0..end); returns bytes consumed. */
  function walk(buf: Uint8Array, end: number, final: boolean): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = 0;
    while (end - p >= 8) {
      const type = dv.getUint32(p, true);
      const len = dv.getUint32(p + 4, true);
      const plausible = isKnownBlockType(type) && len >= 12 && len <= MAX_BLOCK && (len & 3) === 0;
      if (!plausible) {
        if (!resyncing) {
          resyncing = true;
          resyncStart = pos + p;
          sink.warning(
            isKnownBlockType(type)
              ? `block ${index + 1} at byte ${pos + p}: type ${hex(type)} has an impossible length ${len}; searching for the next block`
              : `block ${index + 1} at byte ${pos + p}: unknown block type ${hex(type)} (length ${len}); searching for the next block`,
          );
        }
        p += 4;
        continue;
      }
      if (end - p < len) {
        if (!final) break;
        // A plausible header whose block runs past the end of the data.
        if (resyncing) {
          p += 4;
          continue;
        }
        sink.warning(`block ${index + 1} at byte ${pos + p}: type ${hex(type)} is truncated (${end - p} of ${len} bytes present)`);
        const tail = end - p;
        // Still hand over what is there so the readable part of the last event is shown.
        sink.block(type, buf, dv, p, tail, pos + p, index++);
        p = end;
        break;
      }
      const trailer = dv.getUint32(p + len - 4, true);
      if (trailer !== len) {
        if (resyncing) {
          p += 4;
          continue;
        }
        sink.warning(`block ${index + 1} at byte ${pos + p}: trailing length ${trailer} differs from leading length ${len}`);
      }
      if (resyncing) {
        resyncing = false;
        sink.warning(`resynchronised at byte ${pos + p} after skipping ${pos + p - resyncStart} bytes`);
      }
      sink.block(type, buf, dv, p, len, pos + p, index++);
      p += len;
    }
    if (final && p < end) {
      if (!resyncing) sink.warning(`${end - p} stray bytes at the end of the data, at byte ${pos + p}`);
      else sink.warning(`no further block found after byte ${resyncStart}; ${pos + end - resyncStart} bytes skipped`);
      p = end;
    } else if (final && resyncing) {
      sink.warning(`no further block found after byte ${resyncStart}; ${pos + end - resyncStart} bytes skipped`);
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
        const want = isKnownBlockType(cdv.getUint32(0, true)) && len >= 12 && len <= MAX_BLOCK ? len : 8;
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
