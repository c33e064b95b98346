/**
 * Falco / Stratoshark field names for syscall events, declared once for both syscall formats
 * (scap and strace). Names and meanings follow Falco's field reference
 * (https://falco.org/docs/reference/rules/supported-fields/, "evt", "proc", "thread", "fd",
 * "container" classes). `evt.arg.NAME` fields are declared from the event schema as it is read.
 */
import { defineField, defineProtocol, type FieldDef } from '../fields/registry.ts';

export const SF = {
  evt: defineProtocol('evt', 'System call event'),
  num: defineField({ name: 'evt.num', type: 'uint', description: 'Event number' }),
  // evt.time is text as sysdig prints it (HH:MM:SS.nnnnnnnnn, here in UTC); the number is evt.rawtime.
  time: defineField({ name: 'evt.time', type: 'string', description: 'Event time of day, with nanoseconds (UTC)' }),
  rawtime: defineField({ name: 'evt.rawtime', type: 'uint', description: 'Absolute event timestamp, nanoseconds from epoch' }),
  datetime: defineField({ name: 'evt.datetime', type: 'string', description: 'Event date and time, with nanoseconds (UTC)' }),
  cpu: defineField({ name: 'evt.cpu', type: 'int', description: 'CPU number where the event occurred' }),
  dir: defineField({ name: 'evt.dir', type: 'string', description: 'Event direction (> enter, < exit)', values: { '>': 'enter', '<': 'exit' } }),
  type: defineField({ name: 'evt.type', type: 'string', description: 'Event type (system call name)' }),
  args: defineField({ name: 'evt.args', type: 'string', description: 'All event arguments, as sysdig renders them' }),
  res: defineField({ name: 'evt.res', type: 'string', description: 'Result: SUCCESS or the errno name' }),
  rawres: defineField({ name: 'evt.rawres', type: 'int', description: 'Raw return value' }),
  failed: defineField({ name: 'evt.failed', type: 'bool', description: 'True for events that returned an error' }),
  buffer: defineField({ name: 'evt.buffer', type: 'bytes', description: 'Binary data buffer of I/O events' }),
  buflen: defineField({ name: 'evt.buflen', type: 'uint', description: 'Length of the data buffer of I/O events' }),
  isIo: defineField({ name: 'evt.is_io', type: 'bool', description: 'True for events that read or write to FDs' }),
  isIoRead: defineField({ name: 'evt.is_io_read', type: 'bool', description: 'True for events that read from FDs' }),
  isIoWrite: defineField({ name: 'evt.is_io_write', type: 'bool', description: 'True for events that write to FDs' }),
  category: defineField({ name: 'evt.category', type: 'string', description: 'Event category (file, net, process, memory, ...)' }),
  latency: defineField({ name: 'evt.latency', type: 'uint', description: 'Time between enter and exit, in nanoseconds' }),
  truncated: defineField({ name: 'evt.buffer.truncated', type: 'uint', description: 'Bytes of the buffer the tracer did not record' }),
  proc: defineProtocol('proc', 'Process'),
  procName: defineField({ name: 'proc.name', type: 'string', description: 'Process name (comm)' }),
  procPid: defineField({ name: 'proc.pid', type: 'int', description: 'Process id' }),
  procPpid: defineField({ name: 'proc.ppid', type: 'int', description: 'Parent process id' }),
  procExe: defineField({ name: 'proc.exe', type: 'string', description: 'First command line argument (argv[0])' }),
  procCmdline: defineField({ name: 'proc.cmdline', type: 'string', description: 'Full command line: name and arguments' }),
  procCwd: defineField({ name: 'proc.cwd', type: 'string', description: 'Current working directory' }),
  procPname: defineField({ name: 'proc.pname', type: 'string', description: 'Name of the parent process' }),
  procAname: defineField({ name: 'proc.aname', type: 'string', multi: true, description: 'Names of the ancestor processes, parent first (Falco proc.aname[N] is the Nth)' }),
  procApid: defineField({ name: 'proc.apid', type: 'int', multi: true, description: 'Pids of the ancestor processes, parent first (Falco proc.apid[N] is the Nth)' }),
  procExepath: defineField({ name: 'proc.exepath', type: 'string', description: 'Full path of the executable' }),
  procArgs: defineField({ name: 'proc.args', type: 'string', description: 'Command line arguments after the name' }),
  threadTid: defineField({ name: 'thread.tid', type: 'int', description: 'Thread id' }),
  threadIsmain: defineField({ name: 'thread.ismain', type: 'bool', description: 'True for the main thread of the process' }),
  fd: defineProtocol('fd', 'File descriptor'),
  fdNum: defineField({ name: 'fd.num', type: 'int', description: 'File descriptor number' }),
  fdName: defineField({ name: 'fd.name', type: 'string', description: 'FD name: file path, or ip:port->ip:port for sockets' }),
  fdType: defineField({ name: 'fd.type', type: 'string', description: 'FD type: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink' }),
  fdTypechar: defineField({ name: 'fd.typechar', type: 'string', description: 'FD type as one character (f, 4, 6, u, p, e, s, l, i, t, n)' }),
  fdCip: defineField({ name: 'fd.cip', type: 'string', description: 'Client IP address' }),
  fdSip: defineField({ name: 'fd.sip', type: 'string', description: 'Server IP address' }),
  fdCport: defineField({ name: 'fd.cport', type: 'uint', description: 'Client port' }),
  fdSport: defineField({ name: 'fd.sport', type: 'uint', description: 'Server port' }),
  fdL4proto: defineField({ name: 'fd.l4proto', type: 'string', description: 'IP protocol of a socket: tcp, udp, icmp or raw', values: { tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', raw: 'raw IP' } }),
  fdDirectory: defineField({ name: 'fd.directory', type: 'string', description: 'Directory of a file or directory fd' }),
  fdFilename: defineField({ name: 'fd.filename', type: 'string', description: 'File name of a file fd, without the directory' }),
  fdSockfamily: defineField({ name: 'fd.sockfamily', type: 'string', description: 'Socket family: ip or unix', values: { ip: 'IPv4 or IPv6', unix: 'unix domain' } }),
  fdIsServer: defineField({ name: 'fd.is_server', type: 'bool', description: 'True when the process is the server side of the socket' }),
  fdLip: defineField({ name: 'fd.lip', type: 'string', description: 'Local IP address' }),
  fdRip: defineField({ name: 'fd.rip', type: 'string', description: 'Remote IP address' }),
  fdLport: defineField({ name: 'fd.lport', type: 'uint', description: 'Local port' }),
  fdRport: defineField({ name: 'fd.rport', type: 'uint', description: 'Remote port' }),
  containerId: defineField({ name: 'container.id', type: 'string', description: 'Container id (host for events outside containers)' }),
  containerName: defineField({ name: 'container.name', type: 'string', description: 'Container name (host for events outside containers)' }),
  containerImage: defineField({ name: 'container.image', type: 'string', description: 'Container image name' }),
  user: defineProtocol('user', 'User'),
  userUid: defineField({ name: 'user.uid', type: 'uint', description: 'User id' }),
  userName: defineField({ name: 'user.name', type: 'string', description: 'User name' }),
  group: defineProtocol('group', 'Group'),
  groupGid: defineField({ name: 'group.gid', type: 'uint', description: 'Group id' }),
  groupName: defineField({ name: 'group.name', type: 'string', description: 'Group name' }),
} as const;

const argFields = new Map<string, FieldDef>();

/** The `evt.arg.NAME` field for a schema parameter name. */
export function argField(name: string): FieldDef {
  let f = argFields.get(name);
  if (!f) {
    f = defineField({ name: `evt.arg.${name}`, type: 'string', description: `Event argument ${name}` });
    argFields.set(name, f);
  }
  return f;
}
