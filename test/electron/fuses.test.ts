/** The afterPack hook flips the packaged binary's fuses (scripts/electron-fuses.ts). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { afterPack, electronBinaryPath, type AfterPackContextLike, type FusesModule } from '../../scripts/electron-fuses.ts';

// Indices as in @electron/fuses FuseV1Options (Electron's fuse wire order).
const OPTIONS = { RunAsNode: 0, EnableCookieEncryption: 1, EnableNodeOptionsEnvironmentVariable: 2, EnableNodeCliInspectArguments: 3, EnableEmbeddedAsarIntegrityValidation: 4, OnlyLoadAppFromAsar: 5 };

function mockFuses(): FusesModule & { flipFuses: ReturnType<typeof vi.fn> } {
  return { flipFuses: vi.fn(async () => 1), FuseVersion: { V1: '1' }, FuseV1Options: OPTIONS };
}

// afterPack writes the `tracelens` launcher into appOutDir on Linux.
const outDir = mkdtempSync(join(tmpdir(), 'tl-afterpack-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const ctx = (platform: string): AfterPackContextLike => ({
  appOutDir: outDir,
  electronPlatformName: platform,
  packager: { appInfo: { productFilename: 'Tracelens' }, ...(platform === 'linux' ? { executableName: 'tracelens-app' } : {}) },
});

describe('afterPack fuses', () => {
  it('finds the binary as electron-builder names it', () => {
    expect(electronBinaryPath(ctx('linux'))).toBe(join(outDir, 'tracelens-app'));
    expect(electronBinaryPath(ctx('win32'))).toBe(join(outDir, 'Tracelens.exe'));
    expect(electronBinaryPath(ctx('darwin'))).toBe(join(outDir, 'Tracelens.app'));
    expect(() => electronBinaryPath(ctx('beos'))).toThrow(/unknown platform beos/);
  });

  for (const platform of ['linux', 'win32', 'darwin']) {
    it(`flips RunAsNode, NODE_OPTIONS, --inspect off and asar-only, asar integrity on (${platform})`, async () => {
      const fuses = mockFuses();
      await afterPack(ctx(platform), async () => fuses);
      expect(fuses.flipFuses).toHaveBeenCalledTimes(1);
      const [path, config] = fuses.flipFuses.mock.calls[0] as [string, Record<string, unknown>];
      expect(path).toBe(electronBinaryPath(ctx(platform)));
      expect(config).toEqual({
        version: '1',
        [OPTIONS.RunAsNode]: false,
        [OPTIONS.EnableNodeOptionsEnvironmentVariable]: false,
        [OPTIONS.EnableNodeCliInspectArguments]: false,
        [OPTIONS.OnlyLoadAppFromAsar]: true,
        [OPTIONS.EnableEmbeddedAsarIntegrityValidation]: true,
        resetAdHocDarwinSignature: platform === 'darwin',
      });
    });
  }

  it('a failing flip fails the build', async () => {
    const fuses = mockFuses();
    fuses.flipFuses.mockRejectedValueOnce(new Error('Could not find sentinel'));
    await expect(afterPack(ctx('linux'), async () => fuses)).rejects.toThrow(/sentinel/);
  });

  it('electron-builder gets the hook from scripts/after-pack.mjs', async () => {
    const hook = (await import('../../scripts/after-pack.mjs')) as { default: unknown };
    expect(hook.default).toBeTypeOf('function');
    expect(readFileSync(join(import.meta.dirname, '../../electron-builder.yml'), 'utf8')).toMatch(/^afterPack: \.\/scripts\/after-pack\.mjs$/m);
  });

  it('with the real @electron/fuses, the wire of a stand-in binary ends up as configured', async (t) => {
    let real: FusesModule & { getCurrentFuseWire(p: string): Promise<Record<number, number>> };
    try {
      real = (await import('@electron/fuses')) as unknown as typeof real;
    } catch {
      t.skip();
      return;
    }
    // Electron's fuse wire: sentinel, version 1, length, then one byte per fuse ('0' off, '1' on).
    const dir = mkdtempSync(join(tmpdir(), 'tl-fuses-'));
    try {
      const bin = join(dir, 'tracelens-app');
      const wire = Buffer.from('101110000', 'latin1');
      writeFileSync(bin, Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, wire.length]), wire, Buffer.alloc(4096, 0x90)]));
      await afterPack({ appOutDir: dir, electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'Tracelens' }, executableName: 'tracelens-app' } }, async () => real);
      const now = await real.getCurrentFuseWire(bin);
      const ON = 0x31;
      const OFF = 0x30;
      expect([now[OPTIONS.RunAsNode], now[OPTIONS.EnableNodeOptionsEnvironmentVariable], now[OPTIONS.EnableNodeCliInspectArguments]]).toEqual([OFF, OFF, OFF]);
      expect([now[OPTIONS.OnlyLoadAppFromAsar], now[OPTIONS.EnableEmbeddedAsarIntegrityValidation]]).toEqual([ON, ON]);
      // Fuses not configured keep their value.
      expect(now[OPTIONS.EnableCookieEncryption]).toBe(OFF);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
