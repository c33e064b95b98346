/**
 * electron-builder `afterPack` hook: flip the packaged Electron binary's fuses (options compiled
 * into the binary that no environment variable or flag can turn back on), before signing.
 *   RunAsNode off                        ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node
 *   EnableNodeOptionsEnvironmentVariable NODE_OPTIONS (e.g. --require of a planted file) is ignored
 *   EnableNodeCliInspectArguments off    --inspect / --inspect-brk cannot attach a debugger
 *   OnlyLoadAppFromAsar on               only app.asar is loaded, never a loose app/ folder
 *   EnableEmbeddedAsarIntegrityValidation on  app.asar is checked against the hash electron-builder
 *                                        embeds (macOS, Windows; no effect on Linux)
 * Fuse indices: @electron/fuses FuseV1Options; meanings: https://www.electronjs.org/docs/latest/tutorial/fuses
 * The module is imported only when the hook runs, so tests do not need it installed.
 * Loaded through scripts/after-pack.mjs (electron-builder runs hooks with plain Node).
 */
import { join } from 'node:path';
import { writeLinuxLauncher } from './cli-launcher.ts';

/** The parts of electron-builder's AfterPackContext the hook reads. */
export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** The parts of @electron/fuses the hook uses. */
export interface FusesModule {
  flipFuses(pathToElectron: string, config: Record<string | number, unknown> & { version: string }): Promise<number>;
  FuseVersion: { V1: string };
  FuseV1Options: {
    RunAsNode: number;
    EnableNodeOptionsEnvironmentVariable: number;
    EnableNodeCliInspectArguments: number;
    OnlyLoadAppFromAsar: number;
    EnableEmbeddedAsarIntegrityValidation: number;
  };
}

/** The packaged Electron binary (or .app bundle) in `appOutDir`, named as electron-builder names it. */
export function electronBinaryPath(ctx: AfterPackContextLike): string {
  const p = ctx.electronPlatformName;
  if (p === 'darwin' || p === 'mas') return join(ctx.appOutDir, `${ctx.packager.appInfo.productFilename}.app`);
  if (p === 'win32') return join(ctx.appOutDir, `${ctx.packager.appInfo.productFilename}.exe`);
  if (p === 'linux') return join(ctx.appOutDir, ctx.packager.executableName ?? ctx.packager.appInfo.productFilename);
  throw new Error(`afterPack: unknown platform ${p}; the fuses were not set`);
}

export function fuseConfig(f: FusesModule, platform: string): Record<string | number, unknown> & { version: string } {
  const o = f.FuseV1Options;
  return {
    version: f.FuseVersion.V1,
    [o.RunAsNode]: false,
    [o.EnableNodeOptionsEnvironmentVariable]: false,
    [o.EnableNodeCliInspectArguments]: false,
    [o.OnlyLoadAppFromAsar]: true,
    [o.EnableEmbeddedAsarIntegrityValidation]: true,
    // Flipping fuses invalidates an ad-hoc signature; macOS arm64 refuses to run unsigned code.
    resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas',
  };
}

export async function afterPack(ctx: AfterPackContextLike, load: () => Promise<FusesModule> = () => import('@electron/fuses') as Promise<FusesModule>): Promise<void> {
  const path = electronBinaryPath(ctx);
  const fuses = await load();
  await fuses.flipFuses(path, fuseConfig(fuses, ctx.electronPlatformName));
  // The `tracelens` command beside the binary (the window's binary is `tracelens-app`).
  if (ctx.electronPlatformName === 'linux') writeLinuxLauncher(ctx.appOutDir, ctx.packager.executableName ?? ctx.packager.appInfo.productFilename);
}
