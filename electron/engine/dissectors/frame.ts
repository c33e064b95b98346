/** The `frame` pseudo-protocol: capture metadata of one packet (Wireshark packet-frame.c names). */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, wants, type Dissection } from './dissection.ts';
import type { PacketProcess } from '../readers/types.ts';

export const hfFrame = defineProtocol('frame', 'Frame');
export const hfFrameNumber = defineField({ name: 'frame.number', type: 'uint', description: 'Frame Number', bits: 32 });
export const hfFrameLen = defineField({ name: 'frame.len', type: 'uint', description: 'Frame Length', bits: 32 });
export const hfFrameCapLen = defineField({ name: 'frame.cap_len', type: 'uint', description: 'Capture Length', bits: 32 });
/** Arrival time printed in local time (ABSOLUTE_TIME_LOCAL); filters compare it with date literals. */
export const hfFrameTime = defineField({ name: 'frame.time', type: 'time', description: 'Arrival Time', time: 'local' });
export const hfFrameTimeEpoch = defineField({ name: 'frame.time_epoch', type: 'time', description: 'Epoch Time' });
export const hfFrameInterfaceId = defineField({ name: 'frame.interface_id', type: 'uint', description: 'Interface id', bits: 32 });
export const hfFrameComment = defineField({ name: 'frame.comment', type: 'string', description: 'Comment', multi: true });
export const hfFrameProtocols = defineField({ name: 'frame.protocols', type: 'string', description: 'Protocols in frame' });
/**
 * The file an event of a capture set came from (sets/: several files opened as one). Tracelens'
 * own: Wireshark 4.0 has no such field (only frame.file_off); syscall events of a set carry it too.
 */
export const hfFrameFile = defineField({ name: 'frame.file', type: 'string', description: 'File of the capture set' });
export const hfFrameEncapType = defineField({ name: 'frame.encap_type', type: 'int', description: 'Encapsulation type', bits: 16 });

export interface FrameMeta {
  number: number;
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  interfaceId: number;
  /** The file names no interface (pcap): frame.interface_id is absent, as in tshark. */
  noInterface?: boolean;
  comments?: string[];
  /** The processes the file names for the packet (Apple pcapng PIBs): the Process node. */
  process?: PacketProcess;
  malformed?: string;
  /** False when the record carries no timestamp (pcapng SPB): frame.time_epoch is then absent. */
  hasTime?: boolean;
}

/**
 * LINKTYPE_* (tcpdump.org/linktypes.html) → Wireshark's WTAP_ENCAP_* number (wiretap/wtap.h,
 * 4.0), which frame.encap_type shows. Checked against tshark 4.0.17 on corpus captures for 0,
 * 1, 101, 113 and 228; a link type not listed has no frame.encap_type rather than a wrong one.
 */
const WTAP_ENCAP: ReadonlyMap<number, number> = new Map([
  [0, 15], // NULL
  [1, 1], // ETHERNET
  [12, 7], // RAW (BSD numbering): WTAP_ENCAP_RAW_IP
  [14, 7], // RAW (OpenBSD numbering)
  [101, 7], // RAW: WTAP_ENCAP_RAW_IP
  [113, 25], // LINUX_SLL: WTAP_ENCAP_SLL
  [228, 129], // IPV4: WTAP_ENCAP_RAW_IP4
  [229, 130], // IPV6: WTAP_ENCAP_RAW_IP6
]);

/** Add the frame node (the frame's bytes are source 0 [start, end)) and its generated fields; returns the frame entry. */
export function dissectFrame(d: Dissection, meta: FrameMeta, start: number, end: number): number {
  const top = addField(d, hfFrame, start, end - start, -1);
  // The index keeps these in its own columns: nothing to record in the index pass.
  if (d.summary) return top;
  if (meta.noInterface !== true) addField(d, hfFrameInterfaceId, 0, 0, top, meta.interfaceId);
  if (meta.comments) for (const c of meta.comments) addField(d, hfFrameComment, 0, 0, top, c);
  const encap = WTAP_ENCAP.get(meta.linkType);
  if (encap !== undefined) addField(d, hfFrameEncapType, 0, 0, top, encap);
  if (meta.hasTime !== false && (wants(d, hfFrameTime) || wants(d, hfFrameTimeEpoch))) {
    const ns = BigInt(meta.tsSec) * 1_000_000_000n + BigInt(meta.tsNsec);
    addField(d, hfFrameTime, 0, 0, top, ns);
    addField(d, hfFrameTimeEpoch, 0, 0, top, ns);
  }
  addField(d, hfFrameNumber, 0, 0, top, meta.number);
  addField(d, hfFrameLen, 0, 0, top, meta.origLen);
  addField(d, hfFrameCapLen, 0, 0, top, meta.capLen);
  return top;
}
