/**
 * Classic libpcap push parser.
 *
 * Format: draft-ietf-opsawg-pcap (File Header §4, Packet Record §5) and libpcap
 * `pcap/pcap.h` / `pcap-common.c`. The 24-byte file header gives byte order (from the magic),
 * timestamp resolution (µs or ns magic), snap length and link type; each record is a 16-byte
 * header (ts_sec, ts_frac, incl_len, orig_len) followed by incl_len bytes.
 *
 * Hot path: records that lie wholly inside a chunk are delivered straight from the chunk (one
 * reused PacketRecord pointing into the chunk: `buf` + `offset`, no view allocated); only a
 * record split across chunks is copied into the carry buffer.
 */
import { appendCarry, createCarry } from './carry.ts';
import { FormatError, newPacketRecord, type ChunkParser, type PacketSink } from './types.ts';

/** Magic numbers as read in the writer's byte order (pcap spec §4; libpcap pcap-common.c). */
export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
/** Alexey Kuznetzov's "modified" libpcap (Wireshark wiretap/libpcap.h PCAP_MODIFIED_MAGIC). */
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
/** Modified-pcap record header: standard 16 + ifindex(4) + protocol(2) + pkt_type(1) + pad(1). */
const MODIFIED_RECORD_HEADER_LEN = 24;
/** Link type is the low 16 bits; bits 16–25 reserved, bit 26 and 28–31 carry the FCS length (pcap spec §4 "LinkType and additional information"). */
const LINKTYPE_MASK = 0xffff;
/** Beyond this a length is certainly garbage, whatever the snaplen says. */
export const PCAP_MAX_CAPLEN = 256 * 1024 * 1024;
/** Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: records up to this size are accepted even when the header's snaplen is smaller (many writers put a wrong snaplen there). */
const STANDARD_MAX_PACKET = 262144;

export interface PcapHeader {
  littleEndian: boolean;
  nanoseconds: boolean;
  modified: boolean;
  versionMajor: number;
  versionMinor: number;
  snapLen: number;
  /** Link type with the FCS/reserved bits stripped. */
  linkType: number;
  /** Length of the FCS at the end of each packet in bytes, if the header says (bit 26 set). */
  fcsBytes: number | undefined;
}

/** Parse the 24-byte pcap file header; undefined when the magic is not a pcap magic. */
export function parsePcapHeader(b: Uint8Array): PcapHeader | undefined {
  if (b.length < FILE_HEADER_LEN) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, FILE_HEADER_LEN);
  let littleEndian = true;
  let magic = dv.getUint32(0, true);
  if (magic !== PCAP_MAGIC_USEC && magic !== PCAP_MAGIC_NSEC && magic !== PCAP_MAGIC_MODIFIED) {
    littleEndian = false;
    magic = dv.getUint32(0, false);
    if (magic !== PCAP_MAGIC_USEC && magic !== PCAP_MAGIC_NSEC && magic !== PCAP_MAGIC_MODIFIED) return undefined;
  }
  const rawLink = dv.getUint32(20, littleEndian);
  // Bit 26 says bits 28–31 hold the FCS length in 16-bit words.
  const fcsBytes = rawLink & 0x04000000 ? ((rawLink >>> 28) & 0xf) * 2 : undefined;
  return {
    littleEndian,
    nanoseconds: magic === PCAP_MAGIC_NSEC,
    modified: magic === PCAP_MAGIC_MODIFIED,
    versionMajor: dv.getUint16(4, littleEndian),
    versionMinor: dv.getUint16(6, littleEndian),
    snapLen: dv.getUint32(16, littleEndian),
    linkType: rawLink & LINKTYPE_MASK,
    fcsBytes,
  };
}

