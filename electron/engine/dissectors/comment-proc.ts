/**
 * Process info that a pcapng file already carries in its packet comments: ptcpdump
 * (github.com/mozillazg/ptcpdump, internal/writer/pcapng.go) writes one EPB opt_comment per
 * group, each `Key: value` lines — "PID/Cmd/Args", "ThreadId/ThreadName", "UserId/GroupId",
 * "ParentPID/ParentCmd/ParentArgs", "ContainerName/ContainerId/ContainerImage/ContainerLabels"
 * (and Pod* lines, not read here). They become the same proc.* / container.* fields that
 * syscall events and capture sets use (syscalls/fields.ts), under a "Process" tree node.
 *
 * Apple's pcapng (macOS tcpdump -k) names the process instead in Process Information Blocks
 * that packet blocks point at (readers/pcapng.ts): only a pid and a name, plus the "effective"
 * process the packet was sent for. They take the same path: pibProc makes a CommentProc of them.
 */
import { SF } from '../syscalls/fields.ts';
import type { PacketProcess } from '../readers/types.ts';
import { addField, setLabel, type Dissection } from './dissection.ts';

export interface CommentProc {
  pid: number;
  /** Cmd: the executable path ptcpdump read (/proc/PID/exe). */
  exepath: string;
  /** Args: argv space-joined, argv[0] first ("..." appended when ptcpdump truncated it). */
  cmdline: string;
  tid?: number;
  threadName?: string;
  uid?: number;
  gid?: number;
  ppid?: number;
  parentExepath?: string;
  containerId?: string;
  containerName?: string;
  containerImage?: string;
  /** Set when the file names the process itself (Apple PIB) rather than its executable. */
  name?: string;
  /** Apple PIB: the process the packet was sent or received on behalf of, when not the same. */
  effective?: { pid: number; name: string };
  /** Where the file says it: a ptcpdump packet comment or an Apple process information block. */
  source: 'comment' | 'pib';
}

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

function toInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The process of a packet from its comments, or undefined when no comment is a ptcpdump
 * process comment (one whose first line is `PID: N` followed by a `Cmd:` line). Other
 * comments are left alone; an unknown key is ignored.
 */
export function parseCommentProc(comments: readonly string[]): CommentProc | undefined {
  const kv = new Map<string, string>();
  let isPtcpdump = false;
  for (const c of comments) {
    const lines = c.split('\n');
    if (/^PID: \d+$/.test(lines[0]) && lines.length > 1 && lines[1].startsWith('Cmd: ')) isPtcpdump = true;
    for (const line of lines) {
      const colon = line.indexOf(': ');
      if (colon > 0 && !kv.has(line.slice(0, colon))) kv.set(line.slice(0, colon), line.slice(colon + 2));
    }
  }
  const pid = toInt(kv.get('PID'));
  if (!isPtcpdump || pid === undefined) return undefined;
  const p: CommentProc = { pid, exepath: kv.get('Cmd') ?? '', cmdline: kv.get('Args') ?? '', source: 'comment' };
  const tid = toInt(kv.get('ThreadId'));
  if (tid !== undefined) p.tid = tid;
  if (kv.get('ThreadName')) p.threadName = kv.get('ThreadName');
  const uid = toInt(kv.get('UserId'));
  if (uid !== undefined) p.uid = uid;
  const gid = toInt(kv.get('GroupId'));
  if (gid !== undefined) p.gid = gid;
  const ppid = toInt(kv.get('ParentPID'));
  if (ppid !== undefined) {
    p.ppid = ppid;
    p.parentExepath = kv.get('ParentCmd') ?? '';
  }
  if (kv.get('ContainerId')) {
    p.containerId = kv.get('ContainerId');
    p.containerName = kv.get('ContainerName') ?? '';
    p.containerImage = kv.get('ContainerImage') ?? '';
  }
  return p;
}

