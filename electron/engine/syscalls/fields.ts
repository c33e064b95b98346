/**
 * Falco / Stratoshark field names for syscall events, declared once for both syscall formats
 * (scap and strace). Names and meanings follow Falco's field reference
 * (https://falco.org/docs/reference/rules/supported-fields/, "evt", "proc", "thread", "fd",
 * "container" classes). `evt.arg.NAME` fields are declared from the event schema as it is read.
 */
import { defineField, defineProtocol, type FieldDef } from '../fields/registry.ts';

export const SF = {
  evt: defineProtocol('evt', 'System call event'),
  num: defineField({ name: 'evt.num', type: 'uint', label: 'Number', description: 'Event number' }),
  // evt.time is text as sysdig prints it (HH:MM:SS.nnnnnnnnn, here in UTC); the number is evt.rawtime.
  time: defineField({ name: 'evt.time', type: 'string', label: 'Time', description: 'Event time of day, with nanoseconds (UTC)' }),
  rawtime: defineField({ name: 'evt.rawtime', type: 'uint', label: 'Raw time', description: 'Absolute event timestamp, nanoseconds from epoch' }),
  datetime: defineField({ name: 'evt.datetime', type: 'string', label: 'Date and time', description: 'Event date and time, with nanoseconds (UTC)' }),
  cpu: defineField({ name: 'evt.cpu', type: 'int', label: 'CPU', description: 'CPU number where the event occurred' }),
  dir: defineField({ name: 'evt.dir', type: 'string', label: 'Direction', description: 'Event direction (> enter, < exit)', values: { '>': 'enter', '<': 'exit' } }),
  type: defineField({ name: 'evt.type', type: 'string', label: 'Type', description: 'Event type (system call name)' }),
  args: defineField({ name: 'evt.args', type: 'string', label: 'Arguments', description: 'All event arguments, as sysdig renders them' }),
  res: defineField({ name: 'evt.res', type: 'string', label: 'Result', description: 'Result: SUCCESS or the errno name' }),
  rawres: defineField({ name: 'evt.rawres', type: 'int', label: 'Raw result', description: 'Raw return value' }),
  failed: defineField({ name: 'evt.failed', type: 'bool', label: 'Failed', description: 'True for events that returned an error' }),
  buffer: defineField({ name: 'evt.buffer', type: 'bytes', label: 'Buffer', description: 'Binary data buffer of I/O events' }),
  buflen: defineField({ name: 'evt.buflen', type: 'uint', label: 'Buffer length', description: 'Length of the data buffer of I/O events' }),
  isIo: defineField({ name: 'evt.is_io', type: 'bool', label: 'I/O', description: 'True for events that read or write to FDs' }),
  isIoRead: defineField({ name: 'evt.is_io_read', type: 'bool', label: 'I/O read', description: 'True for events that read from FDs' }),
  isIoWrite: defineField({ name: 'evt.is_io_write', type: 'bool', label: 'I/O write', description: 'True for events that write to FDs' }),
  category: defineField({ name: 'evt.category', type: 'string', label: 'Category', description: 'Event category (file, net, process, memory, ...)' }),
  latency: defineField({ name: 'evt.latency', type: 'uint', label: 'Latency (ns)', description: 'Time between enter and exit, in nanoseconds' }),
  truncated: defineField({ name: 'evt.buffer.truncated', type: 'uint', label: 'Bytes not recorded', description: 'Bytes of the buffer the tracer did not record' }),
  proc: defineProtocol('proc', 'Process'),
  procName: defineField({ name: 'proc.name', type: 'string', label: 'Name', description: 'Process name (comm)' }),
  procPid: defineField({ name: 'proc.pid', type: 'int', label: 'PID', description: 'Process id' }),
  procPpid: defineField({ name: 'proc.ppid', type: 'int', label: 'Parent PID', description: 'Parent process id' }),
  procExe: defineField({ name: 'proc.exe', type: 'string', label: 'Executable (argv[0])', description: 'First command line argument (argv[0])' }),
  procCmdline: defineField({ name: 'proc.cmdline', type: 'string', label: 'Command line', description: 'Full command line: name and arguments' }),
  procCwd: defineField({ name: 'proc.cwd', type: 'string', label: 'Working directory', description: 'Current working directory' }),
  procPname: defineField({ name: 'proc.pname', type: 'string', label: 'Parent name', description: 'Name of the parent process' }),
  procAname: defineField({ name: 'proc.aname', type: 'string', multi: true, label: 'Ancestor name', description: 'Names of the ancestor processes, parent first (Falco proc.aname[N] is the Nth)' }),
  procApid: defineField({ name: 'proc.apid', type: 'int', multi: true, label: 'Ancestor PID', description: 'Pids of the ancestor processes, parent first (Falco proc.apid[N] is the Nth)' }),
  procExepath: defineField({ name: 'proc.exepath', type: 'string', label: 'Executable path', description: 'Full path of the executable' }),
  procArgs: defineField({ name: 'proc.args', type: 'string', label: 'Arguments', description: 'Command line arguments after the name' }),
  threadTid: defineField({ name: 'thread.tid', type: 'int', label: 'TID', description: 'Thread id' }),
  threadIsmain: defineField({ name: 'thread.ismain', type: 'bool', label: 'Main thread', description: 'True for the main thread of the process' }),
  fd: defineProtocol('fd', 'File descriptor'),
  fdNum: defineField({ name: 'fd.num', type: 'int', label: 'FD', description: 'File descriptor number' }),
  // Tracelens's own (no Falco field): one number per process, fd and open..close (fd-lifetimes.ts).
  fdStream: defineField({ name: 'fd.stream', type: 'uint', label: 'FD stream', description: 'FD stream index: one per process, fd number and open..close lifetime' }),
  fdName: defineField({ name: 'fd.name', type: 'string', label: 'FD name', description: 'FD name: file path, or ip:port->ip:port for sockets' }),
  fdType: defineField({ name: 'fd.type', type: 'string', label: 'FD type', description: 'FD type: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink' }),
  fdTypechar: defineField({ name: 'fd.typechar', type: 'string', label: 'FD type char', description: 'FD type as one character (f, 4, 6, u, p, e, s, l, i, t, n)' }),
  fdCip: defineField({ name: 'fd.cip', type: 'string', label: 'Client IP', description: 'Client IP address' }),
  fdSip: defineField({ name: 'fd.sip', type: 'string', label: 'Server IP', description: 'Server IP address' }),
  fdCport: defineField({ name: 'fd.cport', type: 'uint', label: 'Client port', description: 'Client port' }),
  fdSport: defineField({ name: 'fd.sport', type: 'uint', label: 'Server port', description: 'Server port' }),
  fdL4proto: defineField({ name: 'fd.l4proto', type: 'string', label: 'L4 protocol', description: 'IP protocol of a socket: tcp, udp, icmp or raw', values: { tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', raw: 'raw IP' } }),
  fdDirectory: defineField({ name: 'fd.directory', type: 'string', label: 'Directory', description: 'Directory of a file or directory fd' }),
  fdFilename: defineField({ name: 'fd.filename', type: 'string', label: 'File name', description: 'File name of a file fd, without the directory' }),
  fdSockfamily: defineField({ name: 'fd.sockfamily', type: 'string', label: 'Socket family', description: 'Socket family: ip or unix', values: { ip: 'IPv4 or IPv6', unix: 'unix domain' } }),
  fdIsServer: defineField({ name: 'fd.is_server', type: 'bool', label: 'Server side', description: 'True when the process is the server side of the socket' }),
  fdLip: defineField({ name: 'fd.lip', type: 'string', label: 'Local IP', description: 'Local IP address' }),
  fdRip: defineField({ name: 'fd.rip', type: 'string', label: 'Remote IP', description: 'Remote IP address' }),
  fdLport: defineField({ name: 'fd.lport', type: 'uint', label: 'Local port', description: 'Local port' }),
  fdRport: defineField({ name: 'fd.rport', type: 'uint', label: 'Remote port', description: 'Remote port' }),
  containerId: defineField({ name: 'container.id', type: 'string', label: 'ID', description: 'Container id (host for events outside containers)' }),
  containerName: defineField({ name: 'container.name', type: 'string', label: 'Name', description: 'Container name (host for events outside containers)' }),
  containerImage: defineField({ name: 'container.image', type: 'string', label: 'Image', description: 'Container image name' }),
  thread: defineProtocol('thread', 'Thread'),
  container: defineProtocol('container', 'Container'),
  user: defineProtocol('user', 'User'),
  userUid: defineField({ name: 'user.uid', type: 'uint', label: 'UID', description: 'User id' }),
  userName: defineField({ name: 'user.name', type: 'string', label: 'Name', description: 'User name' }),
  group: defineProtocol('group', 'Group'),
  groupGid: defineField({ name: 'group.gid', type: 'uint', label: 'GID', description: 'Group id' }),
  groupName: defineField({ name: 'group.name', type: 'string', label: 'Name', description: 'Group name' }),
} as const;

const argFields = new Map<string, FieldDef>();

/** The `evt.arg.NAME` field for a schema parameter name. */
export function argField(name: string): FieldDef {
  let f = argFields.get(name);
  if (!f) {
    f = defineField({ name: `evt.arg.${name}`, type: 'string', label: name, description: `Event argument ${name}` });
    argFields.set(name, f);
  }
  return f;
}
