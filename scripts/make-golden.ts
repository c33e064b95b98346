/**
 * `npm run golden [-- CORPUS] [-- --only NAME]`: regenerate every golden file from its oracle by
 * running each generator under scripts/ in turn (from the repo root, corpus /work/shared/corpus
 * unless given). A generator whose oracle is not installed is skipped with a message saying
 * which; the run fails if a generator fails, or if a file under scripts/ that looks like a golden
 * generator is missing from GENERATORS (so a new one cannot be forgotten here).
 *
 * Afterwards `git diff test/` shows what the oracle now says differently; goldens are never
 * edited by hand.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Oracle = 'tshark' | 'sysdig';

interface Generator {
  script: string;
  oracle: Oracle;
  /** What it writes (for the summary line). */
  writes: string;
}

/** Every golden generator, in the order they run (cheap first). */
export const GENERATORS: Generator[] = [
  { script: 'make-reader-golden.ts', oracle: 'tshark', writes: 'test/golden/readers.json' },
  { script: 'make-golden-fields.sh', oracle: 'tshark', writes: 'test/golden/fields/*.tsv' },
  { script: 'make-golden-fields-all.ts', oracle: 'tshark', writes: 'test/golden/fields-all/*.tsv.gz' },
  { script: 'make-golden-stats-tree.ts', oracle: 'tshark', writes: 'test/golden/stats-tree/**/*.txt, filtered.json' },
  { script: 'make-golden-protocols.ts', oracle: 'tshark', writes: 'test/golden/protocols/*.tsv' },
  { script: 'make-golden-colours.ts', oracle: 'tshark', writes: 'test/golden/colours/default.tsv' },
  { script: 'make-golden-columns.ts', oracle: 'tshark', writes: 'test/golden/columns/*.tsv' },
  { script: 'make-golden-filters.sh', oracle: 'tshark', writes: 'test/golden/filters/filters.tsv' },
  { script: 'make-golden-http.sh', oracle: 'tshark', writes: 'test/http/golden/*.tsv' },
  { script: 'make-golden-https.ts', oracle: 'tshark', writes: 'test/http/golden-tls/*.tsv, test/http2/golden/*.jsonl' },
  { script: 'make-golden-h2-follow.ts', oracle: 'tshark', writes: 'test/http2/golden/follow-h2.json' },
  { script: 'make-golden-tcp-analysis.ts', oracle: 'tshark', writes: 'test/golden/tcp-analysis/*.tsv' },
  { script: 'make-golden-follow.sh', oracle: 'tshark', writes: 'test/streams/golden/follow/*.txt' },
  { script: 'make-golden-reordered.sh', oracle: 'tshark', writes: 'test/streams/golden/reordered-*' },
  { script: 'make-golden-cli-cases.sh', oracle: 'tshark', writes: 'test/golden/{decode-as,fidelity}/*' },
  { script: 'make-golden-stats.ts', oracle: 'tshark', writes: 'test/golden/stats/*.txt' },
  { script: 'make-golden-stats-taps.ts', oracle: 'tshark', writes: 'test/golden/io-stat/*.json, test/golden/http-stat/*.txt' },
  { script: 'make-golden-tls-summary.ts', oracle: 'tshark', writes: 'test/golden/tls-summary/*' },
  { script: 'make-golden-sysdig-fields.sh', oracle: 'sysdig', writes: 'test/golden/sysdig/*.tsv.gz, test/golden/sysdig/env/*.tsv.gz, test/golden/sysdig/info/*.tsv.gz' },
  { script: 'make-golden-sysdig-abspath.py', oracle: 'sysdig', writes: 'test/golden/sysdig-abspath/abspath.scap.gz, abspath.tsv' },
  { script: 'make-golden-ptr.sh', oracle: 'tshark', writes: 'test/golden/names-ptr/*' },
  // Last: it scans the whole corpus with tshark -2 -N dn (about 25 minutes).
  { script: 'make-golden-names.ts', oracle: 'tshark', writes: 'test/golden/names/*' },
];

/**
 * Scripts under scripts/ that are not golden generators, and why. The `sysdig -r` line renderings
 * are the corpus's own (FILE.scap.sysdig.txt, see the corpus MANIFEST.md), read by the tests
 * directly; the per-field sysdig oracle is make-golden-sysdig-fields.sh's.
 */
