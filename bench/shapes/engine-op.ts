/**
 * The bench's own entry for what the CLI has no command for, run as its own process like the CLI
 * and over the same engine worker and RPC (the CLI's public commands stay as they are):
 *   node --import tsx bench/shapes/engine-op.ts longest|details|sort FILE [--keylog KEYS]
 * longest: one JSON line naming the stream with most payload bytes and the last event (not timed
 * by the suite: it picks what `follow` and `details` are run on); details: the tree of the last
 * event (node count printed); sort: the table sorted by its last (Info/Arguments) column.
 */
import { createEngineClient } from '../../shared/engine-client.ts';
import type { DetailsNode } from '../../shared/rpc.ts';
import { addKeylogs, openAndIndex } from '../../electron/cli/common.ts';
import { startEngineWorker } from '../../electron/engine/host/node-worker.ts';

function countNodes(nodes: readonly DetailsNode[]): number {
  let n = 0;
  for (const d of nodes) n += 1 + countNodes(d.children ?? []);
  return n;
}

async function main(): Promise<number> {
  const [op, file, ...rest] = process.argv.slice(2);
  if (!op || !file || !['longest', 'details', 'sort'].includes(op)) {
    process.stderr.write('usage: engine-op.ts longest|details|sort FILE [--keylog KEYS]\n');
    return 1;
  }
  const keylogs = rest.flatMap((a, i) => (a === '--keylog' && rest[i + 1] ? [rest[i + 1]] : []));
  const worker = await startEngineWorker();
  const client = createEngineClient(worker.port);
  try {
    const info = await openAndIndex(client, file);
    if (!(await addKeylogs(client, keylogs, process.stderr))) return 1;
    if (op === 'longest') {
      const streams = await client.call('streams', {});
      let best = streams[0];
      for (const s of streams) if (s.bytes[0] + s.bytes[1] > best.bytes[0] + best.bytes[1]) best = s;
      // The client address of that stream, for the IP filter (fd streams name it in their sides).
      const clientAddress = /\d{1,3}(?:\.\d{1,3}){3}/.exec(best?.client ?? '')?.[0] ?? '';
      process.stdout.write(`${JSON.stringify({ events: info.events, stream: best?.id ?? null, client: clientAddress, bytes: best ? best.bytes[0] + best.bytes[1] : 0, streams: streams.length })}\n`);
    } else if (op === 'details') {
      const tree = await client.call('details', { event: info.events });
      process.stdout.write(`${JSON.stringify({ event: info.events, nodes: countNodes(tree) })}\n`);
    } else {
      const columns = await client.call('columns', null);
      const column = columns[columns.length - 1].id;
      const r = await client.call('sort', { column, descending: false });
      process.stdout.write(`${JSON.stringify({ column, rows: r.rows, engineMs: Math.round(r.ms) })}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`engine-op: ${(e as Error).message}\n`);
    return 2;
  } finally {
    await worker.terminate();
  }
}

main().then((code) => (process.exitCode = code));
