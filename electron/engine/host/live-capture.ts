/**
 * The engine's live captures (Capture ▸ Trace a Command…, Capture ▸ Packets…): start strace or
 * tcpdump (capture-spawn.ts) into a private 0700 temp folder, open what they write followed,
 * feed the TLS key log to the open capture as the traced program writes secrets, and on Stop (or
 * when the command ends) end the process group, read the rest and keep the capture open.
 *
 * Only one capture runs per engine; starting another stops it first. The folder is removed when
 * the next capture starts or the engine closes.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPacketCaptureParams, checkTraceParams, type CaptureInfo, type CaptureStatus, type CaptureTools, type EngineEvent } from '../../../shared/rpc.ts';
import { newKeylogLines } from './keylog-tail.ts';
import { countSecrets, createKeylog, INSTALL_TCPDUMP, interrupt, killGroup, listInterfaces, onPath, startStrace, startTcpdump, straceProblem, type Started } from './capture-spawn.ts';

/** What the live captures need from the engine host. */
export interface LiveCaptureDeps {
  /** Whether this host may start programs (EngineHostOptions.capture), and where they run. */
  allowed: boolean;
  note: string;
  /** Where the private folders go (browser mode: the engine's upload folder, which the server removes); default the temp folder. */
  tempDir?: string;
  emit(e: EngineEvent): void;
  /**
   * Open `path` followed, as `open` with follow does; `keylog` is its key log, added as it grows
   * (not offered); `more`: the other files of a followed set (a trace's pcap).
   */
  openFollowed(path: string, keylog?: string, more?: string[]): Promise<CaptureInfo>;
  /** Stop following and resolve once what was written has been read. */
  stopFollowing(): Promise<void>;
  /** Add key log text to the open capture (as addKeylog with text). */
  addKeys(text: string): Promise<void>;
}

export interface LiveCaptures {
  tools(): Promise<CaptureTools>;
  startTrace(params: unknown): Promise<CaptureInfo>;
  startPackets(params: unknown): Promise<CaptureInfo>;
  stop(): Promise<CaptureStatus | null>;
  /** The folder of the running or last capture (its files may be opened, e.g. as a set). */
  dir(): string | null;
  /** End everything now, synchronously (the engine is closing). */
  close(): void;
}

/** How often the key log is looked at for new secrets while a trace runs. */
const KEYLOG_POLL_MS = 200;
/** How long strace may take to write its first line (the execve) before the start counts as failed. */
const START_WAIT_MS = 10_000;

