/** Name resolution from the capture (electron/engine/index/host-names.ts): the modes, and tshark's -N letters. */

/** What names addresses: NRB entries (tshark -N n) and, on top, captured DNS answers (-N d). */
export interface NameMode {
  /** Network names at all (tshark `n`; View ▸ Name Resolution): NRB entries. */
  network: boolean;
  /** Also the DNS answers seen in the packets (tshark `d`); only with `network`. */
  dns: boolean;
}

export const NAMES_OFF: NameMode = { network: false, dns: false };

/**
 * tshark's -N letters: `n` network names, `d` captured DNS (only with `n`). `m` (MAC vendors),
 * `t` (ports), `v` (VLAN ids) and `N` (a live resolver) are not done: they come back as
 * `ignored`; any other letter is an error.
 */
export function parseNameFlags(text: string): { mode: NameMode; ignored: string } | { error: string } {
  let network = false;
  let dns = false;
  let ignored = '';
  for (const c of text) {
    if (c === 'n') network = true;
    else if (c === 'd') dns = true;
    else if ('mtvNsg'.includes(c)) ignored += c;
    else return { error: `-N takes the letters n (names from the capture's Name Resolution Blocks) and d (from its DNS answers), not ${c}` };
  }
  return { mode: { network, dns }, ignored };
}
