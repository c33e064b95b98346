/**
 * What scripts/build-cli.mjs wrote into the `tracelens` command it built (esbuild `define`s).
 * In a checkout run through tsx none of these names exist and `typeof` says so.
 */
declare const __TRACELENS_VERSION__: string;
declare const __TRACELENS_ENGINE_FILE__: string;
declare const __TRACELENS_ENGINE_SHA256__: string;
declare const __TRACELENS_ENGINE_CACHE_FILE__: string;
declare const __TRACELENS_ENGINE_CACHE_SHA256__: string;

export interface BuiltCommand {
  version: string;
  /** The engine worker next to the command (a path relative to the command's own module). */
  engineFile: string;
  /** Its SHA-256: the command runs no other worker. */
  engineSha256: string;
  /**
   * The V8 code cache of that worker made at build time (node:vm Script cachedData), and its
   * SHA-256: V8 runs a cache's bytecode unchecked, so a cache with another hash is not given to it.
   * '' when the build made none.
   */
  engineCacheFile: string;
  engineCacheSha256: string;
}

export const BUILT_COMMAND: BuiltCommand | null =
  typeof __TRACELENS_ENGINE_FILE__ === 'string' && typeof __TRACELENS_ENGINE_SHA256__ === 'string' && typeof __TRACELENS_VERSION__ === 'string'
    ? {
        version: __TRACELENS_VERSION__,
        engineFile: __TRACELENS_ENGINE_FILE__,
        engineSha256: __TRACELENS_ENGINE_SHA256__,
        engineCacheFile: typeof __TRACELENS_ENGINE_CACHE_FILE__ === 'string' ? __TRACELENS_ENGINE_CACHE_FILE__ : '',
        engineCacheSha256: typeof __TRACELENS_ENGINE_CACHE_SHA256__ === 'string' ? __TRACELENS_ENGINE_CACHE_SHA256__ : '',
      }
    : null;
