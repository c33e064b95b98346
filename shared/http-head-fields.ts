/**
 * The http.* fields the index pass's head scan holds (electron/engine/layers/http-heads.ts): a filter naming
 * only these is answered without the HTTP scan. Here on its own so the CLI can tell, from a
 * filter's text, whether to ask the engine for the head scan at open.
 */
export const HEAD_FIELDS: readonly string[] = ['http', 'http.request', 'http.response', 'http.request.method', 'http.response.code'];

/** Whether `filter` names http fields and only ones of HEAD_FIELDS (by its words: strings that look like fields only make the scan run for nothing). */
export function filterWantsHeads(filter: string): boolean {
  const words = filter.match(/[A-Za-z_][\w.-]*/g) ?? [];
  const http = words.filter((w) => w === 'http' || w.startsWith('http.'));
  return http.length > 0 && http.every((w) => HEAD_FIELDS.includes(w));
}
