/**
 * pcapng push parser.
 *
 * Format: draft-ietf-opsawg-pcapng (IETF, "PCAP Now Generic (pcapng) Capture File Format").
 * Every block is: type (4), total length (4), body, total length again (4); lengths are multiples
 * of 4. A Section Header Block's byte-order magic sets the byte order of its section; interface
 * ids in packet blocks are per section, here mapped to ids that are global across the file.
 *
 * Hot path: blocks that lie wholly inside a chunk are parsed in place (one reused PacketRecord,
 * `data` a subarray view); only a block split across chunks is copied into the carry buffer.
 */
import { appendCarry, createCarry } from './carry.ts';
import { formatIpv6 } from '../fields/format.ts';
import { CUSTOM_BLOCK_INTERFACE, FormatError, LINKTYPE_CUSTOM_BLOCK, newPacketRecord, type ChunkParser, type FileProcess, type InterfaceInfo, type PacketProcess, type PacketSink } from './types.ts';

/** Block types (pcapng draft §11.1 "Block Type Codes"). */
export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002; // obsolete Packet Block (draft Appendix A)
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_SYSTEMD_JOURNAL = 0x00000009;
export const BT_DSB = 0x0000000a;
export const BT_CB = 0x00000bad; // Custom Block, may be copied
export const BT_DCB = 0x40000bad; // Custom Block, do not copy
/**
 * Apple's Darwin Process Information Block (macOS tcpdump -k / pktap): body = process id (u32),
 * then options. Wireshark wiretap/pcapng_module.h BLOCK_TYPE_LEGACY_DPIB (0x80000001); options
 * from wiretap/pcapng-darwin-custom.c (OPT_DPIB_NAME 2, OPT_DPIB_UUID 4). The blocks of a
 * section are numbered from 0 in file order; packet blocks refer to them by that number.
 */
export const BT_DARWIN_PIB = 0x80000001;
/** Byte-order magic in the SHB (draft §4.1). */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes (draft §3.5 generic, §4.1 SHB, §4.2 IDB, §4.3 EPB). */
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const EPB_FLAGS = 2; // also pack_flags of the obsolete PB
/**
 * Darwin EPB options (Wireshark wiretap/pcapng-darwin-custom.c, OPT_PKT_DARWIN_PIB_ID and
 * OPT_PKT_DARWIN_EFFECTIVE_PIB_ID): u32 indexes of the section's process information blocks.
 * (0x8002 service class and 0x8004 flags are not read.)
 */
const EPB_DARWIN_PIB_ID = 0x8001;
const EPB_DARWIN_EFFECTIVE_PIB_ID = 0x8003;
const DPIB_NAME = 2;
/** NRB record types (draft §4.5). */
const NRB_END = 0;
const NRB_IPV4 = 1;
const NRB_IPV6 = 2;

/** Blocks above this are treated as corruption (Wireshark caps at 16 MiB; allow big jumbo/USB captures). */
export const PCAPNG_MAX_BLOCK = 256 * 1024 * 1024;
const MIN_BLOCK = 12;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const TWO32 = 4294967296;

export function blockTypeName(type: number): string {
  switch (type) {
    case BT_SHB: return 'SHB';
    case BT_IDB: return 'IDB';
    case BT_PB: return 'PB';
    case BT_SPB: return 'SPB';
    case BT_NRB: return 'NRB';
    case BT_ISB: return 'ISB';
    case BT_EPB: return 'EPB';
    case BT_SYSTEMD_JOURNAL: return 'systemd journal export block';
    case BT_DSB: return 'DSB';
    case BT_CB: return 'custom block';
    case BT_DCB: return 'custom block (do not copy)';
    case BT_DARWIN_PIB: return 'Darwin process information block';
    default: return 'unknown block';
  }
}

function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0').toUpperCase();
}


