/**
 * The caller's side of the RPC contract: typed `call` over any Port, plus pushed events.
 * Used by the renderer (over an Electron MessagePort or a WebSocket), the CLI and tests
 * (over a worker_threads port).
 */
import type { EngineEvent, MethodName, Params, Port, RequestMessage, ResponseMessage, Result } from './rpc.ts';

export interface EngineClient {
  call<M extends MethodName>(method: M, params: Params<M>, transfer?: ArrayBuffer[]): Promise<Result<M>>;
  onEvent(handler: (event: EngineEvent) => void): () => void;
  close(): void;
}

function isResponse(m: unknown): m is ResponseMessage {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'response';
}

function isEvent(m: unknown): m is EngineEvent {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'event';
}

export function createEngineClient(port: Port): EngineClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(e: EngineEvent) => void>();
  port.onMessage((m) => {
    if (isResponse(m)) {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'engine error'));
    } else if (isEvent(m)) {
      for (const l of listeners) l(m);
    }
  });
  return {
    call(method, params, transfer) {
      const id = nextId++;
      const msg: RequestMessage = { kind: 'request', id, method, params };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        port.postMessage(msg, transfer);
      });
    },
    onEvent(handler) {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    close() {
      for (const p of pending.values()) p.reject(new Error('engine connection closed'));
      pending.clear();
      port.close();
    },
  };
}
