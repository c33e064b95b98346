/**
 * Body viewers of the HTTP view, chosen by content type: JSON as a foldable tree (literals as sent), HTML/XML as
 * highlighted source (text nodes only — capture content is never rendered as a page), images
 * from a blob: URL, form fields and multipart parts listed, text as text, anything else as hex.
 */
import { useEffect, useMemo, useState } from 'react';
import { bodyKind, hexDump, markupTokens, mediaType, parseForm, parseMultipart, typeParam, type BodyKind } from './body-kind.ts';
import { parseJsonTree, type JsonTree } from './json-tree.ts';

/** Bodies larger than this are shown cut (the whole body can still be saved). */
export const SHOW_LIMIT = 2 << 20;

/** One value of the tree; `comma` when a sibling follows (the commas are part of what was sent). */
function JsonNode({ name, value, depth, openDepth, comma }: { name: string | null; value: JsonTree; depth: number; openDepth: number; comma: boolean }) {
  const [open, setOpen] = useState(depth < openDepth);
  const label = name !== null ? <><span className="j-key">{name}</span>: </> : null;
  const tail = comma ? <span className="j-punct">,</span> : null;
  if (value.kind !== 'object' && value.kind !== 'array') {
    const cls = value.kind === 'string' ? 'j-str' : value.kind === 'number' ? 'j-num' : value.text === 'null' ? 'j-null' : 'j-bool';
    return (
      <div className="j-line">
        {label}
        <span className={cls}>{value.text}</span>
        {tail}
      </div>
    );
  }
  const entries: [string | null, JsonTree][] = value.kind === 'array' ? value.items.map((v) => [null, v]) : value.entries.map((e) => [e.key, e.value]);
  const [o, c] = value.kind === 'array' ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="j-line">
        {label}
        {o}
        {c}
        {tail}
      </div>
    );
  }
  return (
    <div className="j-node">
      <div className="j-line">
        <button className="j-toggle" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={open ? 'Fold' : 'Unfold'}>
          {open ? '▾' : '▸'}
        </button>
        {label}
        {o}
        {!open && <span className="j-folded"> … {entries.length} {value.kind === 'array' ? 'items' : 'keys'} {c}{comma ? ',' : ''}</span>}
      </div>
      {open && (
        <div className="j-children">
          {entries.map(([k, v], i) => <JsonNode key={i} name={k} value={v} depth={depth + 1} openDepth={openDepth} comma={i < entries.length - 1} />)}
          <div className="j-line">{c}{tail}</div>
        </div>
      )}
    </div>
  );
}

/** A JSON body as a foldable tree of its literals as sent, or raw (one click between them). */
export function JsonView({ text }: { text: string }) {
  const parsed = useMemo(() => parseJsonTree(text), [text]);
  const [raw, setRaw] = useState(false);
  const toggle = (
    <div className="body-modes" role="group" aria-label="JSON view">
      <button aria-pressed={!raw} onClick={() => setRaw(false)} disabled={!parsed.ok}>Tree</button>
      <button aria-pressed={raw} onClick={() => setRaw(true)}>Raw</button>
    </div>
  );
  if (!parsed.ok) {
    return (
      <div>
        <div className="body-note error-text">Not valid JSON: {parsed.error}; shown as sent.</div>
        <pre className="body-text" data-testid="json-raw">{text}</pre>
      </div>
    );
  }
  return (
    <div>
      {toggle}
      {raw ? (
        <pre className="body-text" data-testid="json-raw">{text}</pre>
      ) : (
        <div className="json-view" data-testid="json-view">
          <JsonNode name={null} value={parsed.tree} depth={0} openDepth={text.length < 65536 ? 8 : 2} comma={false} />
        </div>
      )}
    </div>
  );
}

