/**
 * Runs once before all test files: build the renderer the end-to-end tests serve, so that test
 * files running in parallel never rebuild (and empty) the same output folder under each other,
 * and the window under test is the working tree's, not a stale build.
 */
import { buildRenderer } from '../electron/web/build-renderer.ts';

export default async function setup(): Promise<void> {
  await buildRenderer();
}
