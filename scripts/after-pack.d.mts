// Types of after-pack.mjs for the tests that import it.
import type { AfterPackContextLike } from './electron-fuses.ts';

declare const afterPack: (ctx: AfterPackContextLike) => Promise<void>;
export default afterPack;
