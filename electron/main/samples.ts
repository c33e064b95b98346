/**
 * The sample captures shown on the welcome screen (list in shared/samples.ts). Packaged, they are
 * extraResources (`resources/samples`, see electron-builder.yml); unpackaged, `assets/samples`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_FILES, type SampleCapture } from '../../shared/samples.ts';

export function samplesDir(isPackaged: boolean, resourcesPath: string, appPath: string): string {
  return isPackaged ? join(resourcesPath, 'samples') : join(appPath, 'assets', 'samples');
}

/** The samples present in `dir`, with the key log next to a capture when there is one. */
export function listSampleCaptures(dir: string, exists: (path: string) => boolean = existsSync): SampleCapture[] {
  const out: SampleCapture[] = [];
  for (const { name, description } of SAMPLE_FILES) {
    const path = join(dir, name);
    if (!exists(path)) continue;
    const keylog = path.replace(/\.[^.]+$/, '.keys');
    out.push(exists(keylog) ? { name, path, description, keylog } : { name, path, description });
  }
  return out;
}
