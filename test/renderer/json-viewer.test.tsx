// @vitest-environment happy-dom
/**
 * The JSON body viewer shows the data as sent: every literal keeps its text (`0.0`, `7.0`,
 * `1E+3`, escapes), commas stay, repeated keys stay; the raw body is one click away.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyViewer } from '../../renderer/http/BodyViewer.tsx';
import { MAX_JSON_DEPTH, parseJsonTree, prettyJson } from '../../renderer/http/json-tree.ts';

const enc = new TextEncoder();
let root: Root | null = null;
let host: HTMLElement | null = null;

async function render(body: string): Promise<HTMLElement> {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
  await act(async () => root!.render(<BodyViewer bytes={enc.encode(body)} contentType="application/json" />));
  return host;
}

afterEach(async () => {
  await act(async () => root?.unmount());
  root = null;
  host?.remove();
});

const BODY = '{"price":0.0,"count":7.0,"big":1E+3,"neg":-0,"name":"caf\\u00e9","k":1,"k":2,"list":[1,2,{}],"empty":[]}';

describe('JSON viewer', () => {
  it('prints each literal as sent, with its commas, and keeps repeated keys', async () => {
    const el = await render(BODY);
    const view = el.querySelector('[data-testid="json-view"]')!;
    const nums = [...view.querySelectorAll('.j-num')].map((n) => n.textContent);
    expect(nums).toEqual(['0.0', '7.0', '1E+3', '-0', '1', '2', '1', '2']);
    expect([...view.querySelectorAll('.j-str')].map((n) => n.textContent)).toEqual(['"caf\\u00e9"']);
    expect([...view.querySelectorAll('.j-key')].map((n) => n.textContent)).toEqual(['"price"', '"count"', '"big"', '"neg"', '"name"', '"k"', '"k"', '"list"', '"empty"']);
    const lines = [...view.querySelectorAll('.j-line')].map((l) => l.textContent);
    expect(lines).toContain('"price": 0.0,');
    expect(lines).toContain('"empty": []');
    expect(lines).toContain('{}');
    expect(lines).toContain('],');
    // Every comma of the body is in the tree: 8 between members, 2 in the list.
    expect((view.textContent ?? '').split(',').length - 1).toBe(10);
  });

  it('the raw body is one click away, and back', async () => {
    const el = await render(BODY);
    await act(async () => ([...el.querySelectorAll('.body-modes button')].find((b) => b.textContent === 'Raw') as HTMLElement).click());
    expect(el.querySelector('[data-testid="json-raw"]')?.textContent).toBe(BODY);
    expect(el.querySelector('[data-testid="json-view"]')).toBeNull();
    await act(async () => ([...el.querySelectorAll('.body-modes button')].find((b) => b.textContent === 'Tree') as HTMLElement).click());
    expect(el.querySelector('[data-testid="json-view"]')).not.toBeNull();
  });

  it('invalid JSON: the message with its offset, the body as sent', async () => {
    const el = await render('{"a": 01}');
    expect(el.textContent).toContain('Not valid JSON: expected "," or "}", found "1" at character 7');
    expect(el.querySelector('[data-testid="json-raw"]')?.textContent).toBe('{"a": 01}');
  });

  it('parses per RFC 8259 and prints back literal for literal', () => {
    const t = parseJsonTree(' [1.50, "a\\"b", true, null, {"x": -2e-3}] ');
    expect(t.ok).toBe(true);
    if (t.ok) expect(prettyJson(t.tree)).toBe('[\n  1.50,\n  "a\\"b",\n  true,\n  null,\n  {\n    "x": -2e-3\n  }\n]');
    for (const bad of ['', '[1,]', '{"a" 1}', '"\u0001"', '[+1]', '[.5]', 'nul', '{"a":1} x', "['a']"]) expect(parseJsonTree(bad).ok, bad).toBe(false);
    expect(parseJsonTree('\ufeff{}').ok).toBe(true);
    const deep = parseJsonTree('['.repeat(MAX_JSON_DEPTH + 2) + ']'.repeat(MAX_JSON_DEPTH + 2));
    expect(deep).toMatchObject({ ok: false });
    if (!deep.ok) expect(deep.error).toMatch(/nested deeper than 256 levels/);
  });
});
