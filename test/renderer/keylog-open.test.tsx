// @vitest-environment happy-dom
/**
 * Key logs in browser mode: one picked with Open… (or dropped) is recognised by its content and
 * added to the open capture, which stays open; with no capture open it is refused by name; a
 * file that is not a capture is reported by its name, never by the server's temp path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { openFileOrKeys } from '../../renderer/keys/keylog.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessHost } from './in-process-host.ts';

const TLS = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
const KEYS = join(CORPUS, 'keys/generated/gen-tls13-http11.keys');

let session: Session | null = null;
afterEach(() => {
  session?.close();
  session = null;
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('key logs picked or dropped in browser mode', () => {
  it('a key log with any name is added to the open capture, which stays open', async () => {
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    await session.open({ kind: 'path', path: TLS }, true);
    await until(() => useApp.getState().info?.done === true);
    const name = useApp.getState().fileName;
    await openFileOrKeys(session, new File([readFileSync(KEYS)], 'secrets.bin'));
    await until(() => useApp.getState().keyNotice !== null);
    expect(useApp.getState().keyNotice).toMatchObject({ error: false });
    expect(useApp.getState().keyNotice?.text).toMatch(/^secrets\.bin: \d+ new secrets? of \d+/);
    expect(useApp.getState().phase).toBe('open');
    expect(useApp.getState().fileName).toBe(name);
  });

  it('with no capture open, a key log is not opened as one', async () => {
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    await openFileOrKeys(session, new File([readFileSync(KEYS)], 'keys.txt'));
    expect(useApp.getState().error?.title).toBe('keys.txt is a TLS key log, not a capture');
  });

  it('a file that is not a capture is named by its name, not a server path', async () => {
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    await openFileOrKeys(session, new File(['just some notes, not a capture\n'.repeat(20)], 'notes.txt'));
    await until(() => useApp.getState().phase === 'error');
    const e = useApp.getState().error!;
    expect(`${e.title} ${e.detail}`).toContain('notes.txt');
    expect(`${e.title} ${e.detail}`).not.toMatch(/\/tmp\/|tracelens-[a-z]*[A-Za-z0-9]{6}/);
  });
});
