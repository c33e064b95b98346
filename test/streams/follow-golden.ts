/** tshark `-z follow,tcp,raw,N` output (as the golden scripts concatenate it), parsed for tests. */

export interface GoldenStream {
  n: number;
  node0: string;
  node1: string;
  lines: string[];
}

export function parseGolden(text: string): GoldenStream[] {
  const out: GoldenStream[] = [];
  const blocks = text.split('===================================================================\nFollow: tcp,raw\n');
  for (const b of blocks.slice(1)) {
    const lines = b.split('\n');
    const n = Number(/^Filter: tcp\.stream eq (\d+)/.exec(lines[0])?.[1]);
    const node0 = lines[1].replace('Node 0: ', '');
    const node1 = lines[2].replace('Node 1: ', '');
    const data: string[] = [];
    for (const l of lines.slice(3)) {
      if (l.startsWith('=====')) break;
      data.push(l);
    }
    out.push({ n, node0, node1, lines: data });
  }
  return out;
}

export function perDirection(lines: string[]): [string, string] {
  let a = '';
  let b = '';
  for (const l of lines) {
    if (l.startsWith('\t')) b += l.slice(1);
    else a += l;
  }
  return [a, b];
}
