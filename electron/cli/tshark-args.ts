/**
 * `tracelens tshark …`: tshark's flags, as people type them, mapped onto the `list` command's
 * arguments, so both forms share one implementation and print the same bytes (`-q -z NAME` onto
 * the `stats` command's). Pure, like args.ts.
 * The flags and their meaning follow tshark(1) of Wireshark 4.0; the mapping is in docs/cli.md.
 */
import { countValue, emptyListArgs, nameFlags, NotInTracelens, occurrenceValue, quoteChar, styleChar, UsageError, type FieldStyle, type ListArgs, type StatsArgs } from './args.ts';
import { STAT_NAMES, type StatName } from '../../shared/stats.ts';

/** Flags that take a value (getopt "x:"), and those that do not. */
const WITH_VALUE = new Set(['r', 'Y', 'T', 'e', 'E', 'o', 'c', 'z', 'N', 'R', 'f']);
const WITHOUT_VALUE = new Set(['2', 'n', 'q', 'V']);

/** The -E options whose value is one character (or /t, /s); the others run to the next comma. */
const ONE_CHAR_OPTIONS = new Set(['separator', 'aggregator']);
const E_OPTIONS = new Set(['separator', 'aggregator', 'quote', 'header', 'occurrence', 'bom', 'escape']);

/**
 * One -E argument: `separator=,` as tshark takes it, or several joined by commas
 * (`separator=,header=y,quote=d`): a one-character value is read before its comma.
 */
export function parseFieldOptions(text: string, style: FieldStyle): void {
  let rest = text;
  while (rest.length > 0) {
    const m = /^([a-z]+)=/.exec(rest);
    if (!m || !E_OPTIONS.has(m[1])) throw new UsageError(`-E takes separator=, aggregator=, quote=, header=, occurrence=, not ${rest}`);
    const key = m[1];
    rest = rest.slice(m[0].length);
    let value: string;
    if (ONE_CHAR_OPTIONS.has(key)) {
      value = rest.startsWith('/') ? rest.slice(0, 2) : [...rest][0] ?? '';
      rest = rest.slice(value.length);
      // `separator=,header=y`: the comma is the value and the joiner at once.
      if (value === ',' && /^[a-z]+=/.test(rest)) rest = `,${rest}`;
      if (rest.length > 0 && !rest.startsWith(',')) throw new UsageError(`-E ${key}= takes one character, /t or /s, not ${value}${rest}`);
    } else {
      const comma = rest.indexOf(',');
      value = comma < 0 ? rest : rest.slice(0, comma);
      rest = rest.slice(value.length);
    }
    if (rest.startsWith(',')) rest = rest.slice(1);
    const option = `-E ${key}`;
    if (key === 'separator') style.separator = styleChar(option, value);
    else if (key === 'aggregator') style.aggregator = styleChar(option, value);
    else if (key === 'quote') style.quote = quoteChar(option, value);
    else if (key === 'occurrence') style.occurrence = occurrenceValue(option, value);
    else if (key === 'header') style.header = yesNo(option, value);
    // bom=y and escape=y change nothing here: no BOM is written, values never hold control characters unescaped.
    else yesNo(option, value);
  }
}

function yesNo(option: string, v: string): boolean {
  if (v === 'y') return true;
  if (v === 'n') return false;
  throw new UsageError(`${option} must be y or n, not ${v}`);
}

/** `-o PREF:VALUE`: the TLS secrets preferences only. */
function preference(a: ListArgs, text: string): void {
  const m = /^(tls|ssl)\.(keylog_file|psk):(.+)$/.exec(text);
  if (!m) throw new UsageError(`-o takes tls.keylog_file:FILE or tls.psk:HEX (tracelens has no other preferences), not ${text}`);
  if (m[2] === 'keylog_file') a.keylogs.push(m[3]);
  else a.psks.push(m[3]);
}

/** Split getopt style: `-nq` is `-n -q`, `-c5` is `-c 5`. */
function* options(argv: readonly string[]): Generator<{ flag: string; value: () => string } | { arg: string }> {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-' || a.startsWith('--')) {
      yield { arg: a };
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const flag = a[k];
      if (WITH_VALUE.has(flag)) {
        const attached = a.slice(k + 1);
        const value = (): string => {
          if (attached.length > 0) return attached;
          const v = argv[++i];
          if (v === undefined) throw new UsageError(`-${flag} needs a value`);
          return v;
        };
        yield { flag, value };
        break;
      }
      if (!WITHOUT_VALUE.has(flag)) throw new UsageError(`tshark option -${flag} is not in tracelens (see docs/cli.md for the flags it takes)`);
      yield { flag, value: () => '' };
    }
  }
}

