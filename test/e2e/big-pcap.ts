/** A big synthetic pcap for the window's scale tests: n UDP frames of 60 bytes, 1 ms apart. */
import { closeSync, openSync, writeSync } from 'node:fs';

export function writeBigPcap(path: string, n: number): void {
  const fd = openSync(path, 'w');
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(65535, 16);
  hdr.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  writeSync(fd, hdr);
  const frame = 60;
  const rec = 16 + frame;
  const perBlock = 65536;
  const block = Buffer.alloc(rec * perBlock);
  for (let first = 0; first < n; first += perBlock) {
    const k = Math.min(perBlock, n - first);
    for (let j = 0; j < k; j++) {
      const i = first + j;
      const o = j * rec;
      const usec = i * 1000;
      block.writeUInt32LE(1_700_000_000 + Math.floor(usec / 1e6), o);
      block.writeUInt32LE(usec % 1e6, o + 4);
      block.writeUInt32LE(frame, o + 8);
      block.writeUInt32LE(frame, o + 12);
      const f = o + 16;
      block.fill(0, f, f + frame);
      block.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], f); // dst, src, IPv4
      const ip = f + 14;
      block.set([0x45, 0, 0, 46], ip); // v4, IHL 5, total length 46
      block.writeUInt16BE(i & 0xffff, ip + 4);
      block.set([64, 17], ip + 8); // TTL, UDP
      block.set([10, 0, 0, 1, 10, 0, 0, 2], ip + 12);
      let sum = 0;
      for (let w = 0; w < 20; w += 2) sum += block.readUInt16BE(ip + w);
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      block.writeUInt16BE(~sum & 0xffff, ip + 10);
      const udp = ip + 20;
      block.writeUInt16BE(10000 + (i % 50000), udp);
      block.writeUInt16BE(9, udp + 2); // discard
      block.writeUInt16BE(26, udp + 4);
    }
    writeSync(fd, block, 0, k * rec);
  }
  closeSync(fd);
}
