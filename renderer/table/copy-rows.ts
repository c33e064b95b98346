/**
 * Copy ▸ As CSV / As JSON of table rows: the visible columns in their order, as displayed.
 * CSV quoting as RFC 4180 §2 (fields with a comma, quote or line break are quoted, quotes doubled).
 */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function rowsAsCsv(titles: readonly string[], rows: readonly (readonly string[])[]): string {
  return [titles, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** One object per row keyed by column title (a repeated title gets " (2)", " (3)"…). */
export function rowsAsJson(titles: readonly string[], rows: readonly (readonly string[])[]): string {
  const keys: string[] = [];
  for (const t of titles) {
    let k = t;
    for (let n = 2; keys.includes(k); n++) k = `${t} (${n})`;
    keys.push(k);
  }
  const objects = rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? ''])));
  return `${JSON.stringify(objects.length === 1 ? objects[0] : objects, null, 2)}\n`;
}