/**
 * Timestamp units per second from an if_tsresol byte (draft §4.2): top bit clear → 10^-v,
 * set → 2^-(v & 0x7f). Returns undefined for resolutions no reader can represent.
 */
export function tsresolUnits(v: number): number | undefined {
  if (v & 0x80) {
    const p = v & 0x7f;
    return p <= 63 ? 2 ** p : undefined;
  }
  return v <= 19 ? 10 ** v : undefined;
}

export interface PcapngParserOptions {
  /** Called for every block header seen (for diagnostics and tests). */
  onBlock?(type: number, offset: number, length: number): void;
}

export function createPcapngParser(sink: PacketSink, options: PcapngParserOptions = {}): ChunkParser {
  const onBlock = options.onBlock;
  /** Byte order of the current section. */
  let le = true;
  let sectionIndex = -1;
  /** Global interface id of each interface of the current section. */
  let sectionIfaces: number[] = [];
  /** The Darwin process information blocks of the current section, by index. */
  let sectionPibs: (FileProcess | undefined)[] = [];
  /** Missing process information indexes already reported in this section. */
  let pibWarned = new Set<number>();
  /** Packets delivered so far (the frame number of the next one, less one). */
  let packetCount = 0;
  // Per global interface: link type, snaplen, units per second, ns per unit (0 if not integral), offset.
  const ifLink: number[] = [];
  const ifSnap: number[] = [];
  const ifUnits: number[] = [];
  const ifNsPerUnit: number[] = [];
  const ifOffset: number[] = [];

  let base = 0;
  let blockNo = 0;
  let stoppedAt = -1;
  let ended = false;
  let sawFirst = false;

  // Carry buffer: bytes of a block that started in an earlier chunk.
  const cy = createCarry(1024);

  const rec = newPacketRecord();


  // Timestamp conversion results (module-level outputs avoid an object per packet).
  let outSec = 0;
  let outNsec = 0;

  /** Split a 64-bit unit count (high, low) into seconds and nanoseconds, exactly. */
  function convertTs(high: number, low: number, iface: number): void {
    const units = ifUnits[iface];
    let sec: number;
    let rem: number;
    if (units < 2 ** 36) {
      // Long division in 16-bit limbs keeps every intermediate below 2^53.
      const q1 = Math.floor(high / units);
      let r = high - q1 * units;
      let t = r * 65536 + (low >>> 16);
      const q2 = Math.floor(t / units);
      r = t - q2 * units;
      t = r * 65536 + (low & 0xffff);
      const q3 = Math.floor(t / units);
      rem = t - q3 * units;
      sec = q1 * TWO32 + q2 * 65536 + q3;
      const npu = ifNsPerUnit[iface];
      if (npu !== 0) outNsec = rem * npu;
      else if (rem * 1e9 <= Number.MAX_SAFE_INTEGER) outNsec = Math.floor((rem * 1e9) / units);
      else outNsec = Number((BigInt(rem) * 1000000000n) / BigInt(units));
    } else {
      const v = (BigInt(high) << 32n) | BigInt(low);
      const u = BigInt(units);
      sec = Number(v / u);
      outNsec = Number(((v % u) * 1000000000n) / u);
    }
    outSec = sec + ifOffset[iface];
  }

  // ---- options -------------------------------------------------------------------------------

  // Per-block option results, reset before each options walk.
  let optComments: string[] | undefined;
  let optFlags: number | undefined;
  let optPib: number | undefined;
  let optEffectivePib: number | undefined;
  let optName: string | undefined;
  let optDescr: string | undefined;
  let optHardware: string | undefined;
  let optOs: string | undefined;
  let optAppl: string | undefined;
  let optTsresol: number | undefined;
  let optTsoffset: number | undefined;

  function str(buf: Uint8Array, off: number, len: number): string {
    // Strings are UTF-8, not NUL-terminated, but some writers add a NUL anyway.
    let e = off + len;
    while (e > off && buf[e - 1] === 0) e--;
    return utf8.decode(buf.subarray(off, e));
  }

  /** Walk the options in [start, end) of a block of `type`; returns a problem description or undefined. */
  function readOptions(buf: Uint8Array, dv: DataView, start: number, end: number, type: number): string | undefined {
    optComments = undefined;
    optFlags = undefined;
    optPib = optEffectivePib = undefined;
    optName = optDescr = optHardware = optOs = optAppl = undefined;
    optTsresol = optTsoffset = undefined;
    let p = start;
    while (end - p >= 4) {
      const code = dv.getUint16(p, le);
      const len = dv.getUint16(p + 2, le);
      if (code === OPT_ENDOFOPT) return undefined;
      const v = p + 4;
      if (len > end - v) return `option ${code} at byte offset +${p - start} has length ${len}, beyond the block`;
      if (code === OPT_COMMENT) (optComments ??= []).push(str(buf, v, len));
      else if (type === BT_EPB || type === BT_PB) {
        if (code === EPB_FLAGS && len >= 4) optFlags = dv.getUint32(v, le);
        else if (code === EPB_DARWIN_PIB_ID && len >= 4) optPib = dv.getUint32(v, le);
        else if (code === EPB_DARWIN_EFFECTIVE_PIB_ID && len >= 4) optEffectivePib = dv.getUint32(v, le);
      } else if (type === BT_DARWIN_PIB) {
        if (code === DPIB_NAME) optName = str(buf, v, len);
      } else if (type === BT_IDB) {
        if (code === IF_NAME) optName = str(buf, v, len);
        else if (code === IF_DESCRIPTION) optDescr = str(buf, v, len);
        else if (code === IF_TSRESOL && len >= 1) optTsresol = buf[v];
        else if (code === IF_TSOFFSET && len >= 8) {
          // Signed 64-bit seconds; the high word carries the sign.
          const hi = dv.getInt32(le ? v + 4 : v, le);
          const lo = dv.getUint32(le ? v : v + 4, le);
          optTsoffset = hi * TWO32 + lo;
        }
      } else if (type === BT_SHB) {
        if (code === SHB_HARDWARE) optHardware = str(buf, v, len);
        else if (code === SHB_OS) optOs = str(buf, v, len);
        else if (code === SHB_USERAPPL) optAppl = str(buf, v, len);
      }
      p = v + ((len + 3) & ~3);
    }
    return undefined;
  }

  // ---- blocks --------------------------------------------------------------------------------

  function where(type: number, at: number): string {
    return `block ${blockNo} (${blockTypeName(type)}, type ${hex32(type)}) at byte ${at}`;
  }

  function packet(buf: Uint8Array, dataStart: number, at: number, capLen: number, origLen: number, iface: number, malformed: string | undefined): void {
    rec.dataOffset = at + dataStart;
    rec.capLen = capLen;
    rec.origLen = origLen < capLen ? capLen : origLen;
    rec.tsSec = outSec;
    rec.tsNsec = outNsec;
    rec.interfaceId = iface;
    rec.linkType = iface >= 0 ? ifLink[iface] : -1;
    rec.malformed = malformed;
    packetCount++;
    sink.packet(rec);
  }

  /**
   * The section's process information block `index` for packet block `type` at `at`, or
   * undefined after a note naming the packet when the section has no such block (the packet
   * itself is intact, so this is not damage).
   */
  function pibAt(index: number | undefined, what: string, type: number, at: number): FileProcess | undefined {
    if (index === undefined) return undefined;
    const pib = sectionPibs[index];
    if (pib === undefined && !pibWarned.has(index)) {
      // Once per missing index and section: a file full of such packets gives one line each.
      pibWarned.add(index);
      sink.warning(`${where(type, at)} (frame ${packetCount + 1}): ${what} index ${index} names no readable process information block (section ${sectionIndex} has ${sectionPibs.length} before it); later packets with this index are not reported`, false);
    }
    return pib;
  }

  /**
   * Parse one complete block at buf[p .. p+len); `at` is its stream offset. `present` < len only
   * for a truncated block at the end of the input.
   */
  function block(buf: Uint8Array, dv: DataView, p: number, at: number, len: number, present: number): void {
    const type = dv.getUint32(p, le);
    const truncated = present < len;
    let problem: string | undefined;
    if (truncated) problem = `${where(type, at)}: truncated, ${present} of ${len} bytes present`;
    else {
      const trailer = dv.getUint32(p + len - 4, le);
      if (trailer !== len) problem = `${where(type, at)}: trailing length ${trailer} does not match leading length ${len}`;
    }
    // Body and options end: before the trailer, or at the end of what is present.
    const bodyEnd = truncated ? p + present : p + len - 4;
    const b = p + 8;

    switch (type) {
      case BT_EPB:
      case BT_PB: {
        const isEpb = type === BT_EPB;
        if (bodyEnd - b < 20) {
          sink.warning(problem ?? `${where(type, at)}: body of ${bodyEnd - b} bytes is too short for a packet block`);
          return;
        }
        const localIf = isEpb ? dv.getUint32(b, le) : dv.getUint16(b, le);
        const capLen = dv.getUint32(b + 12, le);
        const origLen = dv.getUint32(b + 16, le);
        const dataStart = b + 20;
        let avail = bodyEnd - dataStart;
        let cap = capLen;
        if (cap > avail) {
          problem ??= `${where(type, at)}: captured length ${capLen} exceeds the ${avail} bytes in the block`;
          if (truncated) problem = `${where(type, at)}: truncated, ${avail} of ${capLen} packet bytes present`;
          cap = avail;
        }
        avail = dataStart + ((cap + 3) & ~3);
        let comments: string[] | undefined;
        let flags: number | undefined;
        let proc: PacketProcess | undefined;
        if (!truncated && avail < bodyEnd) {
          const bad = readOptions(buf, dv, avail, bodyEnd, type);
          if (bad) problem ??= `${where(type, at)}: ${bad}`;
          comments = optComments;
          flags = optFlags;
          if (optPib !== undefined || optEffectivePib !== undefined) {
            const process = pibAt(optPib, 'process info', type, at);
            const effective = pibAt(optEffectivePib, 'effective process info', type, at);
            if (process || effective) {
              proc = {};
              if (process) proc.process = process;
              if (effective) proc.effective = effective;
            }
          }
        }
        const iface = localIf < sectionIfaces.length ? sectionIfaces[localIf] : -1;
        if (iface < 0) {
          problem ??= `${where(type, at)}: interface ${localIf} not defined in section ${sectionIndex}`;
          outSec = 0;
          outNsec = 0;
        } else convertTs(dv.getUint32(b + 4, le), dv.getUint32(b + 8, le), iface);
        rec.comments = comments;
        rec.epbFlags = flags;
        rec.process = proc;
        rec.hasTime = true;
        rec.buf = buf;
        rec.offset = dataStart;
        packet(buf, dataStart - p, at, cap, origLen, iface, problem);
        return;
      }
      case BT_SPB: {
        if (bodyEnd - b < 4) {
          sink.warning(problem ?? `${where(type, at)}: body of ${bodyEnd - b} bytes is too short for a simple packet block`);
          return;
        }
        const origLen = dv.getUint32(b, le);
        const dataStart = b + 4;
        const iface = sectionIfaces.length > 0 ? sectionIfaces[0] : -1;
        // The captured length is implied: the original length, cut to the snaplen (draft §4.4).
        let cap = origLen;
        if (iface >= 0 && ifSnap[iface] !== 0 && cap > ifSnap[iface]) cap = ifSnap[iface];
        const avail = bodyEnd - dataStart;
        if (cap > avail) {
          if (truncated) problem = `${where(type, at)}: truncated, ${avail} of ${cap} packet bytes present`;
          else problem ??= `${where(type, at)}: packet length ${cap} exceeds the ${avail} bytes in the block`;
          cap = avail;
        }
        if (iface < 0) problem ??= `${where(type, at)}: no interface defined in section ${sectionIndex}`;
        // No timestamp in an SPB.
        outSec = 0;
        outNsec = 0;
        rec.hasTime = false;
        rec.comments = undefined;
        rec.epbFlags = undefined;
        rec.process = undefined;
        rec.buf = buf;
        rec.offset = dataStart;
        packet(buf, dataStart - p, at, cap, origLen, iface, problem);
        return;
      }
    }

    // Other blocks are only interpreted when complete.
    if (truncated) {
      sink.warning(problem ?? where(type, at));
      return;
    }
    if (problem) sink.warning(problem);

    switch (type) {
      case BT_SHB:
        section(buf, dv, p, at, bodyEnd);
        return;
      case BT_IDB: {
        if (bodyEnd - b < 8) {
          sink.warning(`${where(type, at)}: body too short for an interface description`);
          return;
        }
        const linkType = dv.getUint16(b, le);
        const snapLen = dv.getUint32(b + 4, le);
        const bad = readOptions(buf, dv, b + 8, bodyEnd, type);
        if (bad) sink.warning(`${where(type, at)}: ${bad}`);
        let units = 1e6;
        if (optTsresol !== undefined) {
          const u = tsresolUnits(optTsresol);
          if (u === undefined) sink.warning(`${where(type, at)}: unsupported if_tsresol ${optTsresol}, using microseconds`, false);
          else units = u;
        }
        const id = ifLink.length;
        ifLink.push(linkType);
        ifSnap.push(snapLen);
        ifUnits.push(units);
        ifNsPerUnit.push(units <= 1e9 && 1e9 % units === 0 ? 1e9 / units : 0);
        ifOffset.push(optTsoffset ?? 0);
        sectionIfaces.push(id);
        const info: InterfaceInfo = { id, linkType, snapLen, tsUnitsPerSec: units, tsOffsetSec: optTsoffset ?? 0 };
        if (optName !== undefined) info.name = optName;
        if (optDescr !== undefined) info.description = optDescr;
        sink.interface?.(info);
        return;
      }
      case BT_NRB:
        names(buf, dv, b, bodyEnd, at);
        return;
      case BT_DSB: {
        if (bodyEnd - b < 8) {
          sink.warning(`${where(type, at)}: body too short for decryption secrets`);
          return;
        }
        const secretsType = dv.getUint32(b, le);
        const secretsLen = dv.getUint32(b + 4, le);
        if (secretsLen > bodyEnd - b - 8) {
          sink.warning(`${where(type, at)}: secrets length ${secretsLen} exceeds the block`);
          return;
        }
        // A copy: the chunk is reused after push() returns and secrets are kept.
        sink.secrets?.(secretsType, buf.slice(b + 8, b + 8 + secretsLen));
        return;
      }
      case BT_ISB:
        // Interface statistics: not needed for the event index.
        return;
      case BT_CB:
      case BT_DCB: {
        // Wireshark lists custom blocks as frames (data after the PEN), so frame numbers agree.
        if (bodyEnd - b < 4) {
          sink.warning(`${where(type, at)}: body too short for a custom block`);
          return;
        }
        sink.warning(`${where(type, at)}: custom block of enterprise ${dv.getUint32(b, le)} shown as raw data`, false);
        outSec = 0;
        outNsec = 0;
        rec.hasTime = false;
        rec.comments = undefined;
        rec.epbFlags = undefined;
        rec.process = undefined;
        rec.buf = buf;
        rec.offset = b + 4;
        rec.dataOffset = at + 12;
        rec.capLen = rec.origLen = bodyEnd - b - 4;
        rec.tsSec = rec.tsNsec = 0;
        rec.interfaceId = CUSTOM_BLOCK_INTERFACE;
        rec.linkType = LINKTYPE_CUSTOM_BLOCK;
        rec.malformed = undefined;
        packetCount++;
        sink.packet(rec);
        return;
      }
      case BT_DARWIN_PIB: {
        if (bodyEnd - b < 4) {
          sink.warning(`${where(type, at)}: body too short for a process information block`);
          // Still numbered: later packets' indexes count it.
          sectionPibs.push(undefined);
          return;
        }
        const pid = dv.getUint32(b, le);
        const bad = readOptions(buf, dv, b + 4, bodyEnd, type);
        if (bad) sink.warning(`${where(type, at)}: ${bad}`);
        sectionPibs.push({ pid, name: optName ?? '' });
        return;
      }
      default:
        sink.warning(`${where(type, at)}: skipped, ${len} bytes`, false);
    }
  }

  function section(buf: Uint8Array, dv: DataView, p: number, at: number, bodyEnd: number): void {
    sectionIndex++;
    sectionIfaces = [];
    sectionPibs = [];
    pibWarned = new Set();
    const b = p + 8;
    const major = dv.getUint16(b + 4, le);
    const minor = dv.getUint16(b + 6, le);
    if (major !== 1) sink.warning(`${where(BT_SHB, at)}: unsupported version ${major}.${minor}`, false);
    const bad = bodyEnd - b >= 16 ? readOptions(buf, dv, b + 16, bodyEnd, BT_SHB) : readOptions(buf, dv, 0, 0, BT_SHB);
    if (bad) sink.warning(`${where(BT_SHB, at)}: ${bad}`);
    const info: { index: number; littleEndian: boolean; comments: string[]; hardware?: string; os?: string; application?: string } = {
      index: sectionIndex,
      littleEndian: le,
      comments: optComments ?? [],
    };
    if (optHardware !== undefined) info.hardware = optHardware;
    if (optOs !== undefined) info.os = optOs;
    if (optAppl !== undefined) info.application = optAppl;
    sink.section?.(info);
  }

  function names(buf: Uint8Array, dv: DataView, start: number, end: number, at: number): void {
    let p = start;
    while (end - p >= 4) {
      const type = dv.getUint16(p, le);
      const len = dv.getUint16(p + 2, le);
      const v = p + 4;
      if (type === NRB_END) return; // options follow; nothing we need there
      if (len > end - v) {
        sink.warning(`${where(BT_NRB, at)}: record at byte ${at + (p - (start - 8))} has length ${len}, beyond the block`);
        return;
      }
      const addrLen = type === NRB_IPV4 ? 4 : type === NRB_IPV6 ? 16 : 0;
      if (addrLen > 0 && len > addrLen) {
        const addr = addrLen === 4 ? `${buf[v]}.${buf[v + 1]}.${buf[v + 2]}.${buf[v + 3]}` : formatIpv6(buf.subarray(v, v + 16));
        const list: string[] = [];
        let s = v + addrLen;
        const e = v + len;
        while (s < e) {
          let z = s;
          while (z < e && buf[z] !== 0) z++;
          if (z > s) list.push(utf8.decode(buf.subarray(s, z)));
          s = z + 1;
        }
        if (list.length > 0) sink.name?.(addr, list);
      }
      p = v + ((len + 3) & ~3);
    }
  }

  // ---- framing -------------------------------------------------------------------------------

  /**
   * Read the block header at buf[p] (≥ 12 bytes present); returns the total length, or -1 after
   * reporting a header that cannot be framed (the parser then stops).
   */
  function header(dv: DataView, p: number, at: number): number {
    const typeLE = dv.getUint32(p, true);
    if (typeLE === BT_SHB) {
      const bom = dv.getUint32(p + 8, true);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else {
        if (!sawFirst) throw new FormatError(`not a pcapng file: bad byte-order magic ${hex32(bom)} at byte ${at + 8}`, at + 8);
        blockNo++;
        sink.warning(`block ${blockNo} (SHB) at byte ${at}: bad byte-order magic ${hex32(bom)}; the rest of the file is not read`);
        stoppedAt = at;
        return -1;
      }
    } else if (!sawFirst) {
      throw new FormatError(`not a pcapng file: first block type ${hex32(typeLE)} is not a Section Header Block`, at);
    }
    sawFirst = true;
    const type = dv.getUint32(p, le);
    const len = dv.getUint32(p + 4, le);
    let bad: string | undefined;
    if (len < MIN_BLOCK) bad = `block length ${len} is below the minimum of ${MIN_BLOCK}`;
    else if (len % 4 !== 0) bad = `block length ${len} is not a multiple of 4`;
    else if (len > PCAPNG_MAX_BLOCK) bad = `block length ${len} exceeds the limit of ${PCAPNG_MAX_BLOCK}`;
    else if (type === BT_SHB && len < 28) bad = `section header length ${len} is below the minimum of 28`;
    if (bad) {
      blockNo++;
      sink.warning(`${where(type, at)}: ${bad}; the rest of the file is not read`);
      stoppedAt = at;
      return -1;
    }
    return len;
  }

  function push(chunk: Uint8Array): void {
    const end = chunk.length;
    if (ended || stoppedAt >= 0 || end === 0) {
      base += end;
      return;
    }
    let pos = 0;

    if (cy.len > 0) {
      if (cy.len < MIN_BLOCK) {
        const take = Math.min(MIN_BLOCK - cy.len, end);
        appendCarry(cy, chunk, 0, take);
        pos = take;
        if (cy.len < MIN_BLOCK) {
          base += end;
          return;
        }
      }
      const len = header(cy.view, 0, cy.start);
      if (len < 0) {
        cy.len = 0;
        base += end;
        return;
      }
      const take = Math.min(len - cy.len, end - pos);
      appendCarry(cy, chunk, pos, take);
      pos += take;
      if (cy.len < len) {
        // Header parsed but block incomplete: undo the SHB byte-order side effect is not
        // needed (it is re-read identically next time).
        base += end;
        return;
      }
      blockNo++;
      onBlock?.(cy.view.getUint32(0, le), cy.start, len);
      block(cy.buf, cy.view, 0, cy.start, len, len);
      cy.len = 0;
    }

    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (end - pos >= MIN_BLOCK) {
      const len = header(dv, pos, base + pos);
      if (len < 0) {
        base += end;
        return;
      }
      if (end - pos < len) break;
      blockNo++;
      onBlock?.(dv.getUint32(pos, le), base + pos, len);
      block(chunk, dv, pos, base + pos, len, len);
      pos += len;
    }
    if (pos < end) {
      cy.start = base + pos;
      appendCarry(cy, chunk, pos, end - pos);
    }
    base += end;
  }

  function finish(): void {
    if (ended) return;
    ended = true;
    if (stoppedAt >= 0) {
      if (base > stoppedAt) sink.warning(`pcapng: ${base - stoppedAt} bytes from byte ${stoppedAt} to the end were skipped`);
      return;
    }
    if (cy.len === 0) return;
    if (cy.len < MIN_BLOCK) {
      sink.warning(`block ${blockNo + 1} at byte ${cy.start}: truncated block header, ${cy.len} of ${MIN_BLOCK} bytes present`);
      cy.len = 0;
      return;
    }
    const len = header(cy.view, 0, cy.start);
    if (len < 0) {
      cy.len = 0;
      return;
    }
    blockNo++;
    onBlock?.(cy.view.getUint32(0, le), cy.start, len);
    block(cy.buf, cy.view, 0, cy.start, len, cy.len);
    cy.len = 0;
  }

  return { push, end: finish };
}
