// One build for the four pieces of the desktop app (docs/contributing.md, "Architecture"):
//   main     electron/main/index.ts               → out/main/index.js   (ESM; package.json "type": "module")
//   engine   electron/engine/host/utility-entry.ts → out/main/engine.js  (forked by main as a utilityProcess)
//   preload  electron/preload/index.ts             → out/preload/index.cjs (CommonJS: sandboxed preloads cannot be ESM)
//   renderer renderer/index.html                   → out/renderer/
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          engine: resolve(root, 'electron/engine/host/utility-entry.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        // A sandboxed preload runs as a classic script with a restricted `require` (electron only),
        // so it is one self-contained CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
