// Types of what eslint.config.js exports for the tests (test/rules/layers.test.ts).
import type { Linter } from 'eslint';

export interface Layer { name: string; files: string[]; allow: string[]; allowTypes?: string[] }
export interface LayerException { from: string; to: string }
export const LAYERS_OPTIONS: { root: string; layers: Layer[]; exceptions: LayerException[] };
declare const config: Linter.Config[];
export default config;
