/** Command-line parsing for the CLI: pure, so usage errors are unit-testable. */
import type { DecodeAsRule } from '../../shared/rpc.ts';
import { isStatName, STAT_NAMES, type StatName } from '../../shared/stats.ts';
import { NAMES_OFF, parseNameFlags, type NameMode } from '../../shared/names.ts';
import type { LineStyle } from '../../shared/field-lines.ts';

/** HTTP/2 stream ids as electron/engine/host/h2-stream.ts reads them (kept here so parsing stays import-free). */
const H2_STREAM_ID_RE = /^h2:((?:tls:)?(?:tcp:\d+|\d+|fd:\d+:\d+:\d+)):(\d+)$/;

export interface ListArgs {
  command: 'list';
  file: string;
  /** Further files opened together with FILE (strace -ff per-process logs, merged by time). */
  more: string[];
  fields: string[];
  filter: string | undefined;
  keylogs: string[];
  /** TLS 1.2 pre-shared keys in hex (--tls-psk), as Wireshark's tls.psk. */
  psks: string[];
  format: 'tsv' | 'json';
  /** Events 1..N only, then the filter (tshark -c N reading a file: the first N packets read). */
  count: number | undefined;
  /** How -e values are printed (tshark -E). */
  fieldStyle: FieldStyle;
  /** The details tree of each event as indented text instead of the columns (tshark -V). */
  details: boolean;
  /** No line per event, only warnings (tshark -q). */
  quiet: boolean;
  /** Notes for stderr about accepted options that change nothing (tshark -n, -2). */
  notes: string[];
  /** --follow: print events as a file still being written grows (FILE `-`, standard input, always does). */
  follow: boolean;
  /** --stop-after SECONDS: stop following then. */
  stopAfter: number | undefined;
  /** -N FLAGS / -n: name addresses from the capture itself (NRB, captured DNS); off by default. */
  names: NameMode;
}

/** tshark's -E options for `-T fields`: what separates fields and occurrences, quoting, a header line. */
/** tshark's -E options: the line style (shared/field-lines.ts) and a header line. */
export interface FieldStyle extends LineStyle {
  header: boolean;
}

export const DEFAULT_FIELD_STYLE: FieldStyle = { separator: '\t', aggregator: ',', quote: '', header: false, occurrence: 'a' };

export interface FollowArgs {
  command: 'follow';
  file: string;
  /** Further files opened together with FILE (strace -ff per-process logs, merged by time). */
  more: string[];
  stream: string | undefined;
  event: number | undefined;
  keylogs: string[];
  /** TLS 1.2 pre-shared keys in hex (--tls-psk), as Wireshark's tls.psk. */
  psks: string[];
  as: 'ascii' | 'hex' | 'raw' | 'yaml';
}

export interface HttpArgs {
  command: 'http';
  file: string;
  /** Further files opened together with FILE (strace -ff per-process logs, merged by time). */
  more: string[];
  keylogs: string[];
  /** TLS 1.2 pre-shared keys in hex (--tls-psk), as Wireshark's tls.psk. */
  psks: string[];
  filter: string | undefined;
  format: 'jsonl' | 'tsv';
}

export interface HarArgs {
  command: 'har';
  file: string;
  more: string[];
  keylogs: string[];
  psks: string[];
  filter: string | undefined;
  /** Write the HAR to this file instead of standard output. */
  out: string | undefined;
}

export interface ExportObjectsArgs {
  command: 'export-objects';
  file: string;
  /** Further files opened together with FILE (strace -ff per-process logs, merged by time). */
  more: string[];
  out: string;
  keylogs: string[];
  /** TLS 1.2 pre-shared keys in hex (--tls-psk), as Wireshark's tls.psk. */
  psks: string[];
}

/** `tls FILE`: the TLS summary (shared/tls-summary.ts). */
export interface TlsArgs {
  command: 'tls';
  file: string;
  more: string[];
  keylogs: string[];
  psks: string[];
  format: 'text' | 'json' | 'tsv';
}

export interface ExpertArgs {
  command: 'expert';
  file: string;
  /** Further files opened together with FILE (strace -ff per-process logs, merged by time). */
  more: string[];
  keylogs: string[];
  /** TLS 1.2 pre-shared keys in hex (--tls-psk), as Wireshark's tls.psk. */
  psks: string[];
}

