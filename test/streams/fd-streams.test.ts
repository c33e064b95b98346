/** fd streams of strace captures: keys, directions, truncation, event back-references. */
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { fdStream, listFdStreams } from '../../electron/engine/streams/fd-streams.ts';
import { directionBytes } from '../../electron/engine/streams/byte-stream.ts';
import { tcpStream } from '../../electron/engine/streams/tcp-reassembly.ts';
import { CORPUS } from '../engine/corpus.ts';

const C = CORPUS;

describe('fd streams', () => {
  it('curl -s65535 -xx: the socket stream carries exactly the TCP payload of the paired pcap', async () => {
    const { capture, indexing } = await openCapture(`${C}/strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt`);
    await indexing;
    const socks = listFdStreams(capture).filter((s) => s.name.includes('->'));
    expect(socks).toHaveLength(1);
    expect(socks[0]).toMatchObject({ fd: 5, role: 'client', name: '127.0.0.1:52722->127.0.0.1:8080', bytes: [88, 215] });
    const s = fdStream(capture, socks[0].id);
    expect(s.client).toBe('127.0.0.1:52722');
    expect(s.chunks.every((c) => !c.truncated)).toBe(true);
    // Every chunk points back to a sendto/recvfrom on fd 5.
    const int = capture.internals();
    if (int.kind !== 'syscalls') throw new Error('expected a syscall capture');
    for (const c of s.chunks) expect(int.index.fd.data[c.event - 1]).toBe(5);
    const pcap = await openCapture(`${C}/pcap/generated/gen-strace-http11-plain.pcap`);
    await pcap.indexing;
    const t = tcpStream(pcap.capture.internals(), 0);
    expect(Buffer.from(directionBytes(s, 0))).toEqual(Buffer.from(directionBytes(t, 0)));
    expect(Buffer.from(directionBytes(s, 1))).toEqual(Buffer.from(directionBytes(t, 1)));
    capture.close();
    pcap.capture.close();
  });

  it('python http.server: accepted sockets read client → server; -s 4096 cuts become truncated counts', async () => {
    const { capture, indexing } = await openCapture(`${C}/strace/generated/strace-python-httpserver.f-tt-T-yy-s4096.txt`);
    await indexing;
    const socks = listFdStreams(capture).filter((s) => s.name.includes('->'));
    expect(socks.map((s) => s.role)).toEqual(['server', 'server', 'server']);
    const big = fdStream(capture, socks[1].id);
    const first = big.chunks[0];
    expect(first.dir).toBe(0);
    expect(new TextDecoder().decode(first.bytes)).toMatch(/^GET \/big\.txt HTTP\/1\.1\r\n/);
    const lost = big.chunks.reduce((a, c) => a + (c.truncated ?? 0), 0);
    const kept = big.chunks.reduce((a, c) => a + c.bytes.length, 0);
    expect(lost).toBeGreaterThan(0);
    expect(kept + lost).toBe(socks[1].bytes[0] + socks[1].bytes[1]);
    capture.close();
  });

});
