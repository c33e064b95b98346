/** `tracelens har FILE`: the HTTP exchanges as one HAR 1.2 document, written entry by entry. */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import { harEntries, harText, type HarEntry } from '../../shared/har.ts';
import type { HarArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';
import { commandVersion } from './version.ts';

export async function har(client: EngineClient, a: HarArgs, out: Writable, err: Writable): Promise<number> {
  const info = await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  const entries: HarEntry[] = [];
  for await (const e of harEntries(client, a.filter !== undefined ? { filter: a.filter } : {})) entries.push(e);
  const sink = a.out ? createWriteStream(a.out, { mode: 0o644 }) : out;
  for (const part of harText(entries, commandVersion(), `exported by Tracelens from ${info.name}`)) await write(sink, part);
  if (a.out) await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? reject(e) : resolve())));
  if (a.out) await write(err, `tracelens: wrote ${entries.length} exchange${entries.length === 1 ? '' : 's'} to ${a.out}\n`);
  return 0;
}