export interface StatsArgs {
  command: 'stats';
  name: StatName;
  file: string;
  more: string[];
  filter: string | undefined;
  keylogs: string[];
  format: 'text' | 'json' | 'tsv';
}

export interface SqlArgs {
  command: 'sql';
  /** Captures loaded as the tables events, http, conversations (none: DuckDB alone, for read_parquet). */
  files: string[];
  query: string;
  keylogs: string[];
  format: 'tsv' | 'csv' | 'json';
  /** events.info (a dissection per event); --no-info leaves it out. */
  info: boolean;
}

export interface ExportArgs {
  command: 'export';
  files: string[];
  parquet: string | undefined;
  clickhouse: string | undefined;
  /** Parquet page compression: none (fastest, the default) or gzip (node:zlib). */
  compression: 'none' | 'gzip';
  keylogs: string[];
  info: boolean;
}

export type CliArgs =
  | TlsArgs
  | { command: 'info'; file: string; more: string[] }
  | { command: 'link'; file: string; more: string[]; event: number }
  | { command: 'owners'; file: string; more: string[] }
  | StatsArgs
  | ListArgs
  | FollowArgs
  | HttpArgs
  | ExportObjectsArgs
  | ExpertArgs
  | TraceArgs
  | HarArgs
  | SqlArgs
  | ExportArgs
  | { command: 'fields' }
  | { command: 'version' }
  | { command: 'help' };

/**
 * The first words that make a command line the CLI's rather than the window's (the packaged
 * app's `tracelens` launcher, scripts/cli-launcher.ts); any first word starting with "-" does too.
 */
export const CLI_COMMANDS = ['info', 'list', 'tshark', 'fields', 'follow', 'http', 'har', 'export-objects', 'expert', 'tls', 'stats', 'link', 'owners', 'trace', 'sql', 'export', 'help', 'version'] as const;

export interface TraceArgs {
  command: 'trace';
  out: string | undefined;
  pcap: boolean;
  argv: string[];
}

export function parseTraceArgs(rest: string[]): TraceArgs {
  const a: TraceArgs = { command: 'trace', out: undefined, pcap: false, argv: [] };
  for (let i = 0; i < rest.length; i++) {
    const x = rest[i];
    if (x === '--') {
      a.argv = rest.slice(i + 1);
      break;
    }
    if (x === '--out') {
      const v = rest[++i];
      if (v === undefined || v === '') throw new UsageError('--out needs a file name prefix');
      a.out = v;
    } else if (x === '--pcap') a.pcap = true;
    else if (x.startsWith('-')) throw new UsageError(`unknown option ${x} for trace`);
    else {
      a.argv = rest.slice(i);
      break;
    }
  }
  if (a.argv.length === 0) throw new UsageError('trace takes the command to run: tracelens trace [--out PREFIX] [--pcap] -- CMD ARGS…');
  return a;
}


