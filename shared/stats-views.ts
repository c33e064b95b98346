/**
 * The window's statistics views and the Statistics menu that opens them (electron/main/menu.ts
 * builds it; renderer/stats/StatsView.tsx shows the view). The host sends the command
 * `statistics` with the view's id as its argument. A new statistic adds its id here, an entry
 * to STATISTICS_MENU and a tab in StatsView.
 */

export const STATS_VIEWS = ['conv', 'endpoints', 'phs', 'io', 'iostat', 'http', 'httpstat', 'httprt', 'httpreq', 'httpsrv', 'dns', 'sys'] as const;
export type StatsViewId = (typeof STATS_VIEWS)[number];

export const isStatsView = (s: string): s is StatsViewId => (STATS_VIEWS as readonly string[]).includes(s);

export type StatsMenuEntry =
  | { label: string; view: StatsViewId }
  | { label: string; submenu: readonly StatsMenuEntry[] }
  | 'separator';

/** Wireshark's Statistics menu, in its order, for what the engine computes. */
export const STATISTICS_MENU: readonly StatsMenuEntry[] = [
  { label: 'Protocol Hierarchy', view: 'phs' },
  { label: 'Conversations', view: 'conv' },
  { label: 'Endpoints', view: 'endpoints' },
  'separator',
  { label: 'I/O Graph', view: 'io' },
  { label: 'I/O Statistics', view: 'iostat' },
  'separator',
  // Wireshark's protocol entries are alphabetical: DNS before HTTP.
  { label: 'DNS', view: 'dns' },
  {
    label: 'HTTP',
    submenu: [
      { label: 'Packet Counter', view: 'http' },
      { label: 'Status Codes and Methods', view: 'httpstat' },
      { label: 'Response Time', view: 'httprt' },
      { label: 'Requests', view: 'httpreq' },
      { label: 'Load Distribution', view: 'httpsrv' },
    ],
  },
  'separator',
  { label: 'Syscall Overview', view: 'sys' },
];
