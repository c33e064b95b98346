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
  // Falco's derived time and count fields (libsinsp sinsp_filter_check_gen_event / _event).
  // sysdig prints the *.ns fields and evt.reltime zero-padded to 9 digits (PF_10_PADDED_DEC); here they are numbers.
  timeS: defineField({ name: 'evt.time.s', type: 'string', label: 'Time (s)', description: 'Event time of day, whole seconds (UTC)' }),
  timeIso: defineField({ name: 'evt.time.iso8601', type: 'string', label: 'Time (ISO 8601)', description: 'Event time in ISO 8601 with nanoseconds and time zone (UTC)' }),
  datetimeS: defineField({ name: 'evt.datetime.s', type: 'string', label: 'Date and time (s)', description: 'Event date and time, whole seconds (UTC)' }),
  rawtimeS: defineField({ name: 'evt.rawtime.s', type: 'uint', label: 'Raw time (s)', description: 'Integer part of the event timestamp: seconds since epoch' }),
  rawtimeNs: defineField({ name: 'evt.rawtime.ns', type: 'uint', label: 'Raw time (ns)', description: 'Fractional part of the event timestamp, in nanoseconds' }),
  reltime: defineField({ name: 'evt.reltime', type: 'uint', label: 'Relative time', description: 'Nanoseconds from the beginning of the capture' }),
  reltimeS: defineField({ name: 'evt.reltime.s', type: 'uint', label: 'Relative time (s)', description: 'Seconds from the beginning of the capture' }),
  reltimeNs: defineField({ name: 'evt.reltime.ns', type: 'uint', label: 'Relative time (ns)', description: 'Fractional part (ns) of the time from the beginning of the capture' }),
  latencyS: defineField({ name: 'evt.latency.s', type: 'uint', label: 'Latency (s)', description: 'Integer part of the event latency, in seconds' }),
  latencyNs: defineField({ name: 'evt.latency.ns', type: 'uint', label: 'Latency (ns part)', description: 'Fractional part of the event latency, in nanoseconds' }),
  latencyHuman: defineField({ name: 'evt.latency.human', type: 'string', label: 'Latency', description: 'Event latency as a human readable string (e.g. 10.3ms)' }),
  deltatime: defineField({ name: 'evt.deltatime', type: 'uint', label: 'Delta (ns)', description: 'Time since the previous event, in nanoseconds' }),
  deltatimeS: defineField({ name: 'evt.deltatime.s', type: 'uint', label: 'Delta (s)', description: 'Integer part of the time since the previous event, in seconds' }),
  deltatimeNs: defineField({ name: 'evt.deltatime.ns', type: 'uint', label: 'Delta (ns part)', description: 'Fractional part of the time since the previous event, in nanoseconds' }),
  count: defineField({ name: 'evt.count', type: 'uint', label: 'Count', description: 'Always 1 (for counting events)' }),
  countExit: defineField({ name: 'evt.count.exit', type: 'uint', label: 'Exit count', description: '1 for exit events' }),
  countError: defineField({ name: 'evt.count.error', type: 'uint', label: 'Error count', description: '1 for events that returned an error' }),
  countErrorFile: defineField({ name: 'evt.count.error.file', type: 'uint', label: 'File error count', description: '1 for events that returned an error and are related to file I/O' }),
  countErrorNet: defineField({ name: 'evt.count.error.net', type: 'uint', label: 'Network error count', description: '1 for events that returned an error and are related to network I/O' }),
  countErrorMemory: defineField({ name: 'evt.count.error.memory', type: 'uint', label: 'Memory error count', description: '1 for events that returned an error and are related to memory allocation' }),
  countErrorOther: defineField({ name: 'evt.count.error.other', type: 'uint', label: 'Other error count', description: '1 for events that returned an error and are related to none of file, network, memory' }),
  ioDir: defineField({ name: 'evt.io_dir', type: 'string', label: 'I/O direction', description: 'read for events that read from FDs, write for events that write to FDs', values: { read: 'reads from an FD', write: 'writes to an FD' } }),
  isWait: defineField({ name: 'evt.is_wait', type: 'bool', label: 'Wait', description: 'True for events that make the thread wait (sleep, select, poll, ...)' }),
  waitLatency: defineField({ name: 'evt.wait_latency', type: 'uint', label: 'Wait latency (ns)', description: 'Time spent waiting by the exit of a waiting event, in nanoseconds' }),
  isSyslog: defineField({ name: 'evt.is_syslog', type: 'bool', label: 'Syslog', description: 'True for writes to /dev/log' }),
  isOpenRead: defineField({ name: 'evt.is_open_read', type: 'bool', label: 'Opened for reading', description: 'True for open events where the path was opened for reading' }),
  isOpenWrite: defineField({ name: 'evt.is_open_write', type: 'bool', label: 'Opened for writing', description: 'True for open events where the path was opened for writing' }),
  isOpenExec: defineField({ name: 'evt.is_open_exec', type: 'bool', label: 'Created executable', description: 'True for open or creat events where a file is created with execute permissions' }),
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
  procExeline: defineField({ name: 'proc.exeline', type: 'string', label: 'Exe line', description: 'Full command line with the executable (argv[0]) as first word' }),
  procPcmdline: defineField({ name: 'proc.pcmdline', type: 'string', label: 'Parent command line', description: 'Full command line of the parent process' }),
  procArgs: defineField({ name: 'proc.args', type: 'string', label: 'Arguments', description: 'Command line arguments after the name' }),
  threadTid: defineField({ name: 'thread.tid', type: 'int', label: 'TID', description: 'Thread id' }),
  threadVtid: defineField({ name: 'thread.vtid', type: 'int', label: 'Virtual TID', description: 'Thread id as seen from its own pid namespace' }),
  procVpid: defineField({ name: 'proc.vpid', type: 'int', label: 'Virtual PID', description: 'Process id as seen from its own pid namespace' }),
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
  containerType: defineField({ name: 'container.type', type: 'string', label: 'Type', description: 'Container type: host outside containers, else the runtime (docker, cri, ...)' }),
  containerImage: defineField({ name: 'container.image', type: 'string', label: 'Image', description: 'Container image name' }),
  thread: defineProtocol('thread', 'Thread'),
  container: defineProtocol('container', 'Container'),
  user: defineProtocol('user', 'User'),
  userUid: defineField({ name: 'user.uid', type: 'uint', label: 'UID', description: 'User id' }),
  userName: defineField({ name: 'user.name', type: 'string', label: 'Name', description: 'User name' }),
  userHomedir: defineField({ name: 'user.homedir', type: 'string', label: 'Home directory', description: 'Home directory of the user' }),
  userShell: defineField({ name: 'user.shell', type: 'string', label: 'Shell', description: "User's login shell" }),
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
