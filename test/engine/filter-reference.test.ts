/** Field references read the selected event's values, as Wireshark's `${field}` does. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { writeKeepalivePcap } from '../http/make-keepalive-pcap.ts';
import { CORPUS } from './corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-filter-ref-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('the reference keeps its values while the scan reads the capture window after window', async () => {
    // ~11 MB: the scan's read window (1 MiB, one buffer reused) moves on several times after event 1.
    const path = join(dir, 'ka.pcap');
    const { frames } = writeKeepalivePcap(path, { requests: 20_000, connections: 4 });
    const { capture, indexing } = await openCapture(path);
    await indexing;
    expect(capture.count()).toBe(frames);
    // Event 1 is connection 0's SYN: 02:00:00:00:00:01 10.0.0.1:40000 → 10.0.0.2:80.
    const byRef = await runFilter(capture, 'eth.src == ${eth.src} && ip.src == ${ip.src} && ip.dst == ${ip.dst} && tcp.srcport == ${tcp.srcport}', { referenceEvent: 1 });
    const literal = await runFilter(capture, 'eth.src == 02:00:00:00:00:01 && ip.src == 10.0.0.1 && ip.dst == 10.0.0.2 && tcp.srcport == 40000');
    if (!byRef.ok || !literal.ok) throw new Error('filter failed');
    expect(literal.events.length).toBeGreaterThan(10_000);
    expect(byRef.events.length).toBe(literal.events.length);
    expect([...byRef.events]).toEqual([...literal.events]);
    capture.close();
  }, 60_000);
});
