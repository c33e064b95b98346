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

/**
 * One byte per event: fd type (4 bits), l4 protocol (3 bits) and the server role (bit 7,
 * libsinsp's role_server: the side that accepted or bound).
 */
export function fdCode(d: FdDescription, server: boolean): number {
  return d.type | (d.l4 << 4) | (server ? 0x80 : 0);
}

export const fdCodeType = (code: number): number => code & 15;
export const fdCodeL4 = (code: number): number => (code >> 4) & 7;
export const fdCodeServer = (code: number): boolean => (code & 0x80) !== 0;

/** The kernel's anon-inode name (what `-y` prints) of the fd a call creates. */
const ANON_BY_CALL: Record<string, string> = {
  epoll_create: '[eventpoll]', epoll_create1: '[eventpoll]', eventfd: '[eventfd]', eventfd2: '[eventfd]',
  signalfd: '[signalfd]', signalfd4: '[signalfd]', timerfd_create: '[timerfd]', inotify_init: 'inotify', inotify_init1: 'inotify',
};

/** `anon_inode:[eventpoll]` for epoll_create1, as strace -y names the result. */
export function anonLabel(call: string): string {
  return `anon_inode:${ANON_BY_CALL[call] ?? `[${call}]`}`;
}

/** One side of a socket: `ip` (no brackets) and port. */
export interface Endpoint {
  ip: string;
  port: number;
}

export interface FdDescription {
  type: number;
  l4: number;
  /** File path, a unix socket's path, or a pipe/anon-inode name; '' when none is known. */
  path: string;
  local: Endpoint | null;
  remote: Endpoint | null;
  /** strace's own name for it (`TCP:[58854]`, `UNIX-STREAM:[7->8]`): the name when nothing better is known. */
  label: string;
  /** Socket inode from the decoration (`TCP:[58854]` → "58854"), '' when not shown. */
  inode: string;
}

/** A description with only a type (and protocol) known. */
export function bareDescription(type: number, l4: number, label = ''): FdDescription {
  return { type, l4, path: '', local: null, remote: null, label, inode: '' };
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
    // connect() before the local side is known: libsinsp's zero tuple source
    if (d.remote) {
      const zero = d.type === FdType.Ipv6 ? ':::0' : '0.0.0.0:0';
      return server ? `${endpointText(d.remote)}->${zero}` : `${zero}->${endpointText(d.remote)}`;
    }
    if (d.local) return endpointText(d.local);
    return d.label;
  }
  return d.path || d.label;
}

/** `1.2.3.4:443` or `[::1]:443` (strace brackets IPv6 in decorations). */
function parseEndpoint(s: string): Endpoint | null {
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return null;
  let ip = s.slice(0, colon);
  const port = Number(s.slice(colon + 1));
  if (!Number.isInteger(port)) return null;
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return { ip: unmapped(ip), port };
}

const L4_BY_PREFIX: Record<string, number> = { TCP: L4.Tcp, UDP: L4.Udp, UDPLITE: L4.Udp, SCTP: L4.None, DCCP: L4.None, RAW: L4.Raw, PING: L4.Icmp };

const ANON: Record<string, number> = {
  '[eventpoll]': FdType.Eventpoll, '[eventfd]': FdType.Event, '[signalfd]': FdType.Signalfd,
  '[timerfd]': FdType.Timerfd, inotify: FdType.Inotify, '[inotify]': FdType.Inotify,
};

