/**
 * Loads every packet protocol, each of which registers itself in the dissector tables
 * (table.ts) when its module runs. Add a protocol's file here when you add its dissector.
 */
import './data.ts';
import './link.ts';
import './ethernet.ts';
import './sll.ts';
import './null-loopback.ts';
import './arp.ts';
import './ipv4.ts';
import './ipv6.ts';
import './icmp.ts';
import './icmpv6.ts';
import './tcp.ts';
import './udp.ts';
import './dns.ts';
import './ntp.ts';
import './dhcp.ts';
