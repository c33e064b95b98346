/** Display filters and follow targets for a conversation row (Statistics ▸ Conversations). */
import type { ConversationRow } from '../../shared/stats.ts';

export type ConvKind = 'tcp' | 'udp' | 'ip' | 'ipv6' | 'eth';

const ADDRESS_FIELD: Record<ConvKind, string> = { tcp: 'ip.addr', udp: 'ip.addr', ip: 'ip.addr', ipv6: 'ipv6.addr', eth: 'eth.addr' };

/** The filter keeping a conversation's events: its stream for TCP/UDP, both addresses otherwise. */
export function conversationFilter(kind: ConvKind, r: ConversationRow): string {
  if ((kind === 'tcp' || kind === 'udp') && r.stream !== null) return `${kind}.stream == ${r.stream}`;
  const f = r.addressA.includes(':') && kind !== 'eth' ? 'ipv6.addr' : ADDRESS_FIELD[kind];
  return `${f} == ${r.addressA} && ${f} == ${r.addressB}`;
}

/** The stream Follow opens for a row (TCP and UDP conversations only). */
export function conversationStream(kind: ConvKind, r: ConversationRow): string | undefined {
  return (kind === 'tcp' || kind === 'udp') && r.stream !== null ? `${kind}:${r.stream}` : undefined;
}