/**
 * `-z conv,tcp` or `-z conv,tcp,FILTER` (tshark's statistic with its own display filter) → the
 * statistic's name and filter.
 */
export function statValue(text: string): { name: StatName; filter: string | undefined } {
  // io,stat's filters are part of its name (one column each).
  if (text.startsWith('io,stat,')) return { name: text as `io,stat,${string}`, filter: undefined };
  // The longest name first: none is a prefix of another today, but `conv,ip` is of `conv,ipv6`'s text.
  const name = [...STAT_NAMES].sort((x, y) => y.length - x.length).find((n) => text === n || text.startsWith(`${n},`));
  if (!name) throw new NotInTracelens(`-z ${text}: tracelens has the statistics ${STAT_NAMES.join(', ')} (with an optional ,FILTER)`);
  const filter = text.slice(name.length + 1);
  return { name, filter: filter === '' ? undefined : filter };
}

export function parseTsharkArgs(argv: readonly string[]): ListArgs | StatsArgs {
  const a = emptyListArgs();
  const stats: string[] = [];
  let file: string | undefined;
  let format: 'text' | 'fields' | 'json' | 'ek' = 'text';
  for (const o of options(argv)) {
    if ('arg' in o) throw new UsageError(`tshark form: capture filters (${o.arg}) are for live capture; tracelens reads files: use -Y FILTER`);
    const { flag, value } = o;
    if (flag === 'r') {
      if (file !== undefined) throw new UsageError('-r takes one FILE');
      file = value();
    } else if (flag === 'Y') a.filter = value();
    else if (flag === 'e') a.fields.push(value());
    else if (flag === 'E') parseFieldOptions(value(), a.fieldStyle);
    else if (flag === 'o') preference(a, value());
    else if (flag === 'c') a.count = countValue('-c', value());
    else if (flag === 'T') {
      const t = value();
      if (t !== 'text' && t !== 'fields' && t !== 'json' && t !== 'ek') throw new UsageError(`-T takes fields, json, ek or text (tracelens has no ${t} output)`);
      format = t;
    } else if (flag === 'z') stats.push(value()); else if (flag === 'R' || flag === 'f') {
      throw new UsageError(flag === 'R' ? '-R (read filter) is not in tracelens: use -Y FILTER' : '-f (capture filter) is for live capture; tracelens reads files: use -Y FILTER');
    } else if (flag === 'V') a.details = true;
    else if (flag === 'q') a.quiet = true;
    // -2 is what tracelens always does (the whole capture is indexed first): names learned
    // anywhere in the file name every frame, as tshark -2 -N dn.
    else if (flag === '2') continue;
    else if (flag === 'n') a.names = { network: false, dns: false };
    else if (flag === 'N') nameFlags(a, value());
  }
  if (file === undefined) throw new UsageError('tshark form needs -r FILE');
  if (stats.length > 0) return statsArgs(a, file, stats, format);
  if (format === 'fields' && a.fields.length === 0) throw new UsageError('-T fields needs at least one -e FIELD');
  if (format !== 'fields' && a.fields.length > 0 && format === 'text') throw new UsageError('-e FIELD needs -T fields (or -T json/ek)');
  a.file = file;
  a.format = format === 'json' || format === 'ek' ? 'json' : 'tsv';
  // tshark prints the tree for -V only in text output; -T fields and -T json/ek ignore it.
  if (format !== 'text') a.details = false;
  return a;
}

/** `-r FILE -q -z NAME[,FILTER]`: the `stats` command, which prints what tshark prints after -q. */
function statsArgs(a: ListArgs, file: string, stats: string[], format: string): StatsArgs {
  if (stats.length > 1) throw new NotInTracelens(`-z ${stats.join(' -z ')}: tracelens prints one statistic per run`);
  // tshark prints every packet before the statistic unless -q; tracelens prints the statistic only.
  if (!a.quiet) throw new NotInTracelens(`-z ${stats[0]} without -q: tracelens prints the statistic without the packet list; add -q`);
  if (a.filter !== undefined) throw new NotInTracelens(`-z with -Y: give the statistic its filter as tshark does, -z ${stats[0]},FILTER`);
  if (a.count !== undefined || a.fields.length > 0 || a.psks.length > 0 || format !== 'text') throw new NotInTracelens(`-z ${stats[0]} takes -r, -q, -o tls.keylog_file: and -n/-2 only`);
  const { name, filter } = statValue(stats[0]);
  return { command: 'stats', name, file, more: [], filter, keylogs: a.keylogs, format: 'text' };
}
