/**
 * `npm run build` step: bundle the engine worker into out/engine-worker/ (worker.cjs and a
 * manifest of its SHA-256 and its sources' SHA-256s), which the CLI and browser mode load after
 * checking it (electron/engine/host/node-worker.ts). Folders 0755, files 0644: the loader refuses
 * a bundle that anyone but its owner can write.
 */
import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BUNDLE_FILE, MANIFEST_FILE, PREBUILT_DIR, bundleEngine, bundleManifest, readPrebuiltEngine } from '../electron/engine/host/node-worker.ts';

export async function writePrebuiltEngine(dir = PREBUILT_DIR): Promise<void> {
  const b = await bundleEngine();
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  // A umask of 002 would leave the folders group-writable, and the loader would ignore the bundle.
  for (const d of [dirname(dir), dir]) chmodSync(d, statSync(d).mode & 0o755);
  // Write then rename: a process starting an engine meanwhile reads the old pair or the new one.
  const put = (name: string, data: string | Uint8Array): void => {
    const part = resolve(dir, `.${name}.${process.pid}.part`);
    writeFileSync(part, data, { mode: 0o644 });
    chmodSync(part, 0o644);
    renameSync(part, resolve(dir, name));
  };
  put(BUNDLE_FILE, b.code);
  put(MANIFEST_FILE, JSON.stringify(bundleManifest(b), null, 1) + '\n');
  const check = readPrebuiltEngine(dir);
  if ('refused' in check) throw new Error(`the bundle just written is refused by the loader: ${check.refused}`);
  console.log(`engine worker: ${dir}/${BUNDLE_FILE} (${b.code.length} bytes, ${Object.keys(b.inputs).length} sources)`);
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  writePrebuiltEngine().catch((e: unknown) => {
    console.error(`build-engine-worker: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
