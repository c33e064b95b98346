/**
 * TCP port reuse and window scaling on test/fixtures/fidelity/tcp-reuse.pcap
 * (scripts/make-fixture-fidelity.py); the oracle of every frame is
 * test/golden/fidelity/tcp-reuse.tsv (tshark 4.0.17, checked in test/cli/decode-as.test.ts).
 * Here: a later SYN/ACK on the same ports changes relative numbers and window scaling from its
 * frame on only, also when frames are revisited in any order after the first pass.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackets } from './golden-fields.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { dissectPacket } from '../../electron/engine/dissectors/packet.ts';
import { firstPassContext, revisitContext } from '../../electron/engine/dissectors/context.ts';
import { createConversationTable } from '../../electron/engine/streams/conversations.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/fidelity/tcp-reuse.pcap');
const FIELDS = ['tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.window_size', 'tcp.window_size_scalefactor'];

describe('a later SYN/ACK on the same address/port pair', () => {
  const packets = readPackets(FIXTURE);
  const conv = createConversationTable(packets.length);
  const first = firstPassContext(conv);
  const d = createDissection();
  const line = () => FIELDS.map((f) => fieldStrings(d, fieldByName(f)!).join(',')).join('\t');
  const lines = packets.map((p) => {
    dissectPacket(d, p.meta, p.data, first);
    return line();
  });

  it("keeps the earlier connection's window scaling and relative numbers (tshark 4.0.17)", () => {
    // Frame 5: the server's ACK of the first connection (scale 7): 509 × 128.
    expect(lines[4]).toBe('0\t1\t6\t65152\t128');
    // Frame 9: the SYN/ACK of a second connection whose SYN was not captured: relative 0.
    expect(lines[8]).toBe('0\t0\t2000001\t65160\t');
    // Frame 12: the server after it, with its new scale 2: 509 × 4.
    expect(lines[11]).toBe('0\t1\t2000006\t2036\t4');
    // Frame 18: a SYN/ACK without WS on an open connection (frame 21) changes nothing before or after.
    expect(lines[17]).toBe('1\t1\t1\t64256\t128');
    expect(lines[23]).toBe('1\t1\t40006\t130304\t256');
  });

  it('revisits in any order give the first pass values', () => {
    for (let i = packets.length - 1; i >= 0; i--) {
      dissectPacket(d, packets[i].meta, packets[i].data, revisitContext(conv));
      expect(line(), `frame ${i + 1}`).toBe(lines[i]);
    }
    expect([...conv.portReuse]).toEqual([9, 21, 43]);
  });
});
