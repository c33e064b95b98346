/**
 * What capture readers produce. Readers are push parsers: the opener feeds them the
 * (decompressed) bytes of the file in chunks of any size, in order, and they call their sink
 * once per record. Memory is constant per record: a record that spans chunks is carried over,
 * nothing else is kept. Offsets are positions in the decompressed byte stream (JS numbers, so
 * files above 4 GB work), which is where the bytes are re-read from later.
 */
export interface ChunkParser {
  /** Feed the next bytes. The chunk may be reused by the caller after the call returns. */
  push(chunk: Uint8Array): void;
  /** End of input: report a truncated trailing record (as a malformed event), if any. */
  end(): void;
}

/** One packet, valid only during the sink callback (the object and its bytes are reused). */
export interface PacketRecord {
  /** Offset of the first packet byte in the decompressed stream. */
  dataOffset: number;
  /** Bytes present in the capture (≤ origLen). `data.length === capLen`. */
  capLen: number;
  origLen: number;
  /** Timestamp: whole seconds since the epoch and nanoseconds within the second. */
  tsSec: number;
  tsNsec: number;
  /** False for records that carry no timestamp (pcapng Simple Packet Blocks). */
  hasTime: boolean;
  linkType: number;
  /** pcapng interface id (global across sections, in order of appearance); 0 for pcap. */
  interfaceId: number;
  /**
   * The packet bytes are buf[offset, offset + capLen): the reader's chunk (or carry buffer),
   * so delivering a record allocates nothing. Hot consumers (the index pass) read these.
   */
  buf: Uint8Array;
  offset: number;
  /** The packet bytes as their own view (a new subarray of `buf` at each read). */
  readonly data: Uint8Array;
  /** pcapng `opt_comment`s of this packet, if any. */
  comments: string[] | undefined;
  /** pcapng EPB flags word (direction etc.), if present. */
  epbFlags: number | undefined;
  /** The process the file names for this packet (Apple pcapng process information blocks). */
  process: PacketProcess | undefined;
  /** Set when the record is damaged; the readable part is still in `data`. */
  malformed: string | undefined;
}

/** A process as a capture file records it (an Apple pcapng Process Information Block). */
export interface FileProcess {
  pid: number;
  /** Empty when the block has no name option (Darwin fills it best-effort). */
  name: string;
}

/** The processes an Apple pcapng packet block points at: the one that sent or received it, and the one it acted for. */
export interface PacketProcess {
  process?: FileProcess;
  effective?: FileProcess;
}

/**
 * Link type given to pcapng Custom Blocks, which Wireshark lists as frames of their own
 * (REC_TYPE_CUSTOM_BLOCK): not a LINKTYPE_ value (those are ≥ 0), so no dissector claims it.
 */
export const LINKTYPE_CUSTOM_BLOCK = -2;
/** Interface id used for custom blocks (they belong to no interface). */
export const CUSTOM_BLOCK_INTERFACE = 0xfffe;

const EMPTY = new Uint8Array(0);

/**
 * `data` lives on a shared prototype: an object literal with a getter of its own is made in
 * dictionary mode, and then every read and write of a record field in the index pass was a
 * hash lookup through a generic inline cache (~10 % of its CPU on ka-1m).
 */
const RECORD_PROTO = {
  get data(): Uint8Array {
    const r = this as unknown as PacketRecord;
    return r.buf.subarray(r.offset, r.offset + r.capLen);
  },
};

/** A record object for a parser to reuse for every packet (no allocation per packet). */
export function newPacketRecord(): PacketRecord {
  const fields: Omit<PacketRecord, 'data'> = {
    dataOffset: 0,
    capLen: 0,
    origLen: 0,
    tsSec: 0,
    tsNsec: 0,
    hasTime: true,
    linkType: 0,
    interfaceId: 0,
    buf: EMPTY,
    offset: 0,
    comments: undefined,
    epbFlags: undefined,
    process: undefined,
    malformed: undefined,
  };
  return Object.setPrototypeOf(fields, RECORD_PROTO) as PacketRecord;
}

export interface InterfaceInfo {
  id: number;
  linkType: number;
  snapLen: number;
  name?: string;
  description?: string;
  /** Timestamp units per second (from if_tsresol; 1e6 default). */
  tsUnitsPerSec: number;
  tsOffsetSec: number;
  /** A pcap file's one interface, described by no block of its own: Wireshark then shows no frame.interface_id. */
  implicit?: boolean;
}

export interface PacketSink {
  packet(rec: PacketRecord): void;
  /**
   * A problem; the text names the block/record number and byte offset. `damage` is false for
   * notes about intact input (an unknown block type skipped, a custom block shown as data);
   * anything else means part of the file could not be read (the CLI then exits 2).
   */
  warning(message: string, damage?: boolean): void;
  interface?(info: InterfaceInfo): void;
  /** pcapng Name Resolution Block entries. */
  name?(address: string, names: string[]): void;
  /** pcapng Decryption Secrets Block (secretsType 0x544c534b = TLS key log). */
  secrets?(secretsType: number, data: Uint8Array): void;
  /** pcapng section header: byte order and per-section comments. */
  section?(info: { index: number; littleEndian: boolean; comments: string[]; hardware?: string; os?: string; application?: string }): void;
}

/** Thrown by a parser only when the very first bytes are not its format at all. */
export class FormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'FormatError';
  }
}
