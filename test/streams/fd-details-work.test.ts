/**
 * Details of one syscall event read only its own fd stream: the TLS/HTTP layers find the event's
 * stream by its fd lifetime, not by building every socket stream of the capture first (which
 * made "details of the last event" of a 1 M-syscall strace log cost a pass over all its I/O).
 */
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { fdStreamWork, listFdStreams } from '../../electron/engine/streams/fd-streams.ts';
import { CORPUS } from '../engine/corpus.ts';

describe('details of an fd event', () => {
  it('dissects the I/O of that stream only', async () => {
    const { capture, indexing } = await openCapture(`${CORPUS}/strace/generated/strace-python-httpserver.f-tt-T-yy-s4096.txt`);
    await indexing;
    const socks = listFdStreams(capture).filter((s) => s.name.includes('->'));
    expect(socks.length).toBe(3);
    const last = socks[2];
    const others = socks[0].events + socks[1].events;
    expect(others).toBeGreaterThan(0);
    const before = fdStreamWork.read;
    openSession(capture).capture.dissect(last.lastEvent, createDissection());
    const work = fdStreamWork.read - before;
    expect(work).toBeGreaterThan(0);
    expect(work).toBeLessThanOrEqual(last.events);
    capture.close();
  });
});