export const USAGE = `usage: tracelens COMMAND [options]
  info FILE                      one JSON object: format, events, first/last time, link types, warnings
  list FILE [-e FIELD]... [-f FILTER] [--keylog FILE]... [--format tsv|json] [--count N]
       [--separator C] [--aggregator C] [--quote d|s|n] [--occurrence a|f|l] [--header] [--details]
       [-N n|dn] [-n]
                                 one line per event: the -e fields (tab-separated, several
                                 occurrences joined with ","), or the default columns;
                                 --count N: events 1..N only; --details: each event's tree;
                                 -N n: Source/Destination named by the capture's Name Resolution
                                 Blocks, -N dn: also by its DNS answers (never a lookup); -n: off
       [--follow [--stop-after SECONDS]]
                                 --follow: a file still being written (tcpdump -w, strace -o): print
                                 events as they arrive until Ctrl-C or SECONDS; FILE - reads
                                 standard input (tcpdump -w - | tracelens list -)
  tshark -r FILE [-Y FILTER] [-T fields|json|ek] [-e FIELD]... [-E OPT=V]... [-o tls.keylog_file:K]
         [-c N] [-V] [-q] [-2] [-n] [-N FLAGS]
                                 tshark's flags, the same output as the list form (docs/cli.md)
  trace [--out PREFIX] [--pcap] -- CMD ARGS…
                                 run CMD under strace with a fresh TLS key log (SSLKEYLOGFILE,
                                 Node's --tls-keylog): PREFIX.strace, PREFIX.keys (and PREFIX.pcap
                                 by tcpdump with --pcap); exit status: CMD's
  fields                         every field: name, type, description
  --version                      the version of tracelens
  follow FILE (--stream tcp:N|udp:N|tls:N|fd:PID:FD:N|h2:tcp:N:S | --event N) [--keylog FILE]... [--as ascii|hex|raw|yaml]
                                 a stream's bytes; --as raw: one line per chunk, "> " client → server
                                 or "< " server → client, then the bytes as lowercase hex; h2:tcp:N:S
                                 (or h2:fd:PID:FD:N:S) is HTTP/2 stream S: header blocks as text, DATA
  http FILE [--keylog FILE]... [-f FILTER] [--format jsonl|tsv]
                                 one line per HTTP/1.x or HTTP/2 exchange
  har FILE [--keylog FILE]... [-f FILTER] [--out FILE.har]
                                 the HTTP exchanges as an HTTP Archive (HAR 1.2): headers,
                                 bodies, timings; to standard output unless --out
  export-objects FILE --out DIR [--keylog FILE]...
                                 every HTTP body (decoded) to a file in DIR
  tls FILE [--keylog FILE]... [--format text|json|tsv]
                                 the TLS summary: per connection its version, cipher suite, SNI,
                                 ALPN and whether it was decrypted, then the totals of each
  expert FILE [--keylog FILE]...  Expert Information as tshark -z expert prints it: per severity,
                                 the count, group, protocol and summary of each kind of entry
  stats NAME FILE [-f FILTER] [--keylog FILE]... [--format text|json|tsv]
                                 a tshark -z statistic: ${STAT_NAMES.join(' ')}
                                 io,stat,INTERVAL[,FILTER]... (text as tshark -q -z NAME prints it)
  link FILE FILE... --event N     a capture set's links of event N: one line per linked event,
                                 "EVENT<TAB>ROLE<TAB>FROM-TO" (segment: a packet carrying the
                                 bytes; sent/received: the write/read of them), then notes
  owners FILE FILE...            a capture set's conversations and the socket owning each side
  sql [FILE]... QUERY [--keylog FILE]... [--format tsv|csv|json] [--no-info]
                                 an SQL query (DuckDB) over the captures as the tables events,
                                 http and conversations (each FILE a capture of its own, named
                                 in the column capture); no FILE: DuckDB alone, e.g. over
                                 read_parquet('DIR/**/events.parquet') (docs/sql.md);
                                 --no-info: events without info (its one costly column)
  export FILE... (--parquet DIR | --clickhouse DIR) [--keylog FILE]... [--no-info]
       [--compression none|gzip]
                                 the same tables as DIR/events.parquet, http.parquet,
                                 conversations.parquet, or as ClickHouse's schema.sql and
                                 events.jsonl, http.jsonl, conversations.jsonl (docs/scale.md);
                                 --compression: of the Parquet pages (default none)
  FILE may be followed by more files, opened as one capture set merged by time (pcap/pcapng:
  as mergecap; with strace logs or a scap: conversations matched to their sockets, see
  docs/capture-sets.md). Every command that takes
  --keylog FILE (NSS key log) also takes --tls-psk HEX (a TLS 1.2 pre-shared key).
  Every command that opens FILE takes -d TABLE==VALUE,PROTOCOL (as tshark's -d, Decode As; e.g.
  -d tcp.port==8000,dns, -d udp.port==5000-5010,ntp; tables tcp.port, udp.port, ip.proto,
  ethertype, link_type); several -d are applied in order.
`;

export class UsageError extends Error {}

/** A well-formed request for something tracelens does not do yet: the message alone, no usage text. */
export class NotInTracelens extends UsageError {}

export function emptyListArgs(): ListArgs {
  return {
    command: 'list', file: '', more: [], fields: [], filter: undefined, keylogs: [], psks: [], format: 'tsv',
    count: undefined, fieldStyle: { ...DEFAULT_FIELD_STYLE }, details: false, quiet: false, notes: [], follow: false, stopAfter: undefined, names: { ...NAMES_OFF },
  };
}

