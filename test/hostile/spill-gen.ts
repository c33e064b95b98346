/**
 * Generators of decompression bombs (no binaries in the repository): a classic pcap of one
 * packet repeated, gzipped as it is produced, so a file of tens of KB inflates to any size.
 * Also runnable by hand for the real-size measurements in docs/limits.md:
 *   node --import tsx test/hostile/spill-gen.ts OUT.pcap.gz PACKETS
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { createGzip, constants as zc } from 'node:zlib';

/** pcap global header (libpcap format: magic a1b2c3d4, v2.4, snaplen 65535, LINKTYPE_ETHERNET 1). */
export function pcapHeader(): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 1, true);
  return b;
}

/** One pcap record: Ethernet / IPv4 / UDP 10.0.0.1:5000 → 10.0.0.2:53 with a 4-byte payload. */
export function udpRecord(sec: number): Uint8Array {
  const frame = new Uint8Array(14 + 20 + 8 + 4);
  const f = new DataView(frame.buffer);
  frame.set([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6], 0);
  f.setUint16(12, 0x0800);
  frame[14] = 0x45;
  f.setUint16(16, 32);
  frame[22] = 64;
  frame[23] = 17;
  frame.set([10, 0, 0, 1, 10, 0, 0, 2], 26);
  f.setUint16(34, 5000);
  f.setUint16(36, 5001);
  f.setUint16(38, 12);
  frame.set([0x61, 0x62, 0x63, 0x64], 42);
  const rec = new Uint8Array(16 + frame.length);
  const r = new DataView(rec.buffer);
  r.setUint32(0, sec, true);
  r.setUint32(8, frame.length, true);
  r.setUint32(12, frame.length, true);
  rec.set(frame, 16);
  return rec;
}

/** Bytes of one record of udpRecord(). */
export const RECORD_BYTES = 16 + 46;

/** Write a gzipped pcap of `packets` identical UDP packets to `path`; resolves with the compressed size. */
export async function writePcapGzBomb(path: string, packets: number): Promise<number> {
  const out = createWriteStream(path);
  const gz = createGzip({ level: zc.Z_BEST_COMPRESSION, memLevel: 9 });
  gz.pipe(out);
  gz.write(pcapHeader());
  // Blocks of many records per write: one write per packet would take longer than the test.
  const rec = udpRecord(1_700_000_000);
  const perBlock = 16384;
  const block = new Uint8Array(rec.length * perBlock);
  for (let i = 0; i < perBlock; i++) block.set(rec, i * rec.length);
  let left = packets;
  while (left > 0) {
    const n = Math.min(left, perBlock);
    if (!gz.write(n === perBlock ? block : block.subarray(0, n * rec.length))) await once(gz, 'drain');
    left -= n;
  }
  gz.end();
  await once(out, 'close');
  return out.bytesWritten;
}

/** Write a gzipped strace log of `lines` identical openat() lines; resolves with the compressed size. */
export async function writeStraceGzBomb(path: string, lines: number): Promise<number> {
  const out = createWriteStream(path);
  const gz = createGzip({ level: zc.Z_BEST_COMPRESSION, memLevel: 9 });
  gz.pipe(out);
  const block = Buffer.from('1234  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3\n'.repeat(10000));
  for (let left = lines; left > 0; left -= 10000) {
    if (!gz.write(left >= 10000 ? block : block.subarray(0, (block.length / 10000) * left))) await once(gz, 'drain');
  }
  gz.end();
  await once(out, 'close');
  return out.bytesWritten;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, count] = process.argv.slice(2);
  if (!path || !count) {
    console.error('usage: spill-gen.ts OUT.pcap.gz PACKETS');
    process.exit(1);
  }
  void writePcapGzBomb(path, Number(count)).then((n) => console.log(`${path}: ${n} bytes, ${count} packets, ${Number(count) * RECORD_BYTES + 24} bytes inflated`));
}