/** Describe the (decoded) text inside an fd decoration `<...>`. */
export function describeDecoration(text: string): FdDescription {
  const d: FdDescription = { type: FdType.File, l4: L4.None, path: text, local: null, remote: null, label: text, inode: '' };
  if (text.startsWith('/')) {
    // -yy adds the device after a path: /dev/pts/0<char 136:0>
    const lt = text.indexOf('<');
    if (lt > 0 && text.endsWith('>')) d.path = d.label = text.slice(0, lt);
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
    d.inode = /^\d+/.exec(inner)?.[0] ?? '';
    if (proto.startsWith('UNIX')) {
      d.type = FdType.Unix;
      const q = inner.indexOf(',"');
      d.path = q >= 0 ? inner.slice(q + 2, inner.endsWith('"') ? -1 : undefined) : '';
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
      // an IPv4-mapped pair is an IPv4 connection to libsinsp
      if (v6 && d.local?.ip.includes('.') && (!d.remote || d.remote.ip.includes('.'))) d.type = FdType.Ipv4;
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

/** Linux address family numbers (include/linux/socket.h), for `-X raw` (`sa_family=0x2`). */
const AF_BY_NUMBER: Record<number, string> = { 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK', 17: 'AF_PACKET' };

/** `AF_INET`, `0x2` or `0x2 /* AF_INET *\/` (strace -X raw / -X verbose) → the symbolic name. */
export function familyName(text: string): string {
  const sym = /AF_[A-Z0-9]+/.exec(text);
  if (sym) return sym[0];
  const n = /^\s*(0x[0-9a-f]+|\d+)/i.exec(text);
  return n ? (AF_BY_NUMBER[Number(n[1])] ?? `AF_${Number(n[1])}`) : text.trim();
}

/** A quoted C string's bytes (`"\x7f\x00\x00\x01"`, -X raw address fields). */
function quotedBytes(s: string): number[] {
  return Array.from(unescapeC(s), (c) => c.charCodeAt(0) & 0xff);
}

/** RFC 5952 text of 16 address bytes (longest run of zero groups as `::`; IPv4-mapped as `::ffff:a.b.c.d`). */
export function ipv6Text(b: number[]): string {
  if (b.length !== 16) return '';
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${b.slice(12).join('.')}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** IPv4-mapped IPv6 addresses name the IPv4 address, as libsinsp does (is_ipv4_mapped_ipv6). */
function unmapped(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** `name=htons(N)` or, with -X raw, `name="\xHH\xHH"` (network byte order). */
function portField(text: string, name: string): number | null {
  const h = new RegExp(`${name}=htons\\((\\d+)\\)`).exec(text);
  if (h) return Number(h[1]);
  const raw = new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  if (!raw) return null;
  const b = quotedBytes(raw[1]);
  return b.length === 2 ? (b[0] << 8) | b[1] : null;
}

export function parseSockAddr(text: string): SockAddr | null {
  const fam = /sa_family=([^,}]+)/.exec(text);
  if (!fam) return null;
  const family = familyName(fam[1]);
  if (family === 'AF_INET') {
    const port = portField(text, 'sin_port');
    const sym = /sin_addr=inet_addr\("((?:[^"\\]|\\.)*)"\)/.exec(text);
    const raw = sym ? null : /sin_addr="((?:[^"\\]|\\.)*)"/.exec(text);
    const ip = sym ? unescapeC(sym[1]) : raw ? quotedBytes(raw[1]).join('.') : null;
    return { family, endpoint: port !== null && ip ? { ip, port } : null, path: '' };
  }
  if (family === 'AF_INET6') {
    const port = portField(text, 'sin6_port');
    const sym = /inet_pton\(AF_INET6, "((?:[^"\\]|\\.)*)"/.exec(text);
    const raw = sym ? null : /sin6_addr="((?:[^"\\]|\\.)*)"/.exec(text);
    const ip = sym ? unescapeC(sym[1]) : raw ? ipv6Text(quotedBytes(raw[1])) : null;
    return { family, endpoint: port !== null && ip ? { ip: unmapped(ip), port } : null, path: '' };
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
export function socketKind(domainText: string, typeText: string): { type: number; l4: number } {
  const domain = familyName(domainText);
  // -X raw prints the type as a number: SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3 in the low bits (linux/net.h)
  const n = /^\s*(0x[0-9a-f]+|\d+)/i.exec(typeText);
  const type = n ? ['', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW'][Number(n[1]) & 15] ?? '' : typeText;
  const l4 = type.includes('SOCK_STREAM') ? L4.Tcp : type.includes('SOCK_DGRAM') ? L4.Udp : type.includes('SOCK_RAW') ? L4.Raw : L4.None;
  if (domain === 'AF_INET') return { type: FdType.Ipv4, l4 };
  if (domain === 'AF_INET6') return { type: FdType.Ipv6, l4 };
  if (domain === 'AF_UNIX' || domain === 'AF_LOCAL') return { type: FdType.Unix, l4: L4.None };
  if (domain === 'AF_NETLINK') return { type: FdType.Netlink, l4: L4.None };
  return { type: FdType.Socket, l4: L4.None };
}