export const NOT_GENERATORS: Record<string, string> = {
  'make-golden.ts': 'this runner',
  'check-cycles.ts': 'the import-cycle check (npm test)',
  'golden-corpus.ts': 'helpers of the tshark generators (the corpus\'s packet captures, tshark output on a non-zero exit), not a generator',
  'scale-check.ts': 'npm run scale-check: the ClickHouse export against clickhouse-server (CI, after the tests)',
  'after-pack.mjs': 'electron-builder hook (packaging)',
  'after-pack.d.mts': 'types of the electron-builder hook',
  'electron-fuses.ts': 'packaging: flips Electron fuses',
  'build-engine-worker.ts': 'npm run build: the engine worker bundle',
  'start-electron.ts': 'npm start: launches Electron, or says how to use browser mode when it cannot',
  'build-cli.mjs': 'npm run build:cli / npm pack: the tracelens command bundle (out/cli)',
  'cli-launcher.ts': 'the packaged app\'s tracelens launcher, written by the afterPack hook',
  'tsx-safe.mjs': 'npm run cli/web loader guard (tsx cache)',
  'record-loopback.sh': 'records real loopback captures for the bench (nginx + wrk + tcpdump), not a golden',
  'measure-reordered.sh': 'measures tshark on the reordered bench files, not a golden',
  'make-fixture-fidelity.py': 'writes the input fixtures test/fixtures/fidelity/*.pcap (deterministic; their tshark oracles are make-golden-cli-cases.sh\'s), not a golden',
  'record-dns-ptr.py': 'records the input fixture test/fixtures/dns-ptr/dns-ptr.pcap (dig and tcpdump on lo; its tshark oracles are make-golden-ptr.sh\'s), not a golden',
  'record-dns-tcp.py': 'records the input fixture test/fixtures/dns-tcp/dns-tcp.pcap (tcpdump on lo; its tshark oracles are make-golden-cli-cases.sh\'s), not a golden',
  'make-fixture-darwin-pib.py': 'writes the input fixture test/fixtures/darwin/darwin-pib.pcapng (deterministic; what tshark 4.0 reads of it is quoted in test/dissectors/darwin-pib.test.ts), not a golden',
  'make-scap-rotation.sh': 'rotates a scap with sysdig -r IN -w OUT -e N -W K into input files for the tests (test/sets/scap-rotation.test.ts runs it), not a golden',
  'gen-scap-event-table.py': 'transcribes falcosecurity/libs event tables into source (needs a libs checkout), not a golden',
};

function oracleVersion(oracle: Oracle): string | undefined {
  const r = spawnSync(oracle, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0].trim();
}

/** `git status --porcelain` lines under test/, with a content hash so a second change to a modified file shows. */
function gitStatus(): string[] {
  const lines = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'test'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((l) => l.length > 0);
  return lines.map((l) => {
    const path = l.slice(3);
    const hash = existsSync(join(ROOT, path)) && !path.endsWith('/') ? execFileSync('git', ['hash-object', path], { cwd: ROOT, encoding: 'utf8' }).trim() : '';
    return `${l} ${hash}`.trimEnd();
  });
}

function command(script: string, corpus: string): [string, string[]] {
  const path = join('scripts', script);
  if (script.endsWith('.sh')) return ['bash', [path, corpus]];
  if (script.endsWith('.ts')) return [process.execPath, ['--import', 'tsx', path, corpus]];
  if (script.endsWith('.py')) return ['python3', [path, corpus]];
  throw new Error(`no way to run ${script}`);
}

/** Files under scripts/ in neither list (a new generator must not be forgotten here). */
export function unlistedScripts(): string[] {
  const listed = new Set([...GENERATORS.map((g) => g.script), ...Object.keys(NOT_GENERATORS)]);
  return readdirSync(join(ROOT, 'scripts')).filter((f) => !listed.has(f));
}

function main(): number {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : undefined;
  const corpus = resolve(args[0] ?? '/work/shared/corpus');
  if (!existsSync(corpus)) {
    console.error(`make-golden: corpus ${corpus} not found (pass its path: npm run golden -- DIR)`);
    return 1;
  }
  const unlisted = unlistedScripts();
  if (unlisted.length > 0) {
    console.error(`make-golden: scripts/${unlisted.join(', scripts/')} not in GENERATORS or NOT_GENERATORS (scripts/make-golden.ts)`);
    return 1;
  }
  // Changes under test/ from before the run (work in progress) are not the oracle's doing.
  const before = new Set(gitStatus());
  const versions = new Map<Oracle, string | undefined>();
  let failed = 0;
  for (const g of GENERATORS) {
    if (only !== undefined && !g.script.includes(only)) continue;
    if (!versions.has(g.oracle)) versions.set(g.oracle, oracleVersion(g.oracle));
    const version = versions.get(g.oracle);
    if (version === undefined) {
      console.log(`skip ${g.script}: ${g.oracle} is not installed (its goldens ${g.writes} are left as they are)`);
      continue;
    }
    const [cmd, argv] = command(g.script, corpus);
    const t0 = process.hrtime.bigint();
    console.log(`run  ${g.script} (${version}) → ${g.writes}`);
    const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) {
      console.error(`FAIL ${g.script}: exit ${r.status ?? r.signal}`);
      failed++;
    } else console.log(`done ${g.script} in ${wall.toFixed(1)} s`);
  }
  if (failed === 0) {
    const changed = gitStatus().filter((l) => !before.has(l));
    console.log(changed.length > 0 ? `goldens changed (review with git diff test/):\n${changed.join('\n')}` : 'goldens unchanged');
  }
  return failed === 0 ? 0 : 1;
}

// Run only as the script itself (the test imports the lists).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
