/**
 * Filters answered from index columns give exactly the events that re-dissection gives
 * (re-dissection itself is checked against tshark -Y in test/filter/golden.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { compileColumnFilter, columnFields } from '../../electron/engine/filter/column-filter.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from './corpus.ts';

const CASES: [string, string[]][] = [
  ['pcap/generated/gen-http11-plain.pcap', ['tcp.stream == 1', 'tcp.stream != 0', 'frame.len > 1000', 'frame.number in {1..5, 9}', 'not tcp.stream == 0', 'tcp.stream == 0 xor frame.len < 100', 'udp.stream', 'frame.cap_len <= 66']],
  ['pcap/wireshark/dns-ooo.pcap', ['udp.stream == 0', 'udp.stream in {0, 1}', 'tcp.stream', '!udp.stream == 3']],
  ['scap/xxradar-stratoshark/docker-curl-https.scap', ['evt.type == connect', 'evt.type == connect or evt.type == sendto or evt.type == recvfrom', 'proc.name in {"curl", "wget"}', 'fd.num == 6', 'evt.rawres < 0', 'thread.tid > 0 and evt.cpu == 1', 'fd.name', 'not proc.name == "curl"', 'evt.type != read']],
  ['strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt', ['evt.type == connect', 'fd.num == 5', 'evt.latency > 1000', 'evt.type in {"read", "write"}', 'proc.pid == 12167']],
];

describe('index-column filters agree with re-dissection', () => {
  for (const [rel, filters] of CASES) {
    it(rel, async () => {
      const { capture, indexing } = await openCapture(join(CORPUS, rel));
      await indexing;
      const cols = columnFields(capture.internals());
      const d = createDissection();
      for (const f of filters) {
        const c = compileFilterText(f);
        if (!c.ok) throw new Error(`${f}: ${c.errors[0].message}`);
        expect(compileColumnFilter(c.ast, cols), `${f} should be answered from columns`).not.toBeNull();
        const slow: number[] = [];
        for (let e = 1; e <= capture.count(); e++) {
          capture.dissect(e, d);
          if (c.predicate(d)) slow.push(e);
        }
        const fast = await runFilter(capture, f);
        if (!fast.ok) throw new Error('filter failed');
        expect(fast.indexed, f).toBe(true);
        expect([...fast.events], f).toEqual(slow);
      }
      capture.close();
    });
  }
});