/** `-N FLAGS` (tshark's letters): `n` names from the capture's NRBs, `d` also from its DNS answers. */
export function nameFlags(a: ListArgs, text: string): void {
  const r = parseNameFlags(text);
  if ('error' in r) throw new UsageError(r.error);
  a.names = r.mode;
  if (r.ignored !== '') a.notes.push(`-N ${r.ignored}: tracelens names network addresses only (n, d), from the capture itself; never by a lookup`);
  if (r.mode.dns && !r.mode.network) a.notes.push('-N d without n names nothing (as tshark): use -N dn');
}

export function countValue(option: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${option} must be a number of events (1 or more), not ${v}`);
  return Number(v);
}

/** A separator or aggregator: one character, or tshark's /t (tab) and /s (space). */
export function styleChar(option: string, v: string): string {
  if (v === '/t') return '\t';
  if (v === '/s') return ' ';
  if ([...v].length !== 1) throw new UsageError(`${option} must be one character, /t or /s, not ${JSON.stringify(v)}`);
  return v;
}

export function quoteChar(option: string, v: string): string {
  if (v === 'd') return '"';
  if (v === 's') return "'";
  if (v === 'n') return '';
  throw new UsageError(`${option} must be d (double), s (single) or n (none), not ${v}`);
}

export function occurrenceValue(option: string, v: string): FieldStyle['occurrence'] {
  if (v === 'a' || v === 'f' || v === 'l') return v;
  throw new UsageError(`${option} must be a (all), f (first) or l (last), not ${v}`);
}

export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === '--version' || command === 'version' || command === '-v') {
    if (rest.length > 0) throw new UsageError(`${command} takes no arguments (got ${rest.join(' ')})`);
    return { command: 'version' };
  }
  if (command === 'fields') {
    if (rest.length > 0) throw new UsageError(`fields takes no arguments (got ${rest.join(' ')})`);
    return { command: 'fields' };
  }
  if (command === 'info') {
    const opts = rest.find((a) => a.startsWith('-') && a !== '-');
    if (opts !== undefined) throw new UsageError(`unknown option ${opts} for info`);
    if (rest.length < 1) throw new UsageError('info takes FILE (several files only for strace -ff logs)');
    return { command: 'info', file: rest[0], more: rest.slice(1) };
  }
  if (command === 'list') {
    const out = emptyListArgs();
    const files: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const value = (): string => {
        const v = rest[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        return v;
      };
      if (a === '-e') out.fields.push(value());
      else if (a === '-f') out.filter = value();
      else if (a === '--keylog') out.keylogs.push(value());
      else if (a === '--tls-psk') out.psks.push(value());
      else if (a === '--format') {
        const f = value();
        if (f !== 'tsv' && f !== 'json') throw new UsageError(`--format must be tsv or json, not ${f}`);
        out.format = f;
      } else if (a === '--count') out.count = countValue(a, value());
      else if (a === '--separator') out.fieldStyle.separator = styleChar(a, value());
      else if (a === '--aggregator') out.fieldStyle.aggregator = styleChar(a, value());
      else if (a === '--quote') out.fieldStyle.quote = quoteChar(a, value());
      else if (a === '--occurrence') out.fieldStyle.occurrence = occurrenceValue(a, value());
      else if (a === '--header') out.fieldStyle.header = true;
      else if (a === '--details') out.details = true;
      else if (a === '-N') nameFlags(out, value());
      else if (a === '-n') out.names = { ...NAMES_OFF };
      else if (a === '--follow') out.follow = true;
      else if (a === '--stop-after') {
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError(`--stop-after must be a number of seconds, not ${v}`);
        out.stopAfter = Number(v);
      } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
      else files.push(a);
    }
    if (files.length < 1) throw new UsageError('list takes FILE (several files only for strace -ff logs)');
    if (out.stopAfter !== undefined && !out.follow) throw new UsageError('--stop-after needs --follow');
    if (out.follow && out.details) throw new UsageError('--details cannot be used with --follow');
    out.file = files[0];
    out.more = files.slice(1);
    return out;
  }
  if (command === 'follow' || command === 'http' || command === 'export-objects' || command === 'expert' || command === 'har' || command === 'tls') return parseStreamCommand(command, rest);
  if (command === 'link' || command === 'owners') return parseSetCommand(command, rest);
  if (command === 'stats') return parseStats(rest);
  if (command === 'sql' || command === 'export') return parseSqlCommand(command, rest);
  if (command === 'trace') return parseTraceArgs(rest);
  throw new UsageError(`unknown command ${command}`);
}

/** `link FILE... --event N`, `owners FILE...`: capture-set commands. */
function parseSetCommand(command: 'link' | 'owners', rest: string[]): CliArgs {
  const files: string[] = [];
  let event: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--event' && command === 'link') {
      const v = rest[++i];
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--event must be an event number, not ${v ?? 'nothing'}`);
      event = Number(v);
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a} for ${command}`);
    else files.push(a);
  }
  if (files.length < 2) throw new UsageError(`${command} takes the files of a capture set: a pcap and the strace or scap of the same run`);
  const [file, ...more] = files;
  if (command === 'owners') return { command, file, more };
  if (event === undefined) throw new UsageError('link needs --event N');
  return { command, file, more, event };
}

/** `sql [FILE]... QUERY`, `export FILE... --parquet DIR | --clickhouse DIR`. */
function parseSqlCommand(command: 'sql' | 'export', rest: string[]): SqlArgs | ExportArgs {
  const words: string[] = [];
  const keylogs: string[] = [];
  let format: SqlArgs['format'] = 'tsv';
  let parquet: string | undefined;
  let clickhouse: string | undefined;
  let info = true;
  let compression: ExportArgs['compression'] = 'none';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--keylog') keylogs.push(value());
    else if (a === '--no-info') info = false;
    else if (a === '--format' && command === 'sql') {
      const v = value();
      if (v !== 'tsv' && v !== 'csv' && v !== 'json') throw new UsageError(`--format must be tsv, csv or json, not ${v}`);
      format = v;
    } else if (a === '--parquet' && command === 'export') parquet = value();
    else if (a === '--clickhouse' && command === 'export') clickhouse = value();
    else if (a === '--compression' && command === 'export') {
      const v = value();
      if (v !== 'none' && v !== 'gzip') throw new UsageError(`--compression must be none or gzip, not ${v}`);
      compression = v;
    }
    else if (a.startsWith('-') && a !== '-' && !/\s/.test(a)) throw new UsageError(`unknown option ${a} for ${command}`);
    else words.push(a);
  }
  if (command === 'sql') {
    const query = words.pop();
    if (query === undefined || query.trim() === '') throw new UsageError('sql takes the captures, then the query: sql FILE... "SELECT count(*) FROM events"');
    return { command, files: words, query, keylogs, format, info };
  }
  if (words.length === 0) throw new UsageError('export takes FILE...');
  if (parquet === undefined && clickhouse === undefined) throw new UsageError('export needs --parquet DIR or --clickhouse DIR');
  return { command, files: words, parquet, clickhouse, compression, keylogs, info };
}

function parseStats(rest: string[]): StatsArgs {
  const files: string[] = [];
  const out: StatsArgs = { command: 'stats', name: 'conv,tcp', file: '', more: [], filter: undefined, keylogs: [], format: 'text' };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-f') out.filter = value();
    else if (a === '--keylog') out.keylogs.push(value());
    else if (a === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'tsv') throw new UsageError(`--format must be text, json or tsv, not ${v}`);
      out.format = v;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a} for stats`);
    else files.push(a);
  }
  const [name, file, ...more] = files;
  if (name === undefined || !isStatName(name)) throw new UsageError(`stats takes NAME (one of ${STAT_NAMES.join(', ')}) then FILE${name ? `, not ${name}` : ''}`);
  if (file === undefined) throw new UsageError('stats takes NAME FILE');
  return { ...out, name, file, more };
}

