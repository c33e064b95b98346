/**
 * What an fd is, as Falco names it: `fd.type`, `fd.typechar`, `fd.l4proto` and `fd.name`
 * (`cip:cport->sip:sport` for connected sockets, the path for files). Sources: strace's `-y`/`-yy`
 * decorations (`/etc/hosts`, `TCP:[10.0.0.2:5000->1.2.3.4:443]`, `TCPv6:[[::1]:80->[::1]:5000]`,
 * `UNIX:[28249->28250,"/run/x.sock"]`, `pipe:[27220]`, `anon_inode:[eventpoll]`, ...; strace
 * src/print_fields / socketutils.c formats) and, without -y, the sockaddr structures strace prints
 * for connect/bind/accept/getsockname (`{sa_family=AF_INET, sin_port=htons(8080),
 * sin_addr=inet_addr("127.0.0.1")}`).
 */

/** fd type codes stored per event (1 byte). Falco fd.type strings and typechars below. */
export const FdType = {
  None: 0, File: 1, Directory: 2, Ipv4: 3, Ipv6: 4, Unix: 5, Pipe: 6, Event: 7, Signalfd: 8,
  Eventpoll: 9, Inotify: 10, Timerfd: 11, Netlink: 12, Socket: 13,
} as const;

/** Falco fd.type values (https://falco.org/docs/reference/rules/supported-fields/ "fd.type"). */
export const FD_TYPE_NAMES = ['', 'file', 'directory', 'ipv4', 'ipv6', 'unix', 'pipe', 'event', 'signalfd', 'eventpoll', 'inotify', 'timerfd', 'netlink', ''];
export const FD_TYPE_CHARS = ['', 'f', 'd', '4', '6', 'u', 'p', 'e', 's', 'l', 'i', 't', 'n', ''];

export const L4 = { None: 0, Tcp: 1, Udp: 2, Raw: 3, Icmp: 4 } as const;
export const L4_NAMES = ['', 'tcp', 'udp', 'raw', 'icmp'];

/** One side of a socket: `ip` (no brackets) and port. */
export interface Endpoint {
  ip: string;
  port: number;
}

export interface FdDescription {
  type: number;
  l4: number;
  /** Path, pipe/anon-inode name, or '' for sockets (named from the endpoints). */
  path: string;
  local: Endpoint | null;
  remote: Endpoint | null;
}

function endpointText(e: Endpoint): string {
  return `${e.ip}:${e.port}`;
}

/**
 * Falco's fd.name: `client->server` for connected IP sockets (the side that accepted is the
 * server), `ip:port` for a bound/listening one, the path otherwise.
 */
export function fdName(d: FdDescription, server: boolean): string {
  if (d.type === FdType.Ipv4 || d.type === FdType.Ipv6) {
    if (d.local && d.remote) {
      return server ? `${endpointText(d.remote)}->${endpointText(d.local)}` : `${endpointText(d.local)}->${endpointText(d.remote)}`;
    }
    if (d.remote) return `0.0.0.0:0->${endpointText(d.remote)}`;
    if (d.local) return endpointText(d.local);
    return d.path;
  }
  return d.path;
}

/** `1.2.3.4:443` or `[::1]:443` (strace brackets IPv6 in decorations). */
function parseEndpoint(s: string): Endpoint | null {
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return null;
  let ip = s.slice(0, colon);
  const port = Number(s.slice(colon + 1));
  if (!Number.isInteger(port)) return null;
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return { ip, port };
}

const L4_BY_PREFIX: Record<string, number> = { TCP: L4.Tcp, UDP: L4.Udp, UDPLITE: L4.Udp, SCTP: L4.None, DCCP: L4.None, RAW: L4.Raw, PING: L4.Icmp };

const ANON: Record<string, number> = {
  '[eventpoll]': FdType.Eventpoll, '[eventfd]': FdType.Event, '[signalfd]': FdType.Signalfd,
  '[timerfd]': FdType.Timerfd, inotify: FdType.Inotify, '[inotify]': FdType.Inotify,
};

