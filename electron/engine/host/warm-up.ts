/**
 * Warm an engine that waits for its first window (browser mode's spare engine): open a capture,
 * answer its first rows page coloured by Wireshark's default rules and build the field catalogue,
 * then close it. V8 compiles a function when it first runs; without this the first capture's
 * first page pays for compiling the reader, the dissectors, the layers, the filter compiler and
 * the colouring (~60 CPU ms, measured on ka-10m), while the window waits for it.
 */
import { parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS } from '../../../shared/colour-rules.ts';
import { compileColourRules } from '../filter/colour-rules.ts';
import { fieldCatalogue } from '../fields/registry.ts';
import { openCapture } from '../open-capture.ts';
import { openSession, rowPending, withDeferredAnalysis } from '../layers/session.ts';
import { detectFormat } from '../readers/detect.ts';
import { openCaptureSource } from '../io/capture-source.ts';
import { withNamedCells } from './names-view.ts';
import { rowsPage } from './rows-page.ts';

/** Rows of the warm-up page: a screenful and more, as the window's first fetch asks. */
const WARM_ROWS = 60;
/** Longest wait for the first indexed events of the warm-up capture. */
const WARM_WAIT_MS = 3000;

/**
 * A scap file is indexed whole before it answers (readers/scap/open-scap.ts): only packet
 * captures and strace logs are opened to warm, which answer after their first chunk.
 */
function warmable(path: string): boolean {
  try {
    const s = openCaptureSource(path);
    try {
      const f = detectFormat(s.peek(65536));
      return f === 'pcap' || f === 'pcapng' || f === 'strace';
    } finally {
      s.randomAccess.close();
    }
  } catch {
    return false;
  }
}

/**
 * Warm with the first of `paths` that can be (the capture the host will open, else a sample).
 * Never throws: an engine that cannot warm is only slower at its first page. Resolves with the
 * path used, or null. `stop`: a window has sent its first request, so its own requests now run
 * that code; warming on would only compete with them for the engine's thread.
 */
export async function warmUp(paths: readonly string[], stop: () => boolean = () => false): Promise<string | null> {
  const path = paths.find(warmable);
  if (path === undefined || stop()) return null;
  const abort = new AbortController();
  try {
    let seen: () => void = () => {};
    const first = new Promise<void>((r) => (seen = r));
    const { capture, indexing } = await openCapture(path, { signal: abort.signal, onProgress: (info) => info.events > 0 && seen() });
    try {
      const timer = setTimeout(() => seen(), WARM_WAIT_MS);
      await Promise.race([first, indexing.catch(() => {})]);
      clearTimeout(timer);
      // The first chunk is read in microtasks: a window's request already queued on the port is
      // delivered only after a macrotask turn. Without this turn the window's open waited behind
      // the warm page (~70 ms of cold code on ka-10m, measured with --cpu-prof in the worker).
      await new Promise<void>((r) => setImmediate(r));
      if (stop()) return null;
      const session = openSession(capture);
      const colours = compileColourRules(parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS).rules);
      const named = withNamedCells(session.capture, undefined);
      withDeferredAnalysis(session, () => rowsPage(named, undefined, 0, 0, WARM_ROWS, (ev) => colours.colour(session.capture, ev), undefined, (ev) => rowPending(session, ev)));
      fieldCatalogue();
    } finally {
      abort.abort();
      await indexing.catch(() => {});
      capture.close();
    }
    return path;
  } catch {
    return null;
  }
}
