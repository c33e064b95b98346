/** Command-line parsing for the CLI: pure, so usage errors are unit-testable. */

export interface ListArgs {
  command: 'list';
  file: string;
  fields: string[];
  filter: string | undefined;
  keylogs: string[];
  format: 'tsv' | 'json';
}

export type CliArgs =
  | { command: 'info'; file: string }
  | ListArgs
  | { command: 'fields' }
  | { command: 'help' };

export const USAGE = `usage: tracelens COMMAND [options]
  info FILE                      one JSON object: format, events, first/last time, link types, warnings
  list FILE [-e FIELD]... [-f FILTER] [--keylog FILE]... [--format tsv|json]
                                 one line per event: the -e fields (tab-separated, several
                                 occurrences joined with ","), or the default columns
  fields                         every field: name, type, description
`;

export class UsageError extends Error {}

export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'fields') {
    if (rest.length > 0) throw new UsageError(`fields takes no arguments (got ${rest.join(' ')})`);
    return { command: 'fields' };
  }
  if (command === 'info') {
    if (rest.length !== 1) throw new UsageError('info takes exactly one FILE');
    return { command: 'info', file: rest[0] };
  }
  if (command === 'list') {
    const out: ListArgs = { command: 'list', file: '', fields: [], filter: undefined, keylogs: [], format: 'tsv' };
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
      else if (a === '--format') {
        const f = value();
        if (f !== 'tsv' && f !== 'json') throw new UsageError(`--format must be tsv or json, not ${f}`);
        out.format = f;
      } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
      else files.push(a);
    }
    if (files.length !== 1) throw new UsageError('list takes exactly one FILE');
    out.file = files[0];
    return out;
  }
  throw new UsageError(`unknown command ${command}`);
}
