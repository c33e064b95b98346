/** Field references read the selected event's values, as Wireshark's `${field}` does. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from './corpus.ts';

describe('field references', () => {
  it('${tcp.srcport} and $ip.dst take the values of the reference event', async () => {
    const { capture, indexing } = await openCapture(join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    await indexing;
    // Event 1 is 127.0.0.1:38708 → :8080 (SYN), as tshark shows it.
    const byRef = await runFilter(capture, 'tcp.srcport == ${tcp.srcport} && ip.dst == $ip.dst', { referenceEvent: 1 });
    const literal = await runFilter(capture, 'tcp.srcport == 38708 && ip.dst == 127.0.0.1');
    if (!byRef.ok || !literal.ok) throw new Error('filter failed');
    expect(literal.events.length).toBeGreaterThan(0);
    expect([...byRef.events]).toEqual([...literal.events]);
    // Without a reference event a reference has no value, so the comparison is false.
    const none = await runFilter(capture, 'tcp.srcport == ${tcp.srcport}');
    expect(none.ok && none.events.length).toBe(0);
    capture.close();
  });
});
