/** Entry of the Electron main process (out/main/index.js). */
import { runApp } from './app.ts';

runApp({
  argv: process.argv,
  cwd: process.cwd(),
  outDir: import.meta.dirname,
  devUrl: process.env.ELECTRON_RENDERER_URL,
});
