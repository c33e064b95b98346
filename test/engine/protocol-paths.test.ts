/** The protocol path ids of the index (index/packet-index.ts): the recent-path memo answers as the trie walk does. */
import { describe, expect, it } from 'vitest';
import { createProtocolPaths, protocolPathId } from '../../electron/engine/index/packet-index.ts';

describe('protocolPathId', () => {
  it('gives every path one id whatever order paths come in, prefixes and equal-length paths included', () => {
    const paths = [
      ['eth', 'ethertype', 'ip', 'tcp'],
      ['eth', 'ethertype', 'ip', 'tcp', 'http'],
      ['eth', 'ethertype', 'ip', 'udp', 'dns'],
      ['eth', 'ethertype', 'ip'],
      ['eth', 'ethertype', 'ip', 'tcp', 'tls'],
      [],
    ];
    const memo = createProtocolPaths();
    const ids = new Map<string, number>();
    // A deterministic mix: runs, alternations and jumps between all of them.
    let x = 7;
    for (let k = 0; k < 2000; k++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const p = paths[k % 3 === 0 ? x % paths.length : k & 1];
      // A scratch array longer than the path, as PacketContext.layers is reused.
      const layers = [...p, 'stale', 'names'];
      const id = protocolPathId(memo, layers, p.length);
      const key = p.join(':');
      if (!ids.has(key)) ids.set(key, id);
      expect(id).toBe(ids.get(key));
      expect(memo.layers[id]).toEqual(p);
    }
    expect(new Set(ids.values()).size).toBe(paths.length);
  });
});