/** Describe the (decoded) text inside an fd decoration `<...>`. */
export function describeDecoration(text: string): FdDescription {
  const d: FdDescription = { type: FdType.File, l4: L4.None, path: text, local: null, remote: null };
  if (text.startsWith('/')) {
    // -yy adds the device after a path: /dev/pts/0<char 136:0>
    const lt = text.indexOf('<');
    if (lt > 0 && text.endsWith('>')) d.path = text.slice(0, lt);
    return d;
  }
  const br = text.indexOf(':[');
  if (br > 0 && text.endsWith(']')) {
    const proto = text.slice(0, br);
    const inner = text.slice(br + 2, -1);
    if (proto === 'pipe') {
      d.type = FdType.Pipe;
      return d;
    }
    if (proto === 'socket') {
      d.type = FdType.Socket;
      return d;
    }
    if (proto === 'anon_inode') {
      d.type = ANON[inner] ?? ANON[`[${inner}]`] ?? FdType.None;
      return d;
    }
    if (proto.startsWith('UNIX')) {
      d.type = FdType.Unix;
      const q = inner.indexOf(',"');
      if (q >= 0) d.path = inner.slice(q + 2, inner.endsWith('"') ? -1 : undefined);
      return d;
    }
    if (proto.startsWith('NETLINK')) {
      d.type = FdType.Netlink;
      return d;
    }
    const v6 = proto.endsWith('v6');
    const base = v6 ? proto.slice(0, -2) : proto;
    if (base in L4_BY_PREFIX) {
      d.type = v6 ? FdType.Ipv6 : FdType.Ipv4;
      d.l4 = L4_BY_PREFIX[base];
      d.path = '';
      const arrow = inner.indexOf('->');
      if (arrow >= 0) {
        d.local = parseEndpoint(inner.slice(0, arrow));
        d.remote = parseEndpoint(inner.slice(arrow + 2));
      } else if (inner.includes(':')) {
        d.local = parseEndpoint(inner);
      }
      return d;
    }
  }
  if (text.startsWith('anon_inode:')) d.type = ANON[text.slice(11)] ?? FdType.None;
  return d;
}

/**
 * A sockaddr as strace prints it: family and, for IP, the endpoint; for AF_UNIX the path
 * (abstract names start with '@').
 */
export interface SockAddr {
  family: string;
  endpoint: Endpoint | null;
  path: string;
}

export function parseSockAddr(text: string): SockAddr | null {
  const fam = /sa_family=(AF_[A-Z0-9]+)/.exec(text);
  if (!fam) return null;
  const family = fam[1];
  if (family === 'AF_INET') {
    const port = /sin_port=htons\((\d+)\)/.exec(text);
    const addr = /sin_addr=inet_addr\("([^"]*)"\)/.exec(text);
    return { family, endpoint: port && addr ? { ip: unescapeC(addr[1]), port: Number(port[1]) } : null, path: '' };
  }
  if (family === 'AF_INET6') {
    const port = /sin6_port=htons\((\d+)\)/.exec(text);
    const addr = /inet_pton\(AF_INET6, "([^"]*)"/.exec(text);
    return { family, endpoint: port && addr ? { ip: unescapeC(addr[1]), port: Number(port[1]) } : null, path: '' };
  }
  if (family === 'AF_UNIX') {
    const path = /sun_path=(@?)"((?:[^"\\]|\\.)*)"/.exec(text);
    return { family, endpoint: null, path: path ? path[1] + unescapeC(path[2]) : '' };
  }
  return { family, endpoint: null, path: '' };
}

/** C escapes in an already-extracted string (rare paths: sockaddr sun_path). */
function unescapeC(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x5c || i + 1 >= s.length) {
      bytes.push(c & 0xff);
      continue;
    }
    const d = s[i + 1];
    if (d === 'x') {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16) || 0);
      i += 3;
    } else if (d >= '0' && d <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < s.length && j < i + 4 && s[j] >= '0' && s[j] <= '7') v = v * 8 + (s.charCodeAt(j++) - 0x30);
      bytes.push(v & 0xff);
      i = j - 1;
    } else {
      bytes.push(({ n: 10, t: 9, r: 13, v: 11, f: 12 } as Record<string, number>)[d] ?? d.charCodeAt(0));
      i++;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** fd type from a socket() domain/type: `socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)`. */
export function socketKind(domain: string, type: string): { type: number; l4: number } {
  const l4 = type.includes('SOCK_STREAM') ? L4.Tcp : type.includes('SOCK_DGRAM') ? L4.Udp : type.includes('SOCK_RAW') ? L4.Raw : L4.None;
  if (domain === 'AF_INET') return { type: FdType.Ipv4, l4 };
  if (domain === 'AF_INET6') return { type: FdType.Ipv6, l4 };
  if (domain === 'AF_UNIX' || domain === 'AF_LOCAL') return { type: FdType.Unix, l4: L4.None };
  if (domain === 'AF_NETLINK') return { type: FdType.Netlink, l4: L4.None };
  return { type: FdType.Socket, l4: L4.None };
}
