/**
 * The filter bar's CodeMirror 6 editor: one line, our own highlighting (the shared tokenizer in
 * filter-logic.ts), error ranges from the shared parser through @codemirror/lint, completion
 * from `completeAt`, and the bar's keys (Enter, Esc, ↑/↓ history). No basic-setup bundle: only
 * what a one-line filter field needs.
 */
import { autocompletion, type Completion as CmCompletion, type CompletionContext, type CompletionResult as CmResult } from '@codemirror/autocomplete';
import { history, historyKeymap, defaultKeymap } from '@codemirror/commands';
import { linter, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, Facet, RangeSetBuilder, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, keymap, placeholder, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { completeAt, type FieldSource } from '../../shared/filter/index.ts';
import { highlightTokens, validateFilter } from './filter-logic.ts';

/** The field catalogue the editor validates and completes against (null until it arrives). */
export const fieldSource = Facet.define<FieldSource | null, FieldSource | null>({ combine: (v) => v[v.length - 1] ?? null });

export interface FilterEditorHandlers {
  /** Every document change (each keystroke). */
  onChange(text: string): void;
  onEnter(text: string): void;
  onEscape(): void;
  /** ↑ = older, ↓ = newer; return the text to show, or null to leave the line alone. */
  onHistory(dir: 'older' | 'newer', text: string): string | null;
}

export interface FilterEditor {
  view: EditorView;
  setFields(fields: FieldSource | null): void;
  /** Replace the whole text, cursor at the end. */
  setText(text: string): void;
  destroy(): void;
}

/** Paste or drop of several lines becomes one line: the filter is a single expression. */
const singleLine = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || tr.newDoc.lines === 1) return tr;
  const text = tr.newDoc.toString().replace(/\s*[\r\n]+\s*/g, ' ');
  return { changes: { from: 0, to: tr.startState.doc.length, insert: text }, selection: { anchor: Math.min(text.length, tr.newSelection.main.head) } };
});

function tokenDecorations(view: EditorView): DecorationSet {
  const fields = view.state.facet(fieldSource);
  const b = new RangeSetBuilder<Decoration>();
  if (!fields) return b.finish();
  for (const t of highlightTokens(view.state.doc.toString(), fields)) {
    if (t.to > t.from) b.add(t.from, t.to, Decoration.mark({ class: `cm-f-${t.cls}` }));
  }
  return b.finish();
}

const highlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = tokenDecorations(view);
    }
    update(u: ViewUpdate): void {
      const refields = u.startState.facet(fieldSource) !== u.state.facet(fieldSource);
      if (u.docChanged || refields) this.decorations = tokenDecorations(u.view);
    }
  },
  { decorations: (p) => p.decorations },
);

/** Parser errors (red) and warnings (yellow) as lint diagnostics over their ranges. */
const filterLint = linter(
  (view): Diagnostic[] => {
    const fields = view.state.facet(fieldSource);
    if (!fields) return [];
    const text = view.state.doc.toString();
    const v = validateFilter(text, fields);
    const severity = v.status === 'invalid' ? 'error' : 'warning';
    return v.messages.map((m) => {
      // A zero-width range at the end (missing operand) still needs something to underline.
      const from = Math.min(m.from, text.length);
      const to = Math.max(from, Math.min(m.to, text.length));
      return { from, to, severity, message: m.message };
    });
  },
  { delay: 0 },
);

const KIND_TYPE: Record<string, string> = { field: 'property', value: 'enum', function: 'function', keyword: 'keyword' };

function completionSource(ctx: CompletionContext): CmResult | null {
  const fields = ctx.state.facet(fieldSource);
  if (!fields) return null;
  const text = ctx.state.doc.toString();
  const r = completeAt(text, ctx.pos, fields);
  if (r.options.length === 0) return null;
  const isValue = r.options[0].kind === 'value';
  // After a space with nothing typed, a list of every protocol is noise; values are not.
  if (r.from === ctx.pos && !ctx.explicit && !isValue) return null;
  const options: CmCompletion[] = r.options.map((o) => ({ label: o.label, type: KIND_TYPE[o.kind], detail: o.detail, info: o.info }));
  return { from: r.from, to: r.to, options, filter: false };
}

export function createFilterEditor(parent: HTMLElement, initial: string, fields: FieldSource | null, h: FilterEditorHandlers): FilterEditor {
  const fieldsConf = new Compartment();
  const keys = keymap.of([
    { key: 'Enter', run: (v) => (h.onEnter(v.state.doc.toString()), true) },
    { key: 'Escape', run: () => (h.onEscape(), true) },
    {
      key: 'ArrowUp',
      run: (v) => {
        const t = h.onHistory('older', v.state.doc.toString());
        if (t !== null) replace(v, t);
        return true;
      },
    },
    {
      key: 'ArrowDown',
      run: (v) => {
        const t = h.onHistory('newer', v.state.doc.toString());
        if (t !== null) replace(v, t);
        return true;
      },
    },
  ]);
  const replace = (v: EditorView, text: string): void => {
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: { anchor: text.length } });
  };
  const extensions: Extension[] = [
    singleLine,
    fieldsConf.of(fieldSource.of(fields)),
    highlighter,
    filterLint,
    // The completion keymap (Enter accepts, Esc closes, ↑/↓ move) has precedence over ours.
    autocompletion({ override: [completionSource], activateOnTyping: true, maxRenderedOptions: 60, icons: false }),
    keys,
    history(),
    keymap.of([...historyKeymap, ...defaultKeymap]),
    placeholder('Apply a display filter … <Ctrl-/>'),
    EditorView.contentAttributes.of({ 'aria-label': 'Display filter', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) h.onChange(u.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc: initial, extensions }) });
  return {
    view,
    setFields(f) {
      view.dispatch({ effects: fieldsConf.reconfigure(fieldSource.of(f)) });
    },
    setText(text) {
      replace(view, text);
    },
    destroy() {
      view.destroy();
    },
  };
}