export function createPcapParser(sink: PacketSink): ChunkParser {
  let header: PcapHeader | undefined;
  let le = true;
  let nsec = false;
  let hdrLen = RECORD_HEADER_LEN;
  let maxCapLen = PCAP_MAX_CAPLEN;
  /** Stream offset of the first byte of the next chunk. */
  let base = 0;
  /** Records seen so far (1-based numbering in messages). */
  let recordNo = 0;
  /** Set after a record with an impossible length: the rest of the stream is not parseable. */
  let stoppedAt = -1;
  let ended = false;

  // Carry buffer: bytes of a unit that started in an earlier chunk.
  const cy = createCarry(256);

  const rec = newPacketRecord();


  function takeHeader(b: Uint8Array): void {
    const h = parsePcapHeader(b);
    if (!h) {
      const hex = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
      throw new FormatError(`not a pcap file: magic ${hex} at byte 0`, 0);
    }
    header = h;
    le = h.littleEndian;
    nsec = h.nanoseconds;
    hdrLen = h.modified ? MODIFIED_RECORD_HEADER_LEN : RECORD_HEADER_LEN;
    // A snaplen of 0 or one above the standard maximum is common and harmless; only lengths
    // above both the snaplen and the standard maximum are treated as corruption.
    maxCapLen = Math.min(PCAP_MAX_CAPLEN, Math.max(h.snapLen, STANDARD_MAX_PACKET));
    if (h.versionMajor !== 2) sink.warning(`pcap file header at byte 0: unusual version ${h.versionMajor}.${h.versionMinor}`, false);
    sink.interface?.({ id: 0, linkType: h.linkType, snapLen: h.snapLen, tsUnitsPerSec: nsec ? 1e9 : 1e6, tsOffsetSec: 0, implicit: true });
    rec.linkType = h.linkType;
  }

  function badFraction(at: number, sec: number, frac: number, perSec: number): number {
    sink.warning(`record ${recordNo} at byte ${at}: fractional second ${frac} is out of range (< ${perSec}); carried into the seconds`);
    return sec + Math.floor(frac / perSec);
  }

  /** Deliver the record whose header starts at buf[p]; `at` = its stream offset. */
  function emit(buf: Uint8Array, dv: DataView, p: number, at: number, capLen: number, present: number, malformed: string | undefined): void {
    let sec = dv.getUint32(p, le);
    let frac = dv.getUint32(p + 4, le);
    const orig = dv.getUint32(p + 12, le);
    // Out-of-range fractions occur in damaged files; carry them into the seconds rather than
    // producing a tsNsec ≥ 1e9 (tshark keeps the raw value and flags "Fractional second invalid").
    if (nsec) {
      if (frac >= 1e9) {
        sec = badFraction(at, sec, frac, 1e9);
        frac %= 1e9;
      }
    } else {
      if (frac >= 1e6) {
        sec = badFraction(at, sec, frac, 1e6);
        frac %= 1e6;
      }
      frac *= 1000;
    }
    const start = p + hdrLen;
    rec.dataOffset = at + hdrLen;
    rec.capLen = present;
    rec.origLen = orig < capLen ? capLen : orig;
    rec.tsSec = sec;
    rec.tsNsec = frac;
    rec.buf = buf;
    rec.offset = start;
    rec.malformed = malformed;
    sink.packet(rec);
  }

  /** A record header with an impossible length: report it and stop (there is no reliable way to find the next record boundary). */
  function badLength(dv: DataView, p: number, at: number, capLen: number): void {
    recordNo++;
    const snap = header ? header.snapLen : 0;
    const msg = `record ${recordNo} at byte ${at}: captured length ${capLen} is impossible (snaplen ${snap}, limit ${maxCapLen}); the rest of the file is not read`;
    rec.dataOffset = at + hdrLen;
    rec.capLen = 0;
    rec.origLen = 0;
    rec.tsSec = dv.getUint32(p, le);
    rec.tsNsec = 0;
    rec.buf = cy.buf;
    rec.offset = 0;
    rec.malformed = msg;
    sink.packet(rec);
    stoppedAt = at;
  }

  function push(chunk: Uint8Array): void {
    if (ended || chunk.length === 0) {
      base += chunk.length;
      return;
    }
    if (stoppedAt >= 0) {
      base += chunk.length;
      return;
    }
    const end = chunk.length;
    let pos = 0;

    // 1. Finish the file header or a record carried over from earlier chunks.
    if (!header) {
      const take = Math.min(FILE_HEADER_LEN - cy.len, end);
      appendCarry(cy, chunk, 0, take);
      pos = take;
      if (cy.len < FILE_HEADER_LEN) {
        base += end;
        return;
      }
      takeHeader(cy.buf.subarray(0, FILE_HEADER_LEN));
      cy.len = 0;
    }
    if (cy.len > 0) {
      if (cy.len < hdrLen) {
        const take = Math.min(hdrLen - cy.len, end - pos);
        appendCarry(cy, chunk, pos, take);
        pos += take;
        if (cy.len < hdrLen) {
          base += end;
          return;
        }
      }
      const capLen = cy.view.getUint32(8, le);
      if (capLen > maxCapLen) {
        badLength(cy.view, 0, cy.start, capLen);
        cy.len = 0;
        base += end;
        return;
      }
      const need = hdrLen + capLen;
      const take = Math.min(need - cy.len, end - pos);
      appendCarry(cy, chunk, pos, take);
      pos += take;
      if (cy.len < need) {
        base += end;
        return;
      }
      recordNo++;
      emit(cy.buf, cy.view, 0, cy.start, capLen, capLen, undefined);
      cy.len = 0;
    }

    // 2. Records wholly inside this chunk, straight from the chunk.
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (end - pos >= hdrLen) {
      const capLen = dv.getUint32(pos + 8, le);
      if (capLen > maxCapLen) {
        badLength(dv, pos, base + pos, capLen);
        base += end;
        return;
      }
      if (end - pos - hdrLen < capLen) break;
      recordNo++;
      emit(chunk, dv, pos, base + pos, capLen, capLen, undefined);
      pos += hdrLen + capLen;
    }

    // 3. Keep the start of a split record.
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
      if (base > stoppedAt) sink.warning(`pcap: ${base - stoppedAt} bytes from byte ${stoppedAt} to the end were skipped after record ${recordNo}`);
      return;
    }
    if (!header) {
      if (cy.len > 0) sink.warning(`pcap file header truncated: ${cy.len} of ${FILE_HEADER_LEN} bytes present`);
      return;
    }
    if (cy.len === 0) return;
    const no = recordNo + 1;
    if (cy.len < hdrLen) {
      sink.warning(`record ${no} at byte ${cy.start}: truncated record header, ${cy.len} of ${hdrLen} bytes present`);
      cy.len = 0;
      return;
    }
    recordNo = no;
    const capLen = cy.view.getUint32(8, le);
    const present = cy.len - hdrLen;
    emit(cy.buf, cy.view, 0, cy.start, capLen, present, `record ${no} at byte ${cy.start}: truncated, ${present} of ${capLen} bytes present`);
    cy.len = 0;
  }

  return { push, end: finish };
}
