/**
 * How the TCP analysis shows: the `tcp.analysis.*` fields under a frame's TCP node, the
 * `[TCP …]` Info tags and the Expert Information entries, with Wireshark 4.0's texts
 * (packet-tcp.c tcp_print_sequence_number_analysis and its ei_tcp_* registrations).
 */
import type { ExpertSeverity } from '../../../shared/rpc.ts';
import { addField, findField, setLabel, wants, type Dissection } from '../dissectors/dissection.ts';
import { hfTcp } from '../dissectors/tcp.ts';
import type { FieldDef } from '../fields/registry.ts';
import { TA } from './tcp-analysis-fields.ts';
import { ConnEvent, TaFlag, frameAnalysis, frameAnalysisFlags, type FrameAnalysis, type TcpAnalysis } from './tcp-analysis.ts';

export interface ExpertRule {
  bit: number;
  field: FieldDef;
  severity: ExpertSeverity;
  /** Expert message (Wireshark's ei_tcp_analysis_* text). */
  message: string;
  /** Info column tag, without the duplicate-ACK numbers. */
  tag: string;
}

/**
 * In tcp_print_sequence_number_analysis order. Each tag is prepended to the Info column
 * (col_prepend_fence_fstr), so a later rule's tag shows first.
 */
export const TCP_EXPERT_RULES: readonly ExpertRule[] = [
  { bit: TaFlag.retransmission, field: TA.retransmission, severity: 'note', message: 'This frame is a (suspected) retransmission', tag: 'TCP Retransmission' },
  { bit: TaFlag.fastRetransmission, field: TA.fastRetransmission, severity: 'note', message: 'This frame is a (suspected) fast retransmission', tag: 'TCP Fast Retransmission' },
  { bit: TaFlag.spuriousRetransmission, field: TA.spuriousRetransmission, severity: 'note', message: 'This frame is a (suspected) spurious retransmission', tag: 'TCP Spurious Retransmission' },
  { bit: TaFlag.outOfOrder, field: TA.outOfOrder, severity: 'warning', message: 'This frame is a (suspected) out-of-order segment', tag: 'TCP Out-Of-Order' },
  { bit: TaFlag.reusedPorts, field: TA.reusedPorts, severity: 'note', message: 'A new tcp session is started with the same ports as an earlier session in this trace', tag: 'TCP Port numbers reused' },
  { bit: TaFlag.lostSegment, field: TA.lostSegment, severity: 'warning', message: 'Previous segment(s) not captured (common at capture start)', tag: 'TCP Previous segment not captured' },
  { bit: TaFlag.ackLostSegment, field: TA.ackLostSegment, severity: 'warning', message: "ACKed segment that wasn't captured (common at capture start)", tag: 'TCP ACKed unseen segment' },
  { bit: TaFlag.windowUpdate, field: TA.windowUpdate, severity: 'chat', message: 'TCP window update', tag: 'TCP Window Update' },
  { bit: TaFlag.windowFull, field: TA.windowFull, severity: 'warning', message: 'TCP window specified by the receiver is now completely full', tag: 'TCP Window Full' },
  { bit: TaFlag.keepAlive, field: TA.keepAlive, severity: 'note', message: 'TCP keep-alive segment', tag: 'TCP Keep-Alive' },
  { bit: TaFlag.keepAliveAck, field: TA.keepAliveAck, severity: 'note', message: 'ACK to a TCP keep-alive segment', tag: 'TCP Keep-Alive ACK' },
  { bit: TaFlag.duplicateAck, field: TA.duplicateAck, severity: 'note', message: 'Duplicate ACK', tag: 'TCP Dup ACK' },
  { bit: TaFlag.zeroWindowProbe, field: TA.zeroWindowProbe, severity: 'note', message: 'TCP Zero Window Probe', tag: 'TCP ZeroWindowProbe' },
  { bit: TaFlag.zeroWindow, field: TA.zeroWindow, severity: 'warning', message: 'TCP Zero Window segment', tag: 'TCP ZeroWindow' },
  { bit: TaFlag.zeroWindowProbeAck, field: TA.zeroWindowProbeAck, severity: 'note', message: 'ACK to a TCP Zero Window Probe', tag: 'TCP ZeroWindowProbeAck' },
];

