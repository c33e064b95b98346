/**
 * Build the renderer for browser mode with the renderer section of electron.vite.config.ts, so
 * `npm run web` works even when the main/preload build is broken or not needed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type InlineConfig } from 'vite';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const rendererOut = resolve(repoRoot, 'out/renderer');

export function rendererBuilt(outDir = rendererOut): boolean {
  return existsSync(resolve(outDir, 'index.html'));
}

export async function buildRenderer(outDir = rendererOut): Promise<void> {
  const mod = (await import(pathToFileURL(resolve(repoRoot, 'electron.vite.config.ts')).href)) as { default: unknown };
  let config = mod.default;
  if (typeof config === 'function') config = await (config as (env: { command: string; mode: string }) => unknown)({ command: 'build', mode: 'production' });
  const renderer = (config as { renderer?: InlineConfig }).renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  await build({
    ...renderer,
    configFile: false,
    logLevel: 'warn',
    // Relative asset URLs: the same build loads from file:// in Electron and from / in browser mode.
    base: renderer.base ?? './',
    build: { ...renderer.build, outDir, emptyOutDir: true },
  });
}
