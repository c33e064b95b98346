/**
 * The `tcp.analysis.*` fields (names, types and descriptions from Wireshark 4.0 packet-tcp.c
 * proto_register_tcp), declared once; layers/tcp-analysis.ts fills them.
 */
import { defineField, type FieldDef } from '../fields/registry.ts';

const none = (name: string, description: string): FieldDef => defineField({ name: `tcp.analysis.${name}`, type: 'none', description });

export const TA = {
  analysis: defineField({ name: 'tcp.analysis', type: 'none', description: 'SEQ/ACK analysis' }),
  flags: none('flags', 'TCP Analysis Flags'),
  acksFrame: defineField({ name: 'tcp.analysis.acks_frame', type: 'framenum', description: 'This is an ACK to the segment in frame' }),
  ackRtt: defineField({ name: 'tcp.analysis.ack_rtt', type: 'reltime', description: 'The RTT to ACK the segment was' }),
  initialRtt: defineField({ name: 'tcp.analysis.initial_rtt', type: 'reltime', description: 'iRTT' }),
  bytesInFlight: defineField({ name: 'tcp.analysis.bytes_in_flight', type: 'uint', description: 'Bytes in flight', bits: 32 }),
  pushBytesSent: defineField({ name: 'tcp.analysis.push_bytes_sent', type: 'uint', description: 'Bytes sent since last PSH flag', bits: 32 }),
  retransmission: none('retransmission', 'Retransmission'),
  fastRetransmission: none('fast_retransmission', 'Fast Retransmission'),
  spuriousRetransmission: none('spurious_retransmission', 'Spurious Retransmission'),
  outOfOrder: none('out_of_order', 'Out Of Order'),
  reusedPorts: none('reused_ports', 'TCP Port numbers reused'),
  lostSegment: none('lost_segment', 'Previous segment not captured'),
  ackLostSegment: none('ack_lost_segment', "ACKed segment that wasn't captured"),
  windowUpdate: none('window_update', 'Window update'),
  windowFull: none('window_full', 'Window full'),
  keepAlive: none('keep_alive', 'Keep Alive'),
  keepAliveAck: none('keep_alive_ack', 'Keep Alive ACK'),
  duplicateAck: none('duplicate_ack', 'Duplicate ACK'),
  duplicateAckNum: defineField({ name: 'tcp.analysis.duplicate_ack_num', type: 'uint', description: 'Duplicate ACK #', bits: 32 }),
  duplicateAckFrame: defineField({ name: 'tcp.analysis.duplicate_ack_frame', type: 'framenum', description: 'Duplicate to the ACK in frame' }),
  zeroWindow: none('zero_window', 'Zero Window'),
  zeroWindowProbe: none('zero_window_probe', 'Zero Window Probe'),
  zeroWindowProbeAck: none('zero_window_probe_ack', 'Zero Window Probe Ack'),
  rto: defineField({ name: 'tcp.analysis.rto', type: 'reltime', description: 'The RTO for this segment was' }),
  rtoFrame: defineField({ name: 'tcp.analysis.rto_frame', type: 'framenum', description: 'RTO based on delta from frame' }),
} as const;

export const TCP_ANALYSIS_FIELDS: readonly FieldDef[] = Object.values(TA);