interface Running {
  status: CaptureStatus;
  dir: string;
  /** strace, or tcpdump for a packet capture: its group is what Stop ends. */
  main: Started;
  /** tcpdump beside a trace. */
  dump?: Started;
  keys?: string;
  keysRead: number;
  timer?: ReturnType<typeof setInterval>;
  ending?: Promise<CaptureStatus>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createLiveCaptures(deps: LiveCaptureDeps): LiveCaptures {
  let current: Running | null = null;
  let lastDir: string | null = null;

  const refuse = (): never => {
    throw new Error(`Live capture is not available here: ${deps.note}`);
  };
  const publish = (r: Running): void => deps.emit({ kind: 'event', type: 'capture', status: { ...r.status, files: [...r.status.files], messages: [...r.status.messages] } });

  /** The secrets written since the last look: whole lines only (a line being written waits). */
  const newKeys = (r: Running): string => {
    if (!r.keys) return '';
    const { text, next } = newKeylogLines(r.keys, r.keysRead);
    r.keysRead = next;
    return text;
  };
  const feedKeys = async (r: Running): Promise<void> => {
    const text = newKeys(r);
    if (text === '') return;
    r.status.secrets += countSecrets(text);
    await deps.addKeys(text).catch(() => {});
    if (r.status.state === 'running') publish(r);
  };

  const removeDir = (): void => {
    if (lastDir) rmSync(lastDir, { recursive: true, force: true });
    lastDir = null;
  };

  async function end(r: Running, why: string | null): Promise<CaptureStatus> {
    r.ending ??= (async () => {
      r.status.state = 'stopping';
      publish(r);
      if (r.timer) clearInterval(r.timer);
      const result = r.main.child.exitCode !== null || r.main.child.signalCode !== null ? await r.main.exited : null;
      if (!result) {
        // tcpdump writes its last packets on SIGINT; strace and what it traces are ended as a group.
        if (r.status.kind === 'packets') await interrupt(r.main);
        else await killGroup(r.main);
      }
      const done = await r.main.exited;
      if (r.dump) {
        // The last packets of the run land, then tcpdump ends the way it expects.
        await sleep(300);
        await interrupt(r.dump);
      }
      if (r.status.kind === 'trace') {
        r.status.exitCode = done.signal ? 128 + signalNumber(done.signal) : done.code;
        if (why) r.status.messages.push(why);
        else r.status.messages.push(`${r.status.what[0]} ended${done.signal ? ` by ${done.signal}` : ` with exit status ${done.code ?? '?'}`}`);
        const last = r.main.stderr().trim().split('\n').filter((l) => /^strace: /.test(l)).pop();
        if (last) r.status.messages.push(last);
      } else r.status.messages.push(why ?? 'tcpdump ended');
      await deps.stopFollowing();
      await feedKeys(r);
      r.status.state = 'ended';
      if (current === r) current = null;
      publish(r);
      return r.status;
    })();
    return r.ending;
  }

  /** Wait until `file` has bytes, or the program ended; false when it ended without writing any. */
  async function written(file: string, s: Started): Promise<boolean> {
    const t0 = Date.now();
    let ended = false;
    void s.exited.then(() => (ended = true));
    for (;;) {
      if (existsSync(file) && statSync(file).size > 0) return true;
      if (ended || Date.now() - t0 > START_WAIT_MS) return false;
      await sleep(20);
    }
  }

  async function begin(r: Running, file: string, more: string[] = []): Promise<CaptureInfo> {
    current = r;
    let info: CaptureInfo;
    try {
      info = await deps.openFollowed(file, r.keys, more);
    } catch (e) {
      await end(r, `cannot open ${file}: ${(e as Error).message}`);
      throw e;
    }
    if (r.keys) r.timer = setInterval(() => void feedKeys(r), KEYLOG_POLL_MS);
    void r.main.exited.then(() => {
      if (current === r) void end(r, null);
    });
    publish(r);
    return info;
  }

  const fresh = async (): Promise<string> => {
    if (current) await end(current, 'stopped: another capture was started');
    removeDir();
    // mkdtemp: a new folder with a random name, mode 0700: nobody else may read the key log in it.
    lastDir = mkdtempSync(join(deps.tempDir ?? tmpdir(), 'tracelens-capture-'));
    return lastDir;
  };

  return {
    async tools() {
      if (!deps.allowed) return { allowed: false, note: deps.note, strace: null, tcpdump: null, interfaces: [] };
      const listed = await listInterfaces();
      return { allowed: true, note: deps.note, strace: straceProblem(onPath('strace')), tcpdump: onPath('tcpdump') ? null : `tcpdump is not installed (${INSTALL_TCPDUMP})`, interfaces: listed.interfaces };
    },
    async startTrace(params) {
      if (!deps.allowed) refuse();
      const c = checkTraceParams(params);
      if (!c.ok) throw new Error(c.error);
      const strace = onPath('strace');
      const problem = straceProblem(strace);
      if (problem || !strace) throw new Error(`Cannot trace: ${problem}`);
      const dir = await fresh();
      const log = join(dir, 'trace.strace');
      const keys = join(dir, 'trace.keys');
      const pcap = join(dir, 'trace.pcap');
      createKeylog(keys);
      const messages: string[] = [];
      let dump: Started | undefined;
      if (c.value.pcap) {
        const tcpdump = onPath('tcpdump');
        if (!tcpdump) messages.push(`Packets were not captured: tcpdump is not installed (${INSTALL_TCPDUMP}).`);
        else {
          const d = await startTcpdump(tcpdump, 'any', pcap, '', { group: true });
          if ('started' in d) dump = d.started;
          else messages.push(`Packets were not captured: ${d.problem}.`);
        }
      }
      const main = startStrace(strace, c.value.argv, log, keys, { group: true });
      if (!(await written(log, main))) {
        await killGroup(main, 500);
        if (dump) await interrupt(dump);
        const said = main.stderr().trim().split('\n').pop() ?? '';
        throw new Error(`strace did not start ${c.value.argv[0]}${said ? `: ${said}` : ''}${/ptrace|not permitted/i.test(said) ? ' (ptrace is not allowed here: kernel.yama.ptrace_scope, a container or seccomp forbids it)' : ''}`);
      }
      // With packets: the log and the pcap followed as one set (sets/set-follow.ts), once tcpdump
      // has written its file header.
      let withPcap = false;
      if (dump) {
        withPcap = await written(pcap, dump);
        if (!withPcap) messages.push(`Packets are not shown: tcpdump wrote nothing to its file${dump.stderr().trim() ? ` (${dump.stderr().trim().split('\n').pop()})` : ''}.`);
      }
      const r: Running = {
        status: { kind: 'trace', state: 'running', what: [...c.value.argv], files: [log, keys, ...(dump ? [pcap] : [])], exitCode: null, secrets: 0, messages },
        dir, main, dump, keys, keysRead: 0,
      };
      return begin(r, log, withPcap ? [pcap] : []);
    },
    async startPackets(params) {
      if (!deps.allowed) refuse();
      const tcpdump = onPath('tcpdump');
      if (!tcpdump) throw new Error(`Cannot capture packets: tcpdump is not installed (${INSTALL_TCPDUMP})`);
      const listed = await listInterfaces(tcpdump);
      const c = checkPacketCaptureParams(params, listed.interfaces.map((i) => i.name));
      if (!c.ok) throw new Error(c.error);
      const dir = await fresh();
      const pcap = join(dir, `${c.value.iface.replace(/[^\w.-]/g, '_')}.pcap`);
      const d = await startTcpdump(tcpdump, c.value.iface, pcap, c.value.filter, { group: true });
      if (!('started' in d)) throw new Error(`Cannot capture packets: ${d.problem}`);
      if (!(await written(pcap, d.started))) {
        await interrupt(d.started);
        throw new Error(`tcpdump wrote nothing to its file: ${d.started.stderr().trim().split('\n').pop() ?? 'no message'}`);
      }
      const r: Running = {
        status: { kind: 'packets', state: 'running', what: [c.value.iface, ...(c.value.filter ? [c.value.filter] : [])], files: [pcap], exitCode: null, secrets: 0, messages: [] },
        dir, main: d.started, keysRead: 0,
      };
      return begin(r, pcap);
    },
    async stop() {
      return current ? end(current, 'stopped') : null;
    },
    dir: () => lastDir,
    close() {
      const r = current;
      current = null;
      if (r) {
        if (r.timer) clearInterval(r.timer);
        for (const s of [r.main, r.dump]) {
          const pid = s?.child.pid;
          if (pid === undefined || s?.child.exitCode !== null || s.child.signalCode !== null) continue;
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // ended meanwhile
          }
        }
      }
      removeDir();
    },
  };
}

/** A signal's number, for the shell's 128 + N exit status. */
const signalNumber = (sig: NodeJS.Signals): number => osConstants.signals[sig] ?? 0;
