/**
 * The address a reverse-mapping name stands for: `d.c.b.a.in-addr.arpa` (RFC 1035 §3.5: the four
 * octets in decimal, least significant first) and the 32 nibbles of `….ip6.arpa` (RFC 3596 §2.5:
 * hex digits, least significant first). Labels compare without case (RFC 4343). Anything else —
 * a zone above a host (`2.0.192.in-addr.arpa`), an octet over 255, a service PTR
 * (`_http._tcp.local`) — stands for no address.
 */
import { formatIpv4, formatIpv6 } from '../fields/format.ts';

const V4_SUFFIX = '.in-addr.arpa';
const V6_SUFFIX = '.ip6.arpa';

/** A decimal octet as RFC 1035 §3.5 writes it: no leading zeros, 0–255. */
function octet(label: string): number {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(label)) return -1;
  const v = Number(label);
  return v <= 255 ? v : -1;
}

/** The address text (as the Source column prints it) of a reverse name, or undefined. */
export function reverseAddress(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower.endsWith(V4_SUFFIX)) {
    const labels = lower.slice(0, -V4_SUFFIX.length).split('.');
    if (labels.length !== 4) return undefined;
    let v = 0;
    for (let k = 3; k >= 0; k--) {
      const o = octet(labels[k]);
      if (o < 0) return undefined;
      v = v * 256 + o;
    }
    return formatIpv4(v);
  }
  if (lower.endsWith(V6_SUFFIX)) {
    const labels = lower.slice(0, -V6_SUFFIX.length).split('.');
    if (labels.length !== 32 || !labels.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const b = new Uint8Array(16);
    // labels[0] is the lowest nibble of the last byte.
    for (let k = 0; k < 32; k++) b[15 - (k >> 1)] |= parseInt(labels[k], 16) << ((k & 1) * 4);
    return formatIpv6(b);
  }
  return undefined;
}
