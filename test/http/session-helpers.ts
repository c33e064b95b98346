import type { Capture } from '../../electron/engine/capture.ts';
import type { HttpExchange } from '../../electron/engine/http/exchange.ts';
import { exchangeRefs, httpMessageRefs, materialize } from '../../electron/engine/layers/http-layer.ts';
import { openSession, scanHttpNow, type CaptureSession } from '../../electron/engine/layers/session.ts';

/** A session over `c` with its HTTP scan done. */
export function scannedSession(c: Capture): CaptureSession {
  const s = openSession(c);
  scanHttpNow(s);
  return s;
}

/** Every exchange of the session as objects, heads re-parsed from the index (bodies with 'keep'). */
export function sessionExchanges(s: CaptureSession, bodies: 'head' | 'keep' = 'head'): HttpExchange[] {
  const layer = scanHttpNow(s);
  return exchangeRefs(layer).map((e) => materialize(layer, e, bodies));
}

/** Events where some HTTP message shows its fields. */
export function messageEvents(s: CaptureSession): number[] {
  return [...new Set([...httpMessageRefs(scanHttpNow(s))].map((m) => m.event))];
}
