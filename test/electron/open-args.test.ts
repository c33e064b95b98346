import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CAPTURE_DIALOG_EXTENSIONS,
  CAPTURE_EXTENSIONS,
  isCaptureFileName,
  parseOpenArgs,
  pathsFromSecondInstance,
} from '../../electron/main/open-args.ts';

const EXE = '/opt/electron/electron';

describe('parseOpenArgs', () => {
  it('unpackaged `electron . FILE` skips the app path and resolves FILE against cwd', () => {
    expect(parseOpenArgs([EXE, '.', 'caps/a.pcap'], false, '/home/u')).toEqual(['/home/u/caps/a.pcap']);
  });

  it('unpackaged with no file opens nothing', () => {
    expect(parseOpenArgs([EXE, '.'], false, '/home/u')).toEqual([]);
    expect(parseOpenArgs([EXE], false, '/home/u')).toEqual([]);
  });

  it("skips electron's and Chromium's flags before and after the app path", () => {
    const argv = [EXE, '--inspect=9229', '--no-sandbox', '.', '--enable-logging', '/data/x.scap', '--lang=en'];
    expect(parseOpenArgs(argv, false, '/w')).toEqual(['/data/x.scap']);
  });

  it('skips the value of -r/--require', () => {
    expect(parseOpenArgs([EXE, '-r', 'preload-hook', '.', 'a.pcapng'], false, '/w')).toEqual(['/w/a.pcapng']);
  });

  it('packaged: every non-flag word is a file (macOS -psn_ argument ignored)', () => {
    expect(parseOpenArgs(['/Applications/Tracelens', '-psn_0_12345', 'one.pcap', '/abs/two.strace'], true, '/w')).toEqual([
      '/w/one.pcap',
      '/abs/two.strace',
    ]);
  });

  it('after `--` flag-like words are files', () => {
    expect(parseOpenArgs(['/app', '--', '-weird-name.pcap'], true, '/w')).toEqual(['/w/-weird-name.pcap']);
  });

  it('accepts file:// URLs (Linux desktop files launch with %U) and ignores other URLs', () => {
    const url = pathToFileURL('/tmp/with space.pcap').toString();
    expect(parseOpenArgs(['/app', url, 'https://example.com/x.pcap', 'tracelens://x'], true, '/w')).toEqual(['/tmp/with space.pcap']);
  });

  it('normalises and de-duplicates', () => {
    expect(parseOpenArgs(['/app', 'a/../b.pcap', '/w/b.pcap', './b.pcap'], true, '/w')).toEqual(['/w/b.pcap']);
  });

  it('ignores empty words and NUL bytes', () => {
    expect(parseOpenArgs(['/app', '', 'bad\0.pcap', 'ok.pcap'], true, '/w')).toEqual(['/w/ok.pcap']);
  });
});

describe('pathsFromSecondInstance', () => {
  it("prefers the second instance's own argv and cwd sent as additionalData", () => {
    // Chromium adds switches and may reorder the forwarded argv.
    const forwarded = [EXE, '--allow-file-access-from-files', '.', 'mangled'];
    const data = { argv: [EXE, '.', 'x.pcap'], cwd: '/home/b' };
    expect(pathsFromSecondInstance(forwarded, '/elsewhere', data, false)).toEqual(['/home/b/x.pcap']);
  });

  it('falls back to the forwarded argv when additionalData is malformed', () => {
    const forwarded = ['/app', '--original-process-start-time=1', 'y.scap'];
    expect(pathsFromSecondInstance(forwarded, '/wd', { argv: 'nope', cwd: '/x' }, true)).toEqual(['/wd/y.scap']);
    expect(pathsFromSecondInstance(forwarded, '/wd', { argv: ['/app', 'z'], cwd: 'relative' }, true)).toEqual(['/wd/y.scap']);
    expect(pathsFromSecondInstance(forwarded, '/wd', null, true)).toEqual(['/wd/y.scap']);
  });
});

describe('file associations', () => {
  it('recognises every capture extension and its .gz form, case-insensitively', () => {
    for (const ext of CAPTURE_EXTENSIONS) {
      expect(isCaptureFileName(`x.${ext}`)).toBe(true);
      expect(isCaptureFileName(`X.${ext.toUpperCase()}.GZ`)).toBe(true);
    }
    expect(isCaptureFileName('notes.txt')).toBe(false);
    expect(isCaptureFileName('archive.gz')).toBe(false);
    expect(isCaptureFileName('pcap')).toBe(false);
    expect(CAPTURE_DIALOG_EXTENSIONS).toContain('pcapng.gz');
  });

  it('electron-builder.yml associates exactly these extensions', () => {
    const yml = readFileSync(resolve(import.meta.dirname, '../../electron-builder.yml'), 'utf8');
    const exts = new Set<string>();
    for (const m of yml.matchAll(/^\s*-?\s*ext:\s*\[([^\]]*)\]/gm)) for (const e of m[1]!.split(',')) exts.add(e.trim().replace(/^["']|["']$/g, ''));
    for (const m of yml.matchAll(/^\s*-?\s*ext:\s*["']?([\w.]+)["']?\s*$/gm)) exts.add(m[1]!);
    expect([...exts].sort()).toEqual([...CAPTURE_DIALOG_EXTENSIONS].sort());
  });
});
