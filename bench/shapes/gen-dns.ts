/**
 * (g) DNS-heavy UDP: 50 clients asking one resolver for names from a 5000-name pool: A and AAAA
 * answers with 1–4 records, CNAME chains, NXDOMAIN, and queries that go unanswered and are
 * retried. Message format: RFC 1035 §4.1; compression pointers §4.1.4; AAAA RFC 3596.
 */
import { frame, writePacket } from '../make-pcap.ts';
import { enc, ipv4, tick, type Net } from './net.ts';

const RESOLVER = ipv4(10, 0, 0, 53);
const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;

function name(b: number[], n: string): void {
  for (const l of n.split('.')) b.push(l.length, ...enc.encode(l));
  b.push(0);
}

function u16(b: number[], v: number): void {
  b.push(v >> 8, v & 255);
}

function rr(b: number[], owner: number, type: number, ttl: number, rdata: number[]): void {
  u16(b, 0xc000 | owner);
  u16(b, type);
  u16(b, 1);
  b.push(ttl >>> 24, (ttl >>> 16) & 255, (ttl >>> 8) & 255, ttl & 255);
  u16(b, rdata.length);
  b.push(...rdata);
}

/** A query, or its response with `answers` records (CNAME first when `cname`), or NXDOMAIN. */
function message(id: number, qname: string, qtype: number, response: null | { rcode: number; answers: number; cname: boolean; seed: number }): Uint8Array {
  const b: number[] = [];
  u16(b, id);
  b.push(response ? 0x81 : 0x01, response ? 0x80 | response.rcode : 0); // QR, RD (RA), RCODE
  u16(b, 1);
  const an = response && response.rcode === 0 ? response.answers + (response.cname ? 1 : 0) : 0;
  u16(b, an);
  u16(b, 0);
  u16(b, 0);
  name(b, qname);
  u16(b, qtype);
  u16(b, 1);
  if (an === 0 || !response) return Uint8Array.from(b);
  let owner = 12;
  if (response.cname) {
    const target: number[] = [];
    name(target, `edge${response.seed % 40}.cdn.example.net`);
    const at = b.length + 12; // rdata starts after the fixed part of this record
    rr(b, owner, TYPE_CNAME, 300, target);
    owner = at;
  }
  for (let i = 0; i < response.answers; i++) {
    const s = response.seed + i * 7919;
    if (qtype === TYPE_A) rr(b, owner, TYPE_A, 60, [93, (s >>> 8) & 255, s & 255, 1 + (i % 250)]);
    else rr(b, owner, TYPE_AAAA, 60, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, (s >>> 8) & 255, s & 255, 0, 1 + i]);
  }
  return Uint8Array.from(b);
}

export function dnsHeavy(net: Net, events: number): string {
  const names: string[] = [];
  for (let i = 0; i < 5000; i++) names.push(i % 3 === 0 ? `svc${i}.ns${i % 17}.svc.cluster.local` : `www${i}.example${i % 97}.com`);
  let lookups = 0;
  let id = 1;
  while (net.w.packets < events) {
    const client = ipv4(10, 2, 0, 1 + (lookups % 50));
    const port = 32768 + ((lookups * 37) % 28000);
    const qname = names[Math.floor(net.rnd() * names.length)];
    const qtype = net.rnd() < 0.65 ? TYPE_A : TYPE_AAAA;
    id = (id * 1103515245 + 12345) & 0xffff;
    const q = message(id, qname, qtype, null);
    const r = net.rnd();
    writePacket(net.w, tick(net, 200), frame(17, client, RESOLVER, port, 53, q));
    if (r < 0.02) {
      // Unanswered: the stub retries once after its timeout, then gets an answer.
      net.t += 1_000_000;
      writePacket(net.w, tick(net), frame(17, client, RESOLVER, port, 53, q));
    }
    const nx = r > 0.95;
    const resp = message(id, qname, qtype, { rcode: nx ? 3 : 0, answers: 1 + Math.floor(net.rnd() * 4), cname: r > 0.85 && !nx, seed: Math.floor(net.rnd() * 65536) });
    writePacket(net.w, tick(net, 800), frame(17, RESOLVER, client, 53, port, resp));
    lookups++;
  }
  return `${lookups} lookups from 50 clients`;
}
