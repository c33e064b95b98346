// @vitest-environment happy-dom
/**
 * File ▸ Export ▸ HTTP Archive (HAR)… in the window: a session on a real engine (in process) over
 * a decrypted corpus capture saves NAME.har holding every exchange; with nothing to export it
 * says so.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HarLog } from '../../shared/har.ts';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { exportHar, harFileName } from '../../renderer/http/export-har.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessHost } from './in-process-host.ts';

const TLS = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
const KEYS = join(CORPUS, 'keys/generated/gen-tls13-http11.keys');
const DNS = join(CORPUS, 'pcap/tcpdump-tests/dns_tcp.pcap');

let session: Session | null = null;
afterEach(() => {
  session?.close();
  session = null;
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('Export HAR', () => {
  it('saves the decrypted exchanges as CAPTURE.har', async () => {
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    await session.open({ kind: 'path', path: TLS }, true);
    await until(() => useApp.getState().info?.done === true);
    await session.client()!.call('addKeylog', { path: KEYS });
    const saved: { name: string; text: string; type: string }[] = [];
    const n = await exportHar(session, (name, parts, type) => saved.push({ name, text: parts.join(''), type }));
    expect(n).toBeGreaterThan(0);
    expect(saved).toHaveLength(1);
    expect(saved[0].name).toBe('gen-tls13-http11-nsec.har');
    expect(saved[0].type).toBe('application/json');
    const har = JSON.parse(saved[0].text) as HarLog;
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(n);
    expect(har.log.entries.every((e) => e.request.url.startsWith('https://'))).toBe(true);
    expect(useApp.getState().keyNotice).toMatchObject({ error: false, text: `${n} exchange${n === 1 ? '' : 's'} saved as gen-tls13-http11-nsec.har` });
  });

  it('with no HTTP in the capture it says so and saves nothing', async () => {
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    await session.open({ kind: 'path', path: DNS }, true);
    await until(() => useApp.getState().info?.done === true);
    const saved: string[] = [];
    expect(await exportHar(session, (name) => saved.push(name))).toBe(0);
    expect(saved).toEqual([]);
    expect(useApp.getState().keyNotice).toMatchObject({ error: true });
  });

  it('names the file after the capture', () => {
    expect(harFileName('upload-413.pcap')).toBe('upload-413.har');
    expect(harFileName('x.pcapng.gz')).toBe('x.har');
    expect(harFileName('')).toBe('capture.har');
  });
});