const SEVERITY_TEXT: Record<ExpertSeverity, string> = { error: 'Error', warning: 'Warning', note: 'Note', chat: 'Chat' };

/** The expert message of a rule on a frame (the duplicate ACK carries its number). */
function expertMessage(r: ExpertRule, fa: FrameAnalysis): string {
  return r.bit === TaFlag.duplicateAck ? `Duplicate ACK (#${fa.dupAckNum})` : r.message;
}

/** The `[TCP …] ` tags tshark puts before the Info text of this frame ('' for none). */
export function tcpInfoTags(fa: FrameAnalysis | undefined): string {
  if (!fa || fa.flags === 0) return '';
  let s = '';
  for (const r of TCP_EXPERT_RULES) {
    if (!(fa.flags & r.bit)) continue;
    const tag = r.bit === TaFlag.duplicateAck ? `[${r.tag} ${fa.dupAckFrame}#${fa.dupAckNum}] ` : `[${r.tag}] `;
    s = tag + s;
  }
  return s;
}

/** tcpInfoTags of frame `ev`'s analysis, read from its flags first: most frames have no tag, and only a tagged one needs frameAnalysis's object. */
export function frameInfoTags(ta: TcpAnalysis, ev: number): string {
  return frameAnalysisFlags(ta, ev) === 0 ? '' : tcpInfoTags(frameAnalysis(ta, ev));
}

const seconds = (ns: number): number => ns / 1e9;

function relLabel(f: FieldDef, ns: number): string {
  return `${f.description}: ${seconds(ns).toFixed(9)} seconds`;
}

/** Add the SEQ/ACK analysis of frame `ev` to `d` (under its TCP node); returns the Info tags. */
export function addTcpAnalysisFields(ta: TcpAnalysis, ev: number, d: Dissection): string {
  const fa = frameAnalysis(ta, ev);
  if (!fa) return '';
  const tcp = findField(d, hfTcp);
  const top = addField(d, TA.analysis, 0, 0, tcp);
  setLabel(d, top, `[${TA.analysis.description}]`);
  if (fa.acksFrame > 0) {
    setLabel(d, addField(d, TA.acksFrame, 0, 0, top, fa.acksFrame), `[${TA.acksFrame.description}: ${fa.acksFrame}]`);
    if (fa.ackRttNs !== 0) setLabel(d, addField(d, TA.ackRtt, 0, 0, top, seconds(fa.ackRttNs)), `[${relLabel(TA.ackRtt, fa.ackRttNs)}]`);
  }
  if (fa.initialRttNs !== 0) setLabel(d, addField(d, TA.initialRtt, 0, 0, top, seconds(fa.initialRttNs)), `[${relLabel(TA.initialRtt, fa.initialRttNs)}]`);
  if (fa.bytesInFlight !== 0) setLabel(d, addField(d, TA.bytesInFlight, 0, 0, top, fa.bytesInFlight), `[${TA.bytesInFlight.description}: ${fa.bytesInFlight}]`);
  if (fa.pushBytesSent !== 0) setLabel(d, addField(d, TA.pushBytesSent, 0, 0, top, fa.pushBytesSent), `[${TA.pushBytesSent.description}: ${fa.pushBytesSent}]`);
  if (fa.flags !== 0) {
    const flags = addField(d, TA.flags, 0, 0, top);
    setLabel(d, flags, `[${TA.flags.description}]`);
    for (const r of TCP_EXPERT_RULES) {
      if (!(fa.flags & r.bit)) continue;
      const msg = expertMessage(r, fa);
      setLabel(d, addField(d, r.field, 0, 0, flags), `[Expert Info (${SEVERITY_TEXT[r.severity]}/Sequence): ${msg}]`);
      // A fast retransmission is also a retransmission (packet-tcp.c adds both items).
      if (r.bit === TaFlag.fastRetransmission && !(fa.flags & TaFlag.retransmission) && wants(d, TA.retransmission)) {
        setLabel(d, addField(d, TA.retransmission, 0, 0, flags), '[This frame is a (suspected) retransmission]');
      }
      if (r.bit === TaFlag.retransmission && fa.rtoFrame > 0 && fa.rtoNs !== 0) {
        setLabel(d, addField(d, TA.rto, 0, 0, flags, seconds(fa.rtoNs)), `[${relLabel(TA.rto, fa.rtoNs)}]`);
        setLabel(d, addField(d, TA.rtoFrame, 0, 0, flags, fa.rtoFrame), `[${TA.rtoFrame.description}: ${fa.rtoFrame}]`);
      }
    }
    if (fa.flags & TaFlag.duplicateAck) {
      setLabel(d, addField(d, TA.duplicateAckNum, 0, 0, top, fa.dupAckNum), `[${TA.duplicateAckNum.description}: ${fa.dupAckNum}]`);
      const frame = addField(d, TA.duplicateAckFrame, 0, 0, top, fa.dupAckFrame);
      setLabel(d, frame, `[${TA.duplicateAckFrame.description}: ${fa.dupAckFrame}]`);
      // The expert item hangs here, under the field name of its expert info (tshark shows the name twice).
      setLabel(d, addField(d, TA.duplicateAck, 0, 0, frame), `[Expert Info (Note/Sequence): Duplicate ACK (#${fa.dupAckNum})]`);
    }
  }
  return tcpInfoTags(fa);
}