export function MarkupView({ text }: { text: string }) {
  const tokens = useMemo(() => markupTokens(text), [text]);
  return (
    <pre className="body-text markup-view" data-testid="markup-view">
      {tokens.map((t, i) => <span key={i} className={`m-${t.cls}`}>{t.text}</span>)}
    </pre>
  );
}

export function ImageView({ bytes, type }: { bytes: Uint8Array; type: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    // SVG is markup that can script: it is shown as source, never as an image from capture bytes.
    const u = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
    setUrl(u);
    setBroken(false);
    return () => URL.revokeObjectURL(u);
  }, [bytes, type]);
  if (broken) return <pre className="body-text">{hexDump(bytes)}</pre>;
  return url ? (
    <div className="image-view">
      <img src={url} alt={`${type} body (${bytes.length} bytes)`} data-testid="image-view" onError={() => setBroken(true)} />
    </div>
  ) : null;
}

export function FormView({ text }: { text: string }) {
  const fields = useMemo(() => parseForm(text), [text]);
  return (
    <table className="kv-table" data-testid="form-view">
      <tbody>
        {fields.map(([k, v], i) => (
          <tr key={i}><th>{k}</th><td>{v}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function MultipartView({ bytes, contentType }: { bytes: Uint8Array; contentType: string }) {
  const parts = useMemo(() => parseMultipart(bytes, typeParam(contentType, 'boundary') ?? ''), [bytes, contentType]);
  return (
    <div className="multipart-view" data-testid="multipart-view">
      {parts.length === 0 && <div className="body-note">No parts found for this boundary.</div>}
      {parts.map((p, i) => (
        <div key={i} className="mp-part">
          <div className="mp-head">
            Part {i + 1}{p.name !== null ? `: ${p.name}` : ''}{p.filename !== null ? ` (file ${p.filename})` : ''} — {p.contentType || 'text/plain'}, {p.body.length.toLocaleString('en-US')} bytes
          </div>
          <BodyViewer bytes={p.body} contentType={p.contentType || (p.filename ? 'application/octet-stream' : 'text/plain')} nested />
        </div>
      ))}
    </div>
  );
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** The viewer for a body of `contentType`. */
export function BodyViewer({ bytes, contentType, nested = false }: { bytes: Uint8Array; contentType: string; nested?: boolean }) {
  const kind: BodyKind = useMemo(() => bodyKind(contentType, bytes), [contentType, bytes]);
  const shown = bytes.length > SHOW_LIMIT ? bytes.subarray(0, SHOW_LIMIT) : bytes;
  const text = useMemo(() => (kind === 'image' || kind === 'binary' || kind === 'multipart' ? '' : decoder.decode(shown)), [kind, shown]);
  const cut = bytes.length > SHOW_LIMIT && <div className="body-note">Showing the first {SHOW_LIMIT.toLocaleString('en-US')} of {bytes.length.toLocaleString('en-US')} bytes; Save body for all of it.</div>;
  let view: React.ReactNode;
  switch (kind) {
    case 'empty': view = <div className="body-note">No body.</div>; break;
    case 'json': view = bytes.length > SHOW_LIMIT ? <pre className="body-text">{text}</pre> : <JsonView text={text} />; break;
    case 'markup': view = <MarkupView text={text} />; break;
    case 'image':
      view = mediaType(contentType) === 'image/svg+xml' ? <MarkupView text={decoder.decode(shown)} /> : <ImageView bytes={bytes} type={mediaType(contentType)} />;
      break;
    case 'form': view = <FormView text={text} />; break;
    case 'multipart': view = nested ? <pre className="body-text">{hexDump(bytes)}</pre> : <MultipartView bytes={bytes} contentType={contentType} />; break;
    case 'text': view = <pre className="body-text" data-testid="text-view">{text}</pre>; break;
    default: view = <pre className="body-text" data-testid="hex-view">{hexDump(bytes)}</pre>;
  }
  return (
    <div className={`body-viewer kind-${kind}`} data-kind={kind}>
      {cut}
      {view}
    </div>
  );
}
