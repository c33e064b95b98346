/** A generated cleartext HTTP/2 connection (ByteStream) with `n` request/response streams. */
import type { ByteStream, StreamChunk } from '../electron/engine/streams/byte-stream.ts';

/** HTTP/2 frame bytes (RFC 9113 §4.1). */
export function h2Frame(type: number, flags: number, id: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(9 + payload.length);
  f[0] = payload.length >> 16;
  f[1] = (payload.length >> 8) & 0xff;
  f[2] = payload.length & 0xff;
  f[3] = type;
  f[4] = flags;
  f[5] = (id >>> 24) & 0x7f;
  f[6] = (id >> 16) & 0xff;
  f[7] = (id >> 8) & 0xff;
  f[8] = id & 0xff;
  f.set(payload, 9);
  return f;
}

/** RFC 7541 §6.2.2 literal without indexing, indexed name (< 15), raw value. */
function lit(name: number, value: string): number[] {
  return [name, value.length, ...Array.from(value, (c) => c.charCodeAt(0))];
}

export function generatedH2Connection(n: number, bodyBytes = 5): ByteStream {
  const chunks: StreamChunk[] = [];
  const seq = [0, 0];
  const push = (dir: 0 | 1, bytes: Uint8Array, event: number): void => {
    chunks.push({ dir, event, time: event, bytes, seq: seq[dir] });
    seq[dir] += bytes.length;
  };
  push(0, new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 1);
  push(0, h2Frame(4, 0, 0, new Uint8Array(0)), 1);
  let ev = 2;
  const body = new Uint8Array(bodyBytes).fill(0x68);
  if (bodyBytes === 5) body.set(new TextEncoder().encode('hello'));
  for (let i = 0; i < n; i++) {
    const id = 2 * i + 1;
    // :method GET (2), :scheme https (7), :path, :authority
    push(0, h2Frame(1, 0x5, id, Uint8Array.from([0x82, 0x87, ...lit(4, `/item/${i}`), ...lit(1, 'example.com')])), ev++);
    const f1 = h2Frame(1, 0x4, id, Uint8Array.from([0x88])); // :status 200
    const f2 = h2Frame(0, 0x1, id, body);
    const both = new Uint8Array(f1.length + f2.length);
    both.set(f1);
    both.set(f2, f1.length);
    push(1, both, ev++);
  }
  return { id: 'tcp:0', kind: 'tcp', client: 'c', server: 's', chunks, notes: [] };
}
