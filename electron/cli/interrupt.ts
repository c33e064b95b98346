/**
 * Ctrl-C during `list --follow` ends the follow (what was written is read and printed, exit 0,
 * as tshark's capture ends), not the command: main.ts asks here first. A second Ctrl-C ends it.
 */
let handler: (() => void) | undefined;

export function onInterrupt(h: (() => void) | undefined): void {
  handler = h;
}

/** True when a follow took the interrupt (the caller then does nothing more). */
export function takeInterrupt(): boolean {
  const h = handler;
  handler = undefined;
  h?.();
  return h !== undefined;
}
