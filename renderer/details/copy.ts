/** What the details tree's Copy ▸ items put on the clipboard (pure, for the component tests). */
import type { DetailsNode } from '../../shared/rpc.ts';
import type { FieldInfo } from '../../shared/fields.ts';

/**
 * The value as the tree shows it: the label after "Name: " (Wireshark's Copy ▸ Value), else the
 * filter value without its quotes, else the whole label (a protocol line).
 */
export function nodeValueText(node: Pick<DetailsNode, 'label' | 'filterValue'>): string {
  const at = node.label.indexOf(': ');
  if (at >= 0) return node.label.slice(at + 2);
  const v = node.filterValue;
  if (v !== undefined) return /^".*"$/s.test(v) ? unquote(v) : v;
  return node.label;
}

export function fieldDescription(name: string, fields: readonly FieldInfo[] | null): string {
  return fields?.find((f) => f.name === name)?.description ?? '';
}

/** A filter string literal's text; escapes JSON does not know (`\\x41`) keep the literal's inside. */
function unquote(v: string): string {
  try {
    return JSON.parse(v) as string;
  } catch {
    return v.slice(1, -1);
  }
}