function parseStreamCommand(command: 'follow' | 'http' | 'export-objects' | 'expert' | 'har' | 'tls', rest: string[]): CliArgs {
  const files: string[] = [];
  const keylogs: string[] = [];
  const psks: string[] = [];
  let stream: string | undefined;
  let event: number | undefined;
  let as: FollowArgs['as'] = 'ascii';
  let filter: string | undefined;
  let format: HttpArgs['format'] = 'jsonl';
  let tlsFormat: TlsArgs['format'] = 'text';
  let outDir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--keylog') keylogs.push(value());
    else if (a === '--tls-psk') psks.push(value());
    else if (a === '--stream' && command === 'follow') {
      stream = value();
      if (!/^(tcp|udp|tls):\d+$|^(tls:)?fd:\d+:\d+:\d+$/.test(stream) && !H2_STREAM_ID_RE.test(stream)) {
        throw new UsageError(`--stream must be tcp:N, udp:N, tls:N, fd:PID:FD:N or h2:tcp:N:S (HTTP/2 stream S of TCP stream N), not ${stream}`);
      }
    } else if (a === '--event' && command === 'follow') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--event must be an event number, not ${v}`);
      event = Number(v);
    } else if (a === '--as' && command === 'follow') {
      const v = value();
      if (v !== 'ascii' && v !== 'hex' && v !== 'raw' && v !== 'yaml') throw new UsageError(`--as must be ascii, hex, raw or yaml, not ${v}`);
      as = v;
    } else if (a === '-f' && (command === 'http' || command === 'har')) filter = value();
    else if (a === '--format' && command === 'http') {
      const v = value();
      if (v !== 'jsonl' && v !== 'tsv') throw new UsageError(`--format must be jsonl or tsv, not ${v}`);
      format = v;
    } else if (a === '--format' && command === 'tls') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'tsv') throw new UsageError(`--format must be text, json or tsv, not ${v}`);
      tlsFormat = v;
    } else if (a === '--out' && (command === 'export-objects' || command === 'har')) outDir = value();
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a} for ${command}`);
    else files.push(a);
  }
  if (files.length < 1) throw new UsageError(`${command} takes FILE (several files only for strace -ff logs)`);
  const [file, ...more] = files;
  if (command === 'follow') {
    if ((stream === undefined) === (event === undefined)) throw new UsageError('follow needs exactly one of --stream or --event');
    return { command, file, more, stream, event, keylogs, psks, as };
  }
  if (command === 'http') return { command, file, more, keylogs, psks, filter, format };
  if (command === 'expert') return { command, file, more, keylogs, psks };
  if (command === 'tls') return { command, file, more, keylogs, psks, format: tlsFormat };
  if (command === 'har') return { command, file, more, keylogs, psks, filter, out: outDir };
  if (outDir === undefined) throw new UsageError('export-objects needs --out DIR');
  return { command, file, more, out: outDir, keylogs, psks };
}

