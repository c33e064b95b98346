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
      // electron-vite leaves bundles unminified; minified, the window's code loads in a third of the bytes.
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
        // The window loads what its first screen needs; the filter editor (CodeMirror) and the
        // HTTP view's body viewers come as their own chunks, loaded when first shown.
        output: {
          codeSplitting: {
            groups: [
              { name: 'codemirror', test: /node_modules[\\/](@codemirror|@lezer|style-mod|w3c-keyname|crelt)[\\/]/ },
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
              { name: 'vendor', test: /node_modules[\\/]/ },
            ],
          },
        },
      },
    },
  },
});
