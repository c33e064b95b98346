/**
 * `npm run scale-check`: the ClickHouse export loaded into a real ClickHouse server, and the
 * same aggregate queries answered by it and by our DuckDB tables, compared count for count.
 * Installs Debian's clickhouse-server when it is missing (root only), starts it on loopback
 * with a temporary config and data folder, and removes both at the end. docs/scale.md.
 *
 *   npm run scale-check [-- FILE...]    default: the seed case set and two corpus captures
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../electron/cli/run.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SERVER = '/usr/sbin/clickhouse-server';
const CLIENT = '/usr/bin/clickhouse-client';
const SEED = join(ROOT, 'test/fixtures/seed-413');
const CORPUS = [resolve(ROOT, '../shared/corpus'), '/work/shared/corpus'].find((p) => existsSync(p)) ?? resolve(ROOT, '../shared/corpus');

const DEFAULT_FILES = [
  join(SEED, 'upload-413.pcap'),
  join(SEED, 'upload-413.strace'),
  join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap'),
  join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz'),
].filter((f) => existsSync(f));
const KEYLOGS = [join(SEED, 'upload-413.keys'), join(CORPUS, 'keys/generated/gen-tls12-h2.keys')].filter((f) => existsSync(f));

/** Aggregates both engines answer alike (ClickHouse 18.16's SQL and DuckDB's), sorted so rows compare line by line. */
const QUERIES = [
  'SELECT capture, count(*), sum(frame_len) FROM events GROUP BY capture ORDER BY capture',
  // ClickHouse 18.16 gives NULL, not 0, for count(DISTINCT x) over NULLs only: asked where x is set.
  'SELECT capture, count(DISTINCT tcp_stream) FROM events WHERE tcp_stream IS NOT NULL GROUP BY capture ORDER BY capture',
  'SELECT capture, protocol, count(*) FROM events WHERE protocol IS NOT NULL GROUP BY capture, protocol ORDER BY capture, protocol',
  'SELECT evt_type, count(*), sum(CASE WHEN evt_rawres < 0 THEN 1 ELSE 0 END) FROM events WHERE evt_type IS NOT NULL GROUP BY evt_type ORDER BY evt_type',
  'SELECT capture, version, status, count(*), sum(response_body_bytes) FROM http GROUP BY capture, version, status ORDER BY capture, version, status',
  'SELECT capture, proto, count(*), sum(frames), sum(bytes) FROM conversations GROUP BY capture, proto ORDER BY capture, proto',
  'SELECT tcp_stream, count(*) FROM events WHERE tcp_stream IS NOT NULL GROUP BY tcp_stream ORDER BY count(*) DESC, tcp_stream LIMIT 10',
];

function collect(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  return { stream: new Writable({ write: (c, _e, cb) => (parts.push(String(c)), cb()) }), text: () => parts.join('') };
}

async function tracelens(...argv: string[]): Promise<string> {
  const out = collect();
  const err = collect();
  const code = await runCli(argv, out.stream, err.stream);
  if (code !== 0) throw new Error(`tracelens ${argv[0]} exited ${code}: ${err.text()}`);
  return out.text();
}

function installClickhouse(): void {
  if (existsSync(SERVER) && existsSync(CLIENT)) return;
  if (process.getuid?.() !== 0) throw new Error(`${SERVER} is missing: run  sudo apt-get install -y clickhouse-server clickhouse-client  (or this check as root)`);
  console.log('scale-check: installing clickhouse-server (Debian)…');
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'clickhouse-server', 'clickhouse-client'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

/** A server of our own: loopback only, its data in `dir`, no password for the default user. */
function writeConfig(dir: string, tcp: number, http: number): string {
  const config = join(dir, 'config.xml');
  writeFileSync(config, `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>${tcp}</tcp_port>
  <http_port>${http}</http_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>104857600</mark_cache_size>
</yandex>
`);
  writeFileSync(join(dir, 'users.xml'), `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`);
  return config;
}

function ch(port: number, args: string[], input?: string): string {
  const r = spawnSync(CLIENT, ['--port', String(port), ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`clickhouse-client ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function waitReady(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const r = spawnSync(CLIENT, ['--port', String(port), '--query', 'SELECT 1'], { encoding: 'utf8' });
    if (r.status === 0) return;
    if (Date.now() > until) throw new Error(`clickhouse-server did not answer in ${ms / 1000} s: ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** ClickHouse prints NULL as \N, DuckDB (our tsv) as nothing. */
function rowsOf(text: string): string[] {
  return text.replace(/\n+$/, '').split('\n').filter((l) => l !== '').map((l) => l.split('\t').map((c) => (c === '\\N' ? '' : c)).join('\t'));
}

async function main(): Promise<number> {
  const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_FILES;
  installClickhouse();
  const dir = mkdtempSync(join(tmpdir(), 'tl-scale-'));
  const [tcp, http] = [await freePort(), await freePort()];
  const server = spawn(SERVER, [`--config-file=${writeConfig(dir, tcp, http)}`], { stdio: 'ignore' });
  let failed = 0;
  try {
    await waitReady(tcp, 60_000);
    const keys = KEYLOGS.flatMap((k) => ['--keylog', k]);
    const out = join(dir, 'export');
    await tracelens('export', ...files, ...keys, '--clickhouse', out);
    ch(tcp, ['--multiquery'], readFileSync(join(out, 'schema.sql'), 'utf8'));
    for (const t of ['events', 'http', 'conversations']) ch(tcp, ['--query', `INSERT INTO ${t} FORMAT JSONEachRow`], readFileSync(join(out, `${t}.jsonl`), 'utf8'));
    for (const q of QUERIES) {
      const duck = rowsOf(await tracelens('sql', ...files, ...keys, q)).slice(1);
      const house = rowsOf(ch(tcp, ['--query', q]));
      const same = duck.length === house.length && duck.every((r, k) => r === house[k]);
      console.log(`${same ? 'same' : 'DIFFERENT'} (${duck.length} rows): ${q}`);
      if (!same) {
        failed++;
        console.log(`  duckdb:     ${duck.slice(0, 5).join(' | ')}\n  clickhouse: ${house.slice(0, 5).join(' | ')}`);
      }
    }
    const parts = rowsOf(ch(tcp, ['--query', "SELECT table, count(DISTINCT partition) FROM system.parts WHERE active AND database = 'default' GROUP BY table ORDER BY table"]));
    console.log(`partitions (capture, day): ${parts.join(', ')}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((res) => server.once('exit', res));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failed === 0 ? `scale-check: ClickHouse and DuckDB agree on all ${QUERIES.length} queries over ${files.length} captures` : `scale-check: ${failed} of ${QUERIES.length} queries differ`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
