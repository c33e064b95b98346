/**
 * Write every hostile capture class to a directory, for measuring the CLI by hand:
 *   node --import tsx test/hostile/write-hostile.ts DIR
 * (the tests build smaller ones in memory; nothing here is committed as a binary).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliZeros, gzipZeros, nestedGzip, zstdRleBomb } from './bombs.ts';
import { hpackBombTurns } from './hpack.ts';
import { longNameExchanges, sameUriExchanges } from './names.ts';
import { httpExchange, tcpPcap, type Turn } from './pcap.ts';

const GIB = 1024 * 1024 * 1024;

export function hostileCaptures(): Record<string, () => Uint8Array> {
  const many = (n: number, body: Uint8Array, coding: string): Turn[] => Array.from({ length: n }, (_, k) => httpExchange(`/bomb/${k}.bin`, body, coding)).flat();
  return {
    'zstd-2gib': () => tcpPcap([httpExchange('/z.bin', zstdRleBomb(2 * GIB), 'zstd')]),
    'zstd-16gib': () => tcpPcap([httpExchange('/z.bin', zstdRleBomb(16 * GIB), 'zstd')]),
    'gzip-496mib': () => tcpPcap([httpExchange('/g.bin', gzipZeros(496), 'gzip')]),
    'nested-gzip-40x496mib': () => tcpPcap([many(40, nestedGzip(496), 'gzip, gzip')]),
    'nested-gzip-40-connections': () => {
      const n = nestedGzip(496);
      return tcpPcap(Array.from({ length: 40 }, (_, k) => httpExchange(`/c${k}.bin`, n, 'gzip, gzip')));
    },
    'br-8x256mib': () => tcpPcap([many(8, brotliZeros(256), 'br')]),
    'hpack-amplification': () => tcpPcap([hpackBombTurns({ streams: 64, refs: 16_000, valueBytes: 4000 })]),
    'hpack-table-resize': () => tcpPcap([hpackBombTurns({ streams: 64, refs: 16_000, valueBytes: 15_000, tableSize: 0xffffffff, resizeTo: 1 << 30 })]),
    'long-name': () => tcpPcap([longNameExchanges(300, 20)]),
    'same-uri-20k': () => tcpPcap([sameUriExchanges(20_000)]),
  };
}

const out = process.argv[2];
if (out) {
  mkdirSync(out, { recursive: true });
  for (const [name, make] of Object.entries(hostileCaptures())) {
    const b = make();
    writeFileSync(join(out, `${name}.pcap`), b);
    process.stdout.write(`${name}.pcap\t${b.length}\n`);
  }
}