/** Most values a -d range may cover (a whole port space). */
const MAX_DECODE_AS_RANGE = 65536;

/**
 * One tshark `-d` value: `TABLE==VALUE,PROTOCOL`, VALUE a number (decimal or 0x hex), a range
 * `A-B` or `A:COUNT` (tshark's forms) — one rule per value.
 */
export function parseDecodeAs(text: string): DecodeAsRule[] {
  const m = /^([A-Za-z0-9_.]+)==(0x[0-9a-fA-F]+|\d+)(?:-(0x[0-9a-fA-F]+|\d+)|:(\d+))?,([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!m) throw new UsageError(`-d must be TABLE==VALUE,PROTOCOL (e.g. tcp.port==8000,dns), not ${text}`);
  const first = Number(m[2]);
  const last = m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? first + Number(m[4]) - 1 : first;
  if (last < first) throw new UsageError(`-d ${text}: the range ends before it starts`);
  if (last - first + 1 > MAX_DECODE_AS_RANGE) throw new UsageError(`-d ${text}: a range covers at most ${MAX_DECODE_AS_RANGE} values`);
  const rules: DecodeAsRule[] = [];
  for (let v = first; v <= last; v++) rules.push({ table: m[1], value: v, protocol: m[5] });
  return rules;
}

/** Take the `-d` / `--decode-as` options out of the arguments (every command that opens a file takes them). */
export function splitDecodeAsArgs(argv: string[]): { rest: string[]; rules: DecodeAsRule[] } {
  const rest: string[] = [];
  const rules: DecodeAsRule[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a !== '-d' && a !== '--decode-as') {
      rest.push(a);
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${a} needs a value (TABLE==VALUE,PROTOCOL)`);
    if (argv[0] === 'fields' || argv[0] === 'help') throw new UsageError(`${argv[0]} takes no ${a}`);
    rules.push(...parseDecodeAs(v));
  }
  return { rest, rules };
}
