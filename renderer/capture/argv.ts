/**
 * The trace dialog's command line, split into the arguments it will run (shown back as chips).
 * Not a shell: whitespace separates arguments, '…' keeps its content as typed, "…" too except
 * that \" and \\ stand for " and \, and a backslash outside quotes keeps the next character.
 * Nothing is expanded: $VAR, *, ~, |, ; and > are passed as typed.
 */
export function splitArgs(text: string): { args: string[]; error: string | null } {
  const args: string[] = [];
  let cur = '';
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inArg = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inArg = true;
    } else if (/\s/.test(ch)) {
      if (inArg) args.push(cur);
      cur = '';
      inArg = false;
    } else {
      cur += ch;
      inArg = true;
    }
  }
  if (quote) return { args: [], error: `the ${quote === '"' ? 'double' : 'single'} quote is not closed` };
  if (inArg) args.push(cur);
  return { args, error: null };
}

/** Characters a shell would act on: worth a word that they are passed as typed. */
export function shellNote(args: readonly string[]): string | null {
  const used = [...new Set(args.join('').match(/[$*?~|;&<>`]/g) ?? [])];
  return used.length > 0 ? `No shell runs the command: ${used.join(' ')} ${used.length === 1 ? 'is' : 'are'} passed as typed (run sh -c '…' for a pipeline).` : null;
}