/** One Expert Information entry of a frame. */
export interface FrameExpert { severity: ExpertSeverity; group: string; protocol: string; summary: string }

/**
 * The TCP expert entries of frame `ev`: the connection event in row `connRow` of `ta.conn`
 * (-1: none), then, when `analysis`, the frame's analysis flags.
 */
export function tcpExpertOf(ta: TcpAnalysis, ev: number, connRow: number, analysis: boolean): FrameExpert[] {
  const out: FrameExpert[] = [];
  if (connRow >= 0) {
    const kind = ta.conn.a[connRow];
    const port = ta.conn.b[connRow];
    if (kind === ConnEvent.syn) out.push({ severity: 'chat', group: 'Sequence', protocol: 'TCP', summary: `Connection establish request (SYN): server port ${port}` });
    else if (kind === ConnEvent.synAck) out.push({ severity: 'chat', group: 'Sequence', protocol: 'TCP', summary: `Connection establish acknowledge (SYN+ACK): server port ${port}` });
    else if (kind === ConnEvent.finActive) out.push({ severity: 'note', group: 'Sequence', protocol: 'TCP', summary: 'This frame initiates the connection closing' });
    else if (kind === ConnEvent.finPassive) out.push({ severity: 'note', group: 'Sequence', protocol: 'TCP', summary: 'This frame undergoes the connection closing' });
    else if (kind === ConnEvent.fin) out.push({ severity: 'chat', group: 'Sequence', protocol: 'TCP', summary: 'Connection finish (FIN)' });
    else if (kind === ConnEvent.rst) out.push({ severity: 'warning', group: 'Sequence', protocol: 'TCP', summary: 'Connection reset (RST)' });
  }
  const fa = analysis ? frameAnalysis(ta, ev) : undefined;
  if (fa) {
    for (const r of TCP_EXPERT_RULES) {
      if (fa.flags & r.bit) out.push({ severity: r.severity, group: 'Sequence', protocol: 'TCP', summary: expertMessage(r, fa) });
    }
  }
  return out;
}
