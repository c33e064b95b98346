// Lint rules that encode the project's boundaries: no `any`, the engine never imports electron,
// the renderer never imports Node, and each folder imports only the layers listed in LAYERS
// (docs/contributing.md, "Layers").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers from './eslint-rules/layers.js';

const E = 'electron/engine';

/**
 * The engine in pipeline order: each stage may import (values) itself and every stage before it,
 * plus shared/. Type-only imports may go any direction inside the engine: capture.ts is the
 * contract every stage implements or reads, and names types of the stages that fill it; types are
 * erased, so they make no load order and no cycle.
 */
const ENGINE_PIPELINE = [
  // The vocabulary of every later stage: the field registry, value formatters, byte reads, the flat
  // dissection record that stages fill, column storage, and the Capture contract.
  ['engine/core', [`${E}/fields/registry.ts`, `${E}/fields/format.ts`, `${E}/bytes/**`, `${E}/dissectors/dissection.ts`, `${E}/index/columns.ts`, `${E}/capture.ts`]],
  ['engine/io', [`${E}/io/**`]],
  // Packet-capture readers: pcap, pcapng, format detection (push parsers over chunks).
  ['engine/readers', [`${E}/readers/*.ts`]],
  // Packet dissectors, and the syscall event table / fields / index that the syscall readers fill.
  ['engine/dissectors', [`${E}/dissectors/**`, `${E}/syscalls/**`]],
  // The one-pass indexers: packets (index/), and the scap and strace readers, which parse and
  // index in one pass.
  ['engine/index', [`${E}/index/**`, `${E}/readers/scap/**`, `${E}/readers/strace/**`]],
  ['engine/streams', [`${E}/streams/**`]],
  ['engine/tls', [`${E}/tls/**`]],
  ['engine/http', [`${E}/http/**`, `${E}/http2/**`]],
  ['engine/filter', [`${E}/filter/**`]],
  // Statistics (tshark -z conv/endpoints/io,phs) over the index, conversations and dissections.
  ['engine/stats', [`${E}/stats/**`]],
  // The capture session and its stream layers (HTTP/1.x index, TLS, HTTP/2) over the byte
  // streams: they compose the protocol stages and answer layer filters from their columns.
  ['engine/layers', [`${E}/layers/**`]],
  // Capture sets: several files as one capture (packets merged by time, packets and syscalls
  // side by side) and the correlation of conversations with the sockets that owned them.
  ['engine/sets', [`${E}/sets/**`]],
  // Opening a capture of any format with every field registered.
  ['engine/open', [`${E}/open-capture.ts`, `${E}/fields/all-fields.ts`]],
  ['engine/host', [`${E}/host/**`]],
];

/**
 * Every source file is in the first layer whose `files` match (tracelens/layers); a file in no
 * layer is an error. `allow` lists the layers it may import besides its own (globs over names).
 */
const LAYERS = [
  { name: 'shared', files: ['shared/**'], allow: [] },
  // The CLI and the browser-mode server run the engine in a worker thread and talk to it through
  // shared/engine-client.ts: this file is all of the engine they import. Listed before the
  // pipeline so that it is not matched by engine/host.
  { name: 'engine/worker', files: [`${E}/host/node-worker.ts`], allow: ['shared', 'engine/*'] },
  // What the processes that start an engine (CLI, browser mode, desktop main) hand it: its limits,
  // its per-engine temp folder (which they also clean up), the host options and setup messages.
  // Self-contained files, so a host imports them without loading the engine.
  { name: 'engine/setup', files: [`${E}/limits.ts`, `${E}/io/temp-dir.ts`, `${E}/host/host-options.ts`, `${E}/host/build-info.ts`, `${E}/host/capture-spawn.ts`], allow: ['shared'], allowTypes: ['engine/*'] },
  ...ENGINE_PIPELINE.map(([name, files], i) => ({
    name, files, allow: ['shared', 'engine/setup', ...ENGINE_PIPELINE.slice(0, i).map(([n]) => n)], allowTypes: ['engine/*'],
  })),
  { name: 'cli', files: ['electron/cli/**'], allow: ['shared', 'engine/worker', 'engine/setup'] },
  { name: 'web', files: ['electron/web/**'], allow: ['shared', 'engine/worker', 'engine/setup'] },
  { name: 'main', files: ['electron/main/**'], allow: ['shared', 'engine/setup'] },
  { name: 'preload', files: ['electron/preload/**'], allow: ['shared'] },
  { name: 'renderer', files: ['renderer/**'], allow: ['shared'] },
  // Tests, benchmarks, generators and build configuration may import anything.
  { name: 'tools', files: ['test/**', 'bench/**', 'scripts/**', 'bin/**', 'eslint-rules/**', '*.{ts,js}'], allow: ['**'] },
];

/**
 * Today's imports against the table, each removed by the issue item named (issue 16 phase 2;
 * they sit in files other work owns right now). test/rules/layers.test.ts fails when one no
 * longer occurs, so the list only shrinks.
 */
const LAYER_EXCEPTIONS = [
  // Item 2, conversation state with the dissectors that own it: streams/conversations.ts moves to
  // dissectors/ (its other importers are streams/tcp-reassembly.ts and stream-service.ts).
  { from: `${E}/dissectors/context.ts`, to: `${E}/streams/conversations.ts` },
  { from: `${E}/dissectors/tcp.ts`, to: `${E}/streams/conversations.ts` },
  // session 9 (fast9): the index pass's fixed-offset TCP path assigns streams exactly as tcp.ts does.
  { from: `${E}/dissectors/fixed-tcp.ts`, to: `${E}/streams/conversations.ts` },
  { from: `${E}/dissectors/udp.ts`, to: `${E}/streams/conversations.ts` },
  { from: `${E}/index/packet-capture.ts`, to: `${E}/streams/conversations.ts` },
  // Item 2: tls/capture-tls.ts runs HTTP/2 over decrypted streams; that step belongs to the
  // stream layer above TLS (the streams rewrite).
  { from: `${E}/tls/capture-tls.ts`, to: `${E}/http2/connection.ts` },
  { from: `${E}/tls/capture-tls.ts`, to: `${E}/http2/exchanges.ts` },
  { from: `${E}/tls/capture-tls.ts`, to: `${E}/http2/fields.ts` },
  // Item 1: the IPC channel names are the contract between main and preload: they move to shared/.
  { from: 'electron/preload/index.ts', to: 'electron/main/ipc-channels.ts' },
];

export const LAYERS_OPTIONS = { root: import.meta.dirname, layers: LAYERS, exceptions: LAYER_EXCEPTIONS };

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-artifacts/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { tracelens: { rules: { layers } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
      'tracelens/layers': ['error', LAYERS_OPTIONS],
    },
  },
  {
    files: ['electron/engine/**', 'electron/cli/**', 'shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine and shared code must not import electron.' }] }],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'electron'], message: 'The renderer has no Node or electron imports; use the preload API.' }] }],
    },
  },
);
