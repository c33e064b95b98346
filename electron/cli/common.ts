/**
 * What every CLI command does with the engine worker: open and index a capture, add key logs,
 * write output with back-pressure. Used by run.ts (list, info) and streams-cli.ts (follow, http,
 * export-objects), so neither imports the other.
 */
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import type { CaptureInfo } from '../../shared/rpc.ts';

/** `text` to `out`, waiting while its buffer is full; bytes (a page of `-e` lines) as they are. */
export async function write(out: Writable, text: string | Uint8Array): Promise<void> {
  if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
}

/** Open FILE and wait until it is fully indexed (`httpHeads`: see the open method). */
export async function openAndIndex(client: EngineClient, file: string, more: string[] = [], httpHeads = false): Promise<CaptureInfo> {
  let resolveDone: (i: CaptureInfo) => void = () => {};
  const done = new Promise<CaptureInfo>((r) => (resolveDone = r));
  const off = client.onEvent((e) => {
    if (e.type === 'progress' && e.info.done) resolveDone(e.info);
  });
  const first = await client.call('open', { path: file, ...(more.length > 0 ? { more } : {}), ...(httpHeads ? { httpHeads } : {}) });
  const info = first.done ? first : await done;
  off();
  return client.call('info', null).then((latest) => (latest.done ? latest : info));
}

/** Add `--keylog` files to the open capture; malformed lines are reported, unreadable files fail. */
export async function addKeylogs(client: EngineClient, paths: readonly string[], err: Writable, psks: readonly string[] = []): Promise<boolean> {
  for (const psk of psks) {
    const r = await client.call('addKeylog', { psk });
    if (r.errors.length > 0) {
      await write(err, `tracelens: --tls-psk: ${r.errors[0].message}\n`);
      return false;
    }
  }
  for (const path of paths) {
    const r = await client.call('addKeylog', { path });
    for (const e of r.errors) {
      if (e.line === 0) {
        await write(err, `tracelens: ${e.message}\n`);
        return false;
      }
      await write(err, `tracelens: ${path}:${e.line}: ${e.message}\n`);
    }
  }
  return true;
}
