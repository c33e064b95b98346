/** `npm start` where Electron cannot run: a message naming why and `npm run web -- FILE`, exit 1. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFailure, WEB_HINT } from '../../scripts/start-electron.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('npm start without a usable Electron', () => {
  it('a binary that is not there: says so and points to the browser window', () => {
    const r = spawnSync(process.execPath, ['--import', './scripts/tsx-safe.mjs', 'scripts/start-electron.ts', '.'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist' }, timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('tracelens: Electron cannot start here (spawn /nonexistent-electron-dist/electron ENOENT)');
    expect(r.stderr).toContain('npm run web -- FILE');
  });

  it('names a download failure, missing libraries and a missing display; an ordinary exit is not a failure', () => {
    expect(startFailure({ error: new Error('Electron failed to install correctly.\nmore') })).toContain('(Electron failed to install correctly.)');
    expect(startFailure({ code: 127 })).toContain('missing system libraries');
    expect(startFailure({ code: 1, env: {}, platform: 'linux' })).toContain('needs a display');
    expect(startFailure({ code: 1, env: { DISPLAY: ':0' }, platform: 'linux' })).toBeNull();
    expect(startFailure({ code: 0, env: {}, platform: 'linux' })).toBeNull();
    expect(WEB_HINT).toContain('npm run web -- FILE');
  });
});