/** The process of an Apple pcapng packet from its process information blocks, if it names one. */
export function pibProc(pp: PacketProcess | undefined): CommentProc | undefined {
  const own = pp?.process ?? pp?.effective;
  if (!pp || !own) return undefined;
  const p: CommentProc = { pid: own.pid, exepath: '', cmdline: '', name: own.name, source: 'pib' };
  const e = pp.effective;
  if (pp.process && e && (e.pid !== own.pid || e.name !== own.name)) p.effective = { pid: e.pid, name: e.name };
  return p;
}

/** The process a capture file names for a packet: ptcpdump comments first, else Apple's PIBs. */
export function fileProc(comments: readonly string[] | undefined, pp: PacketProcess | undefined): CommentProc | undefined {
  return (comments && comments.length > 0 ? parseCommentProc(comments) : undefined) ?? pibProc(pp);
}

/**
 * ptcpdump's own name for the process (ProcessBase.Comm): basename of Cmd, or of argv[0] when
 * Cmd is a /dev/fd/N path (a program run from a memfd).
 */
export function commentProcName(p: CommentProc): string {
  if (p.name !== undefined) return p.name;
  const sp = p.cmdline.indexOf(' ');
  const argv0 = sp >= 0 ? p.cmdline.slice(0, sp) : p.cmdline;
  return basename(p.exepath.startsWith('/dev/fd/') && argv0 ? argv0 : p.exepath);
}

/**
 * Add the "Process" node of a packet whose file names its process, in its comments or its
 * Apple process information blocks (top level, after the layers).
 */
export function addCommentProc(d: Dissection, comments: readonly string[] | undefined, pp?: PacketProcess): void {
  if (d.summary || ((!comments || comments.length === 0) && !pp)) return;
  const p = fileProc(comments, pp);
  if (!p) return;
  const sp = p.cmdline.indexOf(' ');
  const argv0 = sp >= 0 ? p.cmdline.slice(0, sp) : p.cmdline;
  const args = sp >= 0 ? p.cmdline.slice(sp + 1) : '';
  const name = commentProcName(p);
  const node = addField(d, SF.proc, 0, 0, -1);
  const from = p.source === 'pib' ? "process information block (Apple pcapng)" : 'packet comment';
  setLabel(d, node, `Process: ${name || '?'} (pid ${p.pid}), from the capture file's ${from}`);
  if (name) addField(d, SF.procName, 0, 0, node, name);
  addField(d, SF.procPid, 0, 0, node, p.pid);
  if (p.exepath) addField(d, SF.procExepath, 0, 0, node, p.exepath);
  if (argv0) addField(d, SF.procExe, 0, 0, node, argv0);
  if (args) addField(d, SF.procArgs, 0, 0, node, args);
  // Falco's proc.cmdline is the name and the arguments after argv[0] (as scap events have it).
  if (p.source === 'comment' && (name || args)) addField(d, SF.procCmdline, 0, 0, node, args ? `${name} ${args}` : name);
  if (p.effective) {
    // Falco has no field for it: a line of the node, not a second proc.pid/proc.name.
    const eff = addField(d, SF.proc, 0, 0, node);
    setLabel(d, eff, `Effective process: ${p.effective.name || '?'} (pid ${p.effective.pid}), the process the packet was sent or received for`);
  }
  if (p.tid !== undefined) addField(d, SF.threadTid, 0, 0, node, p.tid);
  if (p.uid !== undefined) addField(d, SF.userUid, 0, 0, node, p.uid);
  if (p.gid !== undefined) addField(d, SF.groupGid, 0, 0, node, p.gid);
  if (p.ppid !== undefined) {
    addField(d, SF.procPpid, 0, 0, node, p.ppid);
    const pname = basename(p.parentExepath ?? '');
    if (pname) addField(d, SF.procPname, 0, 0, node, pname);
  }
  if (p.containerId !== undefined) {
    const cont = addField(d, SF.container, 0, 0, node);
    setLabel(d, cont, `Container: ${p.containerName || p.containerId}`);
    addField(d, SF.containerId, 0, 0, cont, p.containerId);
    if (p.containerName) addField(d, SF.containerName, 0, 0, cont, p.containerName);
    if (p.containerImage) addField(d, SF.containerImage, 0, 0, cont, p.containerImage);
  }
}
