/**
 * Per-field agreement with `sysdig -r FILE -p "%field ..."` (sysdig 0.29.3) on every corpus scap
 * file sysdig reads (test/golden/sysdig, scripts/make-golden-sysdig-fields.sh): every field both
 * tools print agrees on >= 99% of the events, except the fields listed in BELOW with their reason
 * and the share they reach now (a floor: a regression fails, and so does an improvement past 99%,
 * so the entry is then removed). The differences of the fields above 99% are kinds the line
 * test (scap.test.ts EXPLAINED) already lists: the 0.29.3 names of generic events (sigreturn,
 * <unknown>), send/recv tuples (sendTupleFd), the container JSON metaevent (psp_privileged).
 * SYSDIG_FIELDS_REPORT=1 prints the share per field.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { open, SCAP } from './sysdig-lines.ts';
import { agreement, GOLDEN_DIR, readGolden, type FieldAgreement } from './sysdig-fields.ts';

/** Fields under 99%, with the share (%) they reach and why the rest differs. */
const BELOW: Record<string, { floor: number; why: string }> = {
  'fd.num': { floor: 92.5, why: "fd events without an fd-table entry (an open's enter, a failed call): sysdig prints -1 (m_lastevent_fd), we leave fd.num absent, as the index column does (680 events); and mmap/mmap2 events (about 1,300 of them, the main part of the difference): sysdig 0.29.3's event table did not flag them EF_USES_FD, so it printed no fd fields; the current table does and the current sysdig of the seed rendering names their fd (docker-curl-https.txt `fd=3(<f>/etc/ld.so.cache)`, test/filter/syscall-filters.test.ts), which we follow" },
  'fd.type': { floor: 97.1, why: "mmap/mmap2 events (about 1,300 of them, the main part of the difference): sysdig 0.29.3's event table did not flag them EF_USES_FD, so it printed no fd fields; the current table does and the current sysdig of the seed rendering names their fd (docker-curl-https.txt `fd=3(<f>/etc/ld.so.cache)`, test/filter/syscall-filters.test.ts), which we follow" },
  'fd.directory': { floor: 96.1, why: "mmap/mmap2 events (about 1,300 of them, the main part of the difference): sysdig 0.29.3's event table did not flag them EF_USES_FD, so it printed no fd fields; the current table does and the current sysdig of the seed rendering names their fd (docker-curl-https.txt `fd=3(<f>/etc/ld.so.cache)`, test/filter/syscall-filters.test.ts), which we follow" },
  'fd.filename': { floor: 97.1, why: "mmap/mmap2 events (about 1,300 of them, the main part of the difference): sysdig 0.29.3's event table did not flag them EF_USES_FD, so it printed no fd fields; the current table does and the current sysdig of the seed rendering names their fd (docker-curl-https.txt `fd=3(<f>/etc/ld.so.cache)`, test/filter/syscall-filters.test.ts), which we follow" },
  'evt.latency': { floor: 98.2, why: 'sysdig 0.29.3 gives scheduler-switch enters a latency (time since the thread\'s previous switch); we print 0, as for every enter (258 events)' },
  'fd.typechar': { floor: 92.3, why: 'mmap events (see fd.num), and an fd event without an fd-table entry (an open\'s enter, a failed call): sysdig derives a type character from the event type (sinsp_evt::extract_typechar), not modelled; we print none (725 events)' },
  'fd.is_server': { floor: 95.3, why: 'mmap events (see fd.num), and unconnected or failed sockets in 502Error: sysdig 0.29.3 reports true for sockets we see with no server address (role guessed from the interface list before a tuple is known), not modelled (269 events)' },
  'group.gid': { floor: 92.6, why: 'sysdig 0.29.3 prints gids of 2^32·k (4294967296, 12884901888) where the file holds 0: it reads the 32-bit gid as 64 bits with the next field as the high half; we print the stored gid (1083 events)' },
  'fd.name': { floor: 91.3, why: 'mmap events (see fd.num); fd events without an fd-table entry, where sysdig prints fd.num -1 and an fd.name from the exit\'s own parameters (extract_fdname_from_event) or "", which we leave absent so that index-column and re-dissection filters agree (test/engine/column-filter.test.ts); send/recv exit tuples updating the fd (libsinsp parse_rw_exit update_fd, 73 sendmsg events of 502Error, see scap.test.ts sendTupleFd) and unix connect exits naming the fd from the tuple (18); not modelled' },
};

const MIN = 99;

describe('scap fields vs sysdig -p (sysdig 0.29.3), per field over every corpus scap it reads', () => {
  it('every field both print agrees on >= 99% of events, or is listed with its reason', async () => {
    const goldens = readdirSync(GOLDEN_DIR).filter((g) => g.endsWith('.tsv.gz')).sort();
    expect(goldens.length).toBe(13);
    const total = new Map<string, { same: number; total: number }>();
    let events = 0;
    for (const g of goldens) {
      const rel = g.replace(/^scap__/, '').replace(/\.tsv\.gz$/, '').replaceAll('__', '/');
      const { cap, warnings } = await open(`${SCAP}/${rel}`);
      expect(warnings).toEqual([]);
      const golden = readGolden(`${GOLDEN_DIR}/${g}`);
      events += golden.rows.size;
      const per: FieldAgreement[] = agreement(cap, golden);
      for (const a of per) {
        const t = total.get(a.field) ?? { same: 0, total: 0 };
        t.same += a.same;
        t.total += a.total;
        total.set(a.field, t);
      }
      cap.close();
    }
    expect(events).toBe(14807);
    const report: Record<string, number> = {};
    for (const [field, t] of total) report[field] = Math.floor((1000 * t.same) / t.total) / 10;
    if (process.env.SYSDIG_FIELDS_REPORT) console.log(report);
    for (const [field, pct] of Object.entries(report)) {
      const b = BELOW[field];
      if (b) {
        expect([field, pct >= b.floor]).toEqual([field, true]);
        expect([field, pct < MIN]).toEqual([field, true]);
      } else expect([field, pct]).toEqual([field, Math.max(pct, MIN)]);
    }
    for (const field of Object.keys(BELOW)) expect(Object.keys(report)).toContain(field);
  });
});
