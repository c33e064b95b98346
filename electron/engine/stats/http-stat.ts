/**
 * `-z http,stat` as tshark 4.0 counts it (ui/cli/tap-httpstat.c): per HTTP/1.x message the HTTP
 * tap sees (the same taps as http,tree), a response counts under its status code when
 * packet-http.c's status table names it, else under its class's "Others" entry (codes outside
 * 100–599 are not counted); a request under its method. tshark prints both lists in GLib hash
 * table order; here codes ascend and methods keep their first appearance (the goldens compare
 * each list as a set of lines).
 */
import { REASON } from '../http2/info.ts';
import type { HttpTapMessage } from './http-tree.ts';

/** packet-http.c vals_status_code's catch-alls, one per class. */
const OTHERS: Readonly<Record<number, string>> = {
  199: 'Informational - Others', 299: 'Success - Others', 399: 'Redirection - Others', 499: 'Client Error - Others', 599: 'Server Error - Others',
};

export interface HttpStat {
  codes: { code: number; name: string; packets: number }[];
  methods: { method: string; packets: number }[];
}

export function httpStat(messages: Iterable<HttpTapMessage>, keep?: (event: number) => boolean): HttpStat {
  const codes = new Map<number, number>();
  const methods = new Map<string, number>();
  for (const m of messages) {
    if (keep && !keep(m.event)) continue;
    if (m.status) {
      const s = m.status;
      if (s < 100 || s >= 600) continue;
      const key = REASON[s] !== undefined ? s : Math.floor(s / 100) * 100 + 99;
      codes.set(key, (codes.get(key) ?? 0) + 1);
    } else if (m.method !== null) methods.set(m.method, (methods.get(m.method) ?? 0) + 1);
  }
  return {
    codes: [...codes].sort((a, b) => a[0] - b[0]).map(([code, packets]) => ({ code, name: REASON[code] ?? OTHERS[code] ?? '', packets })),
    methods: [...methods].map(([method, packets]) => ({ method, packets })),
  };
}
