/**
 * The body viewers (JSON tree, markup, image, form, multipart, text, hex: BodyViewer.tsx) in
 * their own chunk, fetched the first time an exchange's body is shown: a window that never
 * opens the HTTP view does not load them.
 */
import { lazy, Suspense } from 'react';

const Viewer = lazy(() => import('./BodyViewer.tsx').then((m) => ({ default: m.BodyViewer })));

export function LazyBodyViewer(props: { bytes: Uint8Array; contentType: string }) {
  return (
    <Suspense fallback={<div className="body-note">Loading the viewer…</div>}>
      <Viewer {...props} />
    </Suspense>
  );
}
