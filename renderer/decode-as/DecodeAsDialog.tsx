/**
 * View ▸ Decode As…: the rules (table, value, protocol) that send a port, protocol number or
 * type to another dissector, as Wireshark's dialog and tshark's -d. OK saves them for this user
 * and opens the capture again under them (every layer above the link depends on them).
 */
import { useEffect, useState } from 'react';
import type { DecodeAsRule, DecodeAsTable } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { loadRules, parseRuleValue, ruleText, saveRules, tableMax } from './rules.ts';

interface Row { table: string; value: string; protocol: string }

const toRow = (r: DecodeAsRule): Row => ({ table: r.table, value: String(r.value), protocol: r.protocol });

export function DecodeAsDialog({ session }: { session: Session }) {
  const [tables, setTables] = useState<DecodeAsTable[]>([]);
  const [rows, setRows] = useState<Row[]>(() => loadRules().map(toRow));
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    session.client()?.call('decodeAsChoices', null).then((c) => live && setTables(c.tables), (e: unknown) => live && setError(String(e)));
    return () => { live = false; };
  }, [session]);
  const choice = (t: string): DecodeAsTable | undefined => tables.find((x) => x.table === t);
  const set = (i: number, patch: Partial<Row>): void => setRows(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const problems = rows.map((r) => {
    const c = choice(r.table);
    if (!c) return tables.length ? `no table ${r.table}` : '';
    if (parseRuleValue(r.value, tableMax(r.table)) === null) return `value must be 0 to ${tableMax(r.table)}`;
    if (!c.protocols.includes(r.protocol)) return `choose a protocol`;
    return '';
  });
  const ok = (): void => {
    if (problems.some((p) => p !== '')) {
      setError('Fix the marked rules first.');
      return;
    }
    saveRules(rows.map((r) => ({ table: r.table, value: parseRuleValue(r.value, tableMax(r.table)) ?? 0, protocol: r.protocol })));
    useApp.setState({ panel: null });
    void session.reopen();
  };
  return (
    <div className="decode-as" data-testid="decode-as">
      <p className="panel-note">Send a port, protocol number or type to another dissector (tshark -d). Saved for you and applied to every capture you open.</p>
      <table className="decode-as-rules">
        <thead><tr><th>Field</th><th>Value</th><th>Decode as</th><th>tshark -d</th><th /></tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid="decode-as-rule" className={problems[i] ? 'bad' : ''} title={problems[i] || undefined}>
              <td>
                <select aria-label="Field" value={r.table} onChange={(e) => set(i, { table: e.target.value, protocol: '' })}>
                  {(tables.length ? tables : [{ table: r.table, description: '', protocols: [] }]).map((t) => <option key={t.table} value={t.table}>{t.table}</option>)}
                </select>
              </td>
              <td><input aria-label="Value" value={r.value} onChange={(e) => set(i, { value: e.target.value })} size={8} /></td>
              <td>
                <select aria-label="Protocol" value={r.protocol} onChange={(e) => set(i, { protocol: e.target.value })}>
                  <option value="">(choose)</option>
                  {(choice(r.table)?.protocols ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
                </select>
              </td>
              <td className="decode-as-text">{problems[i] ? problems[i] : ruleText({ table: r.table, value: parseRuleValue(r.value, tableMax(r.table)) ?? 0, protocol: r.protocol })}</td>
              <td><button aria-label="Remove rule" onClick={() => setRows(rows.filter((_, k) => k !== i))}>−</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p className="decode-as-error" role="alert">{error}</p>}
      <div className="panel-actions">
        <button data-testid="decode-as-add" onClick={() => setRows([...rows, { table: 'udp.port', value: '', protocol: '' }])}>+ Add rule</button>
        <span className="spacer" />
        <button onClick={() => useApp.setState({ panel: null })}>Cancel</button>
        <button className="primary" data-testid="decode-as-ok" onClick={ok}>OK</button>
      </div>
    </div>
  );
}
