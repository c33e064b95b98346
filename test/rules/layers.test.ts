/**
 * The layering table in eslint.config.js (tracelens/layers, eslint-rules/layers.js), run through
 * ESLint's API with the real config on in-memory files: what the issue says must fail fails, the
 * pipeline order holds for values but not for types, and every listed exception still occurs.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS_OPTIONS } from '../../eslint.config.js';
import { moduleImports } from '../../scripts/check-cycles.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.js') });

/** The tracelens/layers messages for `code` as if it were the file `path` (repo-relative). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return r.messages.filter((m) => m.ruleId === 'tracelens/layers').map((m) => m.message);
}

describe('layers that must not meet', () => {
  it('an engine file importing renderer/ fails', async () => {
    const e = await layerErrors('electron/engine/dissectors/new.ts', "import { hexByte } from '../../../renderer/hex/hex.ts';\nexport const x = hexByte;\n");
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/layer engine\/dissectors\) may not import renderer\/hex\/hex\.ts \(layer renderer\)/);
  });

  it('an engine file importing electron/main/ fails, for a type too', async () => {
    expect(await layerErrors('electron/engine/host/new.ts', "import { addRecent } from '../../main/recent.ts';\nexport const x = addRecent;\n")).toHaveLength(1);
    expect(await layerErrors('electron/engine/streams/new.ts', "import type { IpcChannelName } from '../../main/ipc-channels.ts';\nexport type X = IpcChannelName;\n")).toHaveLength(1);
    expect(await layerErrors('electron/engine/tls/new.ts', "import '../../preload/index.ts';\n")).toHaveLength(1);
  });

  it('a renderer file importing the engine fails', async () => {
    const e = await layerErrors('renderer/app/new.ts', "import type { Capture } from '../../electron/engine/capture.ts';\nexport type X = Capture;\n");
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/\(layer renderer\) may not import electron\/engine\/capture\.ts \(layer engine\/core\)/);
  });

  it('a shared/ file importing the engine fails', async () => {
    const e = await layerErrors('shared/filter/new.ts', "export { fieldByName } from '../../electron/engine/fields/registry.ts';\n");
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/\(layer shared\) may not import/);
  });

  it('a dynamic import is checked like a static one', async () => {
    expect(await layerErrors('shared/new.ts', "export const load = () => import('../electron/engine/open-capture.ts');\n")).toHaveLength(1);
  });

  it('the CLI and web server import only the engine worker and shared/', async () => {
    expect(await layerErrors('electron/cli/new.ts', "import { startEngineWorker } from '../engine/host/node-worker.ts';\nimport type { MethodName } from '../../shared/rpc.ts';\nexport const x: [typeof startEngineWorker, MethodName?] = [startEngineWorker];\n")).toEqual([]);
    expect(await layerErrors('electron/cli/new.ts', "import { serveEngine } from '../engine/host/engine-host.ts';\nexport const x = serveEngine;\n")).toHaveLength(1);
    expect(await layerErrors('electron/web/new.ts', "import { openCapture } from '../engine/open-capture.ts';\nexport const x = openCapture;\n")).toHaveLength(1);
  });

  it('main imports shared/ and main; preload shared/ only', async () => {
    expect(await layerErrors('electron/main/new.ts', "import { SAMPLE_FILES } from '../../shared/samples.ts';\nimport { IpcChannel } from './ipc-channels.ts';\nexport const x = [SAMPLE_FILES, IpcChannel];\n")).toEqual([]);
    expect(await layerErrors('electron/main/new.ts', "import { serveEngine } from '../engine/host/engine-host.ts';\nexport const y = serveEngine;\n")).toHaveLength(1);
    expect(await layerErrors('electron/preload/new.ts', "import { IpcChannel } from '../main/ipc-channels.ts';\nexport const x = IpcChannel;\n")).toHaveLength(1);
  });

  it('a file outside every layer is an error', async () => {
    const e = await layerErrors('electron/plugins/new.ts', 'export const x = 1;\n');
    expect(e).toEqual(['electron/plugins/new.ts is outside every layer of the tracelens/layers table in eslint.config.js: add it to a layer.']);
  });

  it('tests, scripts and benchmarks may import anything', async () => {
    expect(await layerErrors('test/new.test.ts', "import '../renderer/hex/hex.ts';\nimport '../electron/main/recent.ts';\nimport '../electron/engine/capture.ts';\n")).toEqual([]);
  });
});

describe('the engine pipeline', () => {
  it('a later stage imports an earlier one', async () => {
    expect(await layerErrors('electron/engine/http/new.ts', "import { tcpStreamOf } from '../streams/conversations.ts';\nimport { dissectTcp } from '../dissectors/tcp.ts';\nexport const x = [tcpStreamOf, dissectTcp];\n")).toEqual([]);
  });

  it('an earlier stage may not import a later one for its values', async () => {
    const e = await layerErrors('electron/engine/readers/new.ts', "import { entryValue } from '../dissectors/values.ts';\nexport const x = entryValue;\n");
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/for types only/);
    expect(await layerErrors('electron/engine/tls/new.ts', "import { compileFilterText } from '../filter/compile.ts';\nexport const x = compileFilterText;\n")).toHaveLength(1);
  });

  it('types may go against the pipeline (they are erased)', async () => {
    expect(await layerErrors('electron/engine/dissectors/new.ts', "import type { PacketIndex } from '../index/packet-index.ts';\nimport { type Capture } from '../capture.ts';\nexport type X = [PacketIndex, Capture];\n")).toEqual([]);
  });

  it('the byte cursor is core: readers, dissectors, the scap reader and TLS all import it; it imports no stage', async () => {
    const use = "import { byteCursor, readU16 } from '../bytes/cursor.ts';\nexport const x = [byteCursor, readU16];\n";
    for (const f of ['electron/engine/readers/new.ts', 'electron/engine/dissectors/new.ts', 'electron/engine/tls/new.ts']) expect(await layerErrors(f, use), f).toEqual([]);
    expect(await layerErrors('electron/engine/readers/scap/new.ts', use.replace("'../bytes/", "'../../bytes/"))).toEqual([]);
    expect(await layerErrors('electron/engine/bytes/new.ts', "import { entryValue } from '../dissectors/values.ts';\nexport const x = entryValue;\n")).toHaveLength(1);
  });

  it('the core vocabulary is importable from the first stage', async () => {
    expect(await layerErrors('electron/engine/readers/new.ts', "import { formatIpv6 } from '../fields/format.ts';\nimport { defineField } from '../fields/registry.ts';\nexport const x = [formatIpv6, defineField];\n")).toEqual([]);
  });
});

describe('the exception list', () => {
  it.each(LAYERS_OPTIONS.exceptions.map((e) => [e.from, e.to]))('%s → %s still occurs (delete the entry when it does not)', (from, to) => {
    const imports = moduleImports(from, readFileSync(join(ROOT, from), 'utf8'));
    expect(imports.some((i) => i.target === to && !i.typeOnly)).toBe(true);
  });

  it('without the exceptions, each is reported', async () => {
    const bare = new ESLint({
      cwd: ROOT,
      overrideConfigFile: join(ROOT, 'eslint.config.js'),
      overrideConfig: { rules: { 'tracelens/layers': ['error', { ...LAYERS_OPTIONS, exceptions: [] }] } },
    });
    const files = [...new Set(LAYERS_OPTIONS.exceptions.map((e) => e.from))];
    const results = await bare.lintFiles(files);
    const reported = results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId === 'tracelens/layers').length, 0);
    expect(reported).toBe(LAYERS_OPTIONS.exceptions.length);
  });
});
