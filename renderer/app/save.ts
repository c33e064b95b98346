/**
 * Save bytes or text from the window as a download: a Blob and an `<a download>` link, which
 * works the same in the desktop window and in browser mode (no Node, no host round trip).
 */

/** Offer `parts` as a file named `name`. */
export function saveBlob(name: string, parts: BlobPart[], type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = safeFileName(name);
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started by the next tick; keep the URL a little longer for slow hosts.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name without path separators or control characters (names come from captures). */
export function safeFileName(name: string): string {
  const s = name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').replace(/^\.+/, '').slice(0, 180);
  return s || 'download';
}
