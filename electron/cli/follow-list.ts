/**
 * `list FILE --follow`: print the events of a capture that is still being written as they are
 * indexed (tail -f for tcpdump -w, strace -o), until Ctrl-C, --stop-after SECONDS, --count N or
 * the end of standard input. The engine reads the file on from where it was (never from the
 * start) and each event is tested against the filter once (the `tail` request).
 */
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import type { CaptureInfo, TailPage } from '../../shared/rpc.ts';
import type { ListArgs } from './args.ts';
import { addKeylogs, write } from './common.ts';
import { onInterrupt } from './interrupt.ts';

const PAGE = 2000;
/** How long to wait before asking again when nothing new was indexed. */
const IDLE_MS = 100;

export interface FollowControl {
  /** Stop after this many seconds (--stop-after). */
  stopAfter?: number;
  /** Resolves when the input ends (standard input): following stops then. */
  inputEnded?: Promise<unknown>;
  /** The lines to print for the rows of a page (the list command's formatting). */
  format(page: TailPage, columns: { id: string; title: string }[]): string;
  /** The exit code for the capture as it ended (read errors, limits). */
  code(info: CaptureInfo): number;
}

export async function listFollow(client: EngineClient, a: ListArgs, out: Writable, err: Writable, ctl: FollowControl): Promise<number> {
  const opened = await client.call('open', a.more.length > 0 ? { path: a.file, more: a.more, follow: true } : { path: a.file, follow: true });
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  if (opened.compressed) await write(err, `tracelens: note: ${a.file} is gzip-compressed and cannot be followed: read as it is now\n`);
  if (opened.format === 'scap') await write(err, `tracelens: note: scap files cannot be followed yet: ${a.file} is read as it is now\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void client.call('stopFollow', null).catch(() => {});
  };
  onInterrupt(stop);
  const timer = ctl.stopAfter !== undefined ? setTimeout(stop, ctl.stopAfter * 1000) : undefined;
  void ctl.inputEnded?.then(stop);
  try {
    const columns = await client.call('columns', null);
    if (a.fields.length > 0 && a.format === 'tsv' && a.fieldStyle.header && !a.quiet) await write(out, `${a.fields.join(a.fieldStyle.separator)}\n`);
    let after = 0;
    for (;;) {
      let page: TailPage;
      try {
        page = await client.call('tail', { after, count: PAGE, until: a.count, filter: a.filter, fields: a.fields.length > 0 ? a.fields : undefined });
      } catch (e) {
        await write(err, `tracelens: ${(e as Error).message}\n`);
        return 1;
      }
      const n = page.events?.length ?? page.rows?.events.length ?? 0;
      if (!a.quiet && n > 0) await write(out, ctl.format(page, columns));
      const moved = page.tested > after;
      after = page.tested;
      if (a.count !== undefined && after >= a.count) stop();
      if (page.done) break;
      // Nothing new, or the new events wait (a TLS record being written): ask again a bit later.
      if (page.tested >= page.total || !moved) await new Promise((r) => setTimeout(r, IDLE_MS));
    }
    const end = await client.call('info', null);
    for (const w of end.warnings) await write(err, `tracelens: ${a.file}: ${w}\n`);
    return ctl.code(end);
  } finally {
    onInterrupt(undefined);
    if (timer) clearTimeout(timer);
  }
}
