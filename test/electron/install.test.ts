/**
 * Issue 18 item 11, what a first `npm run web` / `npm install` shows: no renderer chunk over
 * Vite's 500 kB warning limit (CodeMirror, React and the body viewers are chunks of their own),
 * and esbuild's install script approved in package.json (npm 11 reports unapproved ones).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
/** Vite's chunkSizeWarningLimit default: 500 kB (kB = 1000 bytes, of the minified chunk). */
const VITE_WARNING_BYTES = 500 * 1000;

describe('install and first start', () => {
  it('every renderer chunk is under Vite’s 500 kB warning (the build test/global-setup.ts made)', () => {
    const dir = join(ROOT, 'out/renderer/assets');
    const chunks = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(3);
    for (const f of chunks) expect({ f, bytes: statSync(join(dir, f)).size < VITE_WARNING_BYTES }).toEqual({ f, bytes: true });
  });

  it('esbuild’s install script is approved in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts?.esbuild).toBe(true);
  });
});
