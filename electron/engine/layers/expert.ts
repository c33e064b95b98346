/**
 * Expert Information of a whole capture, grouped as tshark -z expert groups it: one entry per
 * (severity, group, protocol, summary) with its count and frames. Sources: the TCP analysis and
 * connection events (tcp-analysis-view.ts) and every event a dissector marked malformed
 * (Error/Malformed, as Wireshark's "Malformed Packet" entries).
 */
import { EXPERT_FRAMES, EXPERT_SEVERITIES, type ExpertEntry, type ExpertResult, type ExpertSeverity } from '../../../shared/rpc.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { fieldStrings } from '../dissectors/values.ts';
import { allFields } from '../fields/registry.ts';
import { HF } from '../http/http-fields.ts';
import type { CaptureSession } from './session.ts';
import { analyseTo } from './tcp-analysis.ts';
import { tcpExpertOf, type FrameExpert } from './tcp-analysis-view.ts';

export interface ExpertOptions {
  signal?: AbortSignal;
  /** Yield to the event loop after this many ms of work (default 20). */
  sliceMs?: number;
}

/** The protocol a malformed message names ("TCP: header truncated …" → TCP), else the frame's. */
function malformedProtocol(message: string, fallback: string): string {
  const m = /^([A-Za-z0-9][A-Za-z0-9./-]{0,15}):\s/.exec(message);
  return m ? m[1] : fallback;
}

/**
 * HTTP/1.x request and status lines, tshark's Chat entries for HTTP (packet-http.c ei_http_chat:
 * the line as shown, its CR LF written as the two-character escapes).
 */
function httpChats(d: Dissection): string[] {
  const out: string[] = [];
  const methods = fieldStrings(d, HF.method);
  const uris = fieldStrings(d, HF.uri);
  const reqVersions = fieldStrings(d, HF.reqVersion);
  for (let i = 0; i < methods.length; i++) out.push(`${methods[i]} ${uris[i] ?? ''} ${reqVersions[i] ?? ''}\\r\\n`);
  const versions = fieldStrings(d, HF.respVersion);
  const codes = fieldStrings(d, HF.code);
  const phrases = fieldStrings(d, HF.phrase);
  for (let i = 0; i < versions.length; i++) out.push(`${versions[i]} ${codes[i] ?? ''} ${phrases[i] ?? ''}\\r\\n`);
  return out;
}

export async function collectExpert(s: CaptureSession, opts: ExpertOptions = {}): Promise<ExpertResult> {
  const t0 = performance.now();
  const c = s.base;
  const n = c.count();
  const entries = new Map<string, ExpertEntry>();
  const add = (ev: number, e: FrameExpert): void => {
    const key = `${e.severity}\u0000${e.group}\u0000${e.protocol}\u0000${e.summary}`;
    let x = entries.get(key);
    if (!x) {
      x = { ...e, count: 0, frames: [] };
      entries.set(key, x);
    }
    x.count++;
    if (x.frames.length < EXPERT_FRAMES) x.frames.push(ev);
  };
  // Only the malformed notes are wanted: record no field (dissectors still check everything).
  const d = createDissection();
  d.keep = new Uint8Array(allFields().length + 1);
  // With the HTTP scan done, the session's capture adds the HTTP fields the chats need.
  const withHttp = s.http.plain !== undefined;
  if (withHttp) for (const f of [HF.method, HF.uri, HF.reqVersion, HF.respVersion, HF.code, HF.phrase]) d.keep[f.id] = 1;
  const dissect = withHttp ? s.capture : c;
  const ta = s.tcpAnalysis;
  if (ta) analyseTo(ta, n);
  const conn = ta?.conn;
  let row = 0;
  const slice = opts.sliceMs ?? 20;
  let sliceStart = performance.now();
  let ev = 1;
  for (; ev <= n; ev++) {
    if (ta && conn) {
      while (row < conn.n && conn.frames[row] < ev) row++;
      const first = row;
      for (; row < conn.n && conn.frames[row] === ev; row++) {
        for (const e of tcpExpertOf(ta, ev, row, row === first)) add(ev, e);
      }
      if (first === row) for (const e of tcpExpertOf(ta, ev, -1, true)) add(ev, e);
    }
    d.malformed = undefined;
    dissect.dissect(ev, d, { info: false });
    if (withHttp) for (const line of httpChats(d)) add(ev, { severity: 'chat', group: 'Sequence', protocol: 'HTTP', summary: line });
    if (d.malformed !== undefined) add(ev, { severity: 'error', group: 'Malformed', protocol: malformedProtocol(d.malformed, d.protocol || 'Frame'), summary: d.malformed });
    if (performance.now() - sliceStart > slice) {
      await new Promise<void>((r) => setImmediate(r));
      if (opts.signal?.aborted) break;
      sliceStart = performance.now();
    }
  }
  // Most severe first; within a severity in order of first appearance, as tshark (the map keeps insertion order).
  const rank = (x: ExpertSeverity): number => EXPERT_SEVERITIES.indexOf(x);
  const list = [...entries.values()].sort((a, b) => rank(a.severity) - rank(b.severity));
  return { entries: list, events: ev - 1, ms: performance.now() - t0 };
}
