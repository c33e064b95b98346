/**
 * Display filters under hostile input (issue 11 items 6 and 7): nesting beyond the stack, flat
 * chains that must not count as nesting, ReDoS patterns, PCRE2 syntax RE2 lacks, and
 * cancellation of a filter whose every predicate call reads a large frame.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { checkRegex, compileFilterText, engineFieldIndex, MAX_REGEX_PROGRAM } from '../../electron/engine/filter/compile.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { MAX_FILTER_DEPTH, parseFilter } from '../../shared/filter/index.ts';
import { flatChain, nestedNots, nestedParens, rng, writeFillPcap } from './filter-gen.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-hostile-filter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(text: string): { message: string; from: number; to: number } {
  const r = compileFilterText(text);
  if (r.ok) throw new Error(`expected an error for ${text.slice(0, 60)}`);
  return r.errors[0];
}

describe('nesting depth', () => {
  it('49 k parentheses: a positioned error, not a stack overflow', () => {
    const t0 = performance.now();
    const e = errorOf(nestedParens(49_000));
    expect(e.message).toBe(`filter nests deeper than ${MAX_FILTER_DEPTH} levels at column 258`);
    expect(e.from).toBe(257);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('20 k nots: a positioned error', () => {
    const e = errorOf(nestedNots(20_000));
    expect(e.message).toMatch(/^filter nests deeper than 256 levels at column \d+$/);
    expect(e.from).toBe(4 * 257);
  });

  it('256 levels are accepted, 257 are not', () => {
    expect(compileFilterText(nestedParens(256)).ok).toBe(true);
    expect(compileFilterText(nestedNots(255)).ok).toBe(true);
    expect(errorOf(nestedParens(257)).from).toBe(257);
    // The compiled predicate of the deepest accepted filter runs (its closures nest 256 deep).
    const c = compileFilterText(nestedNots(256));
    expect(c.ok).toBe(true);
  });

  it('a long left-deep arithmetic chain stops at the operator that goes too deep', () => {
    const text = `frame.len${' + 1'.repeat(300)} > 0`;
    const e = errorOf(text);
    expect(e.message).toMatch(/nests deeper than 256 levels/);
    expect(text[e.from]).toBe('+');
  });

  it('a flat chain of 20,000 "or"s is not nesting: it parses, compiles and evaluates', async () => {
    const text = flatChain(20_000, 'or', (k) => `frame.len == ${100_000 + k}`) + ' or frame.len == 60';
    const t0 = performance.now();
    const c = compileFilterText(text);
    expect(c.ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(5000);
    const file = join(dir, 'small.pcap');
    writeFillPcap(file, 3, 60, 0x61, 0x21);
    const { capture, indexing } = await openCapture(file);
    await indexing;
    const run = await runFilter(capture, text);
    expect(run.ok && [...run.events]).toEqual([1, 2, 3]);
    const and = await runFilter(capture, flatChain(5_000, 'and', () => 'frame.len == 60'));
    expect(and.ok && [...and.events]).toEqual([1, 2, 3]);
    const xor = await runFilter(capture, flatChain(5_001, 'xor', () => 'frame'));
    expect(xor.ok && [...xor.events]).toEqual([1, 2, 3]);
  });

  it('the CLI exits 1 (usage error) with the caret under the column', async () => {
    const file = join(dir, 'cli.pcap');
    writeFillPcap(file, 2, 60, 0x61, 0x21);
    const chunks: string[] = [];
    const sink = (): Writable => new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(String(c)), cb()) });
    const code = await runCli(['list', file, '-f', nestedParens(49_000)], sink(), sink());
    expect(code).toBe(1);
    expect(chunks.join('')).toContain('filter nests deeper than 256 levels at column 258');
  }, 60_000);

  it('seeded mutations of nested filters never throw and end fast', () => {
    const next = rng(11);
    const pieces = ['(', ')', 'not ', '!', ' and ', ' or ', ' xor ', 'frame', ' + 1', '-', '[0:1]', '{', '}', ' == 1', ' in {1,2}', 'len(', '"a"', ' matches "(a+)+$"'];
    let worst = 0;
    for (let k = 0; k < 300; k++) {
      let text = '';
      const n = Math.floor(next() * 3000);
      for (let j = 0; j < n; j++) text += pieces[Math.floor(next() * pieces.length)];
      const t0 = performance.now();
      const r = parseFilter(text, engineFieldIndex());
      worst = Math.max(worst, performance.now() - t0);
      expect(typeof r.ok).toBe('boolean');
    }
    expect(worst).toBeLessThan(500);
  });
});

describe('matches with the linear-time engine', () => {
  it('ReDoS: (a+)+$ over 64 KB frames of "a" ends fast and gives the right answer', async () => {
    const file = join(dir, 'aaaa.pcap');
    writeFillPcap(file, 40, 65_535, 0x61, 0x21);
    const { capture, indexing } = await openCapture(file);
    await indexing;
    const t0 = performance.now();
    const run = await runFilter(capture, 'frame matches "(a+)+$"');
    const per = (performance.now() - t0) / 40;
    expect(run.ok && run.events.length).toBe(0); // each frame ends with "!"
    expect(per).toBeLessThan(50);
    const hit = await runFilter(capture, 'frame matches "(a+)+!$"');
    expect(hit.ok && hit.events.length).toBe(40);
  }, 60_000);

  it("1,400 a's in a string field (the issue's case) end fast", async () => {
    const file = join(dir, 'aaaa.strace');
    const a = 'a'.repeat(1400);
    writeFileSync(file, `4242  12:00:00.000001 write(1, "${a}!", 1401) = 1401\n4242  12:00:00.000002 write(1, "${a}", 1400) = 1400\n`);
    const { capture, indexing } = await openCapture(file);
    await indexing;
    const t0 = performance.now();
    const run = await runFilter(capture, 'evt.args matches "(a+)+!"');
    expect(performance.now() - t0).toBeLessThan(100);
    expect(run.ok && [...run.events]).toEqual([1]);
    const none = await runFilter(capture, 'evt.args matches "\\"(a+)+$"');
    expect(none.ok && none.events.length).toBe(0);
  });

  it('a filter over large frames cancels within 100 ms', async () => {
    const file = join(dir, 'cancel.pcap');
    writeFillPcap(file, 400, 65_535, 0x61, 0x21);
    const { capture, indexing } = await openCapture(file);
    await indexing;
    const ac = new AbortController();
    const p = runFilter(capture, 'frame matches "(x+x+)+y|(a|aa)+b"', { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    ac.abort();
    const run = await p;
    const latency = performance.now() - t0;
    expect(run.ok && run.cancelled).toBe(true);
    expect(latency).toBeLessThan(100);
  }, 60_000);

  it('Wireshark semantics: caseless unless (?-i); bytes as Latin-1', async () => {
    const file = join(dir, 'case.pcap');
    writeFillPcap(file, 1, 64, 0x41, 0xe9); // "AAAA…\xe9"
    const { capture, indexing } = await openCapture(file);
    await indexing;
    const n = async (f: string): Promise<number> => {
      const r = await runFilter(capture, f);
      if (!r.ok) throw new Error(r.errors[0].message);
      return r.events.length;
    };
    expect(await n('frame matches "aaaa"')).toBe(1);
    expect(await n('frame matches "(?-i)aaaa"')).toBe(0);
    expect(await n('frame matches "(?-i)AAAA\\\\xe9$"')).toBe(1);
    expect(await n('frame matches "a(?-i:A)"')).toBe(1);
    expect(await n('frame matches "^A{63}\\\\xe9$"')).toBe(1);
  });

  const unsupported: [string, string, RegExp][] = [
    ['frame matches "(a)\\\\1"', '\\\\1', /back-reference \\1 is not supported/],
    ['frame matches "a(?=b)"', '(?=', /lookahead "\(\?=" is not supported/],
    ['frame matches "(?<!a)b"', '(?<!', /negative lookbehind/],
    ['frame matches "(?>ab)"', '(?>', /atomic group/],
    ['frame matches "a++"', 'a++'.slice(1), /possessive quantifier "\+\+"/],
    ['frame matches "x\\\\Z"', '\\\\Z', /\\Z .* write \\z or \$/],
    ['frame matches "(?x) a"', 'x', /option \(\?x\) is not supported/],
    ['frame matches r"(a)\\1"', '\\1', /back-reference/],
    ['frame matches "[\\\\b]"', '\\\\b', /\\b inside \[...\] \(backspace\) is not supported; write \\x08/],
  ];
  for (const [text, frag, re] of unsupported) {
    it(`names unsupported syntax where it is: ${text}`, () => {
      // The shared check (what the filter bar runs) already finds it, without re2js.
      const shared = parseFilter(text, engineFieldIndex());
      expect(shared.ok).toBe(false);
      const e = errorOf(text);
      expect(e.message).toMatch(re);
      expect(text.slice(e.from, e.to)).toBe(frag);
    });
  }

  it('what only RE2 finds is reported by the engine, positioned', () => {
    const text = 'frame matches "ab{2,1}"';
    expect(parseFilter(text, engineFieldIndex()).ok).toBe(true); // the renderer's light check
    const e = errorOf(text);
    expect(e.message).toBe('invalid regular expression: invalid repeat count: `{2,1}`');
    expect(text.slice(e.from, e.to)).toBe('{2,1}');
  });

  it('a pattern beyond the program-size limit is refused with the numbers', () => {
    const p = '(a|b.{300})'.repeat(5);
    expect(checkRegex(p)?.message).toMatch(new RegExp(`too large \\(\\d+ instructions; the limit is ${MAX_REGEX_PROGRAM}\\)`));
    expect(checkRegex('^GET /')).toBeUndefined();
  });
});
