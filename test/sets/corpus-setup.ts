/** The set-up the capture-set tests share: whether sysdig (the scap oracle) runs here, and a scratch folder. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

let sysdig: boolean | undefined;

/** sysdig is on PATH and starts (asked once per test file). */
export function hasSysdig(): boolean {
  if (sysdig === undefined) {
    try {
      execFileSync('sysdig', ['--version'], { stdio: 'ignore' });
      sysdig = true;
    } catch {
      sysdig = false;
    }
  }
  return sysdig;
}

/** A fresh folder under the system's temp folder, removed after the test file. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
