/** io,stat's name parsing (tshark 4.0 iostat_init) and its refusals. */
import { describe, expect, it } from 'vitest';
import { parseIoStat } from '../../shared/io-stat.ts';

describe('parseIoStat', () => {
  it('reads the interval in µs and its precision from its digits', () => {
    expect(parseIoStat('io,stat,1')).toEqual({ intervalUs: 1_000_000, prec: 0, filters: [null] });
    expect(parseIoStat('io,stat,0.25,tcp')).toEqual({ intervalUs: 250_000, prec: 2, filters: ['tcp'] });
    expect(parseIoStat('io,stat,1.00,tcp,,udp')).toEqual({ intervalUs: 1_000_000, prec: 2, filters: ['tcp', null, 'udp'] });
    expect(parseIoStat('io,stat,0')).toEqual({ intervalUs: 0, prec: 0, filters: [null] });
    expect(parseIoStat('io,stat,0.000001').prec).toBe(6);
  });
  it('refuses what tshark refuses, and calculated columns', () => {
    expect(() => parseIoStat('io,stat,')).toThrow(/INTERVAL/);
    expect(() => parseIoStat('io,stat,1,tcp,')).toThrow(/trailing comma/);
    expect(() => parseIoStat('io,stat,x')).toThrow(/INTERVAL/);
    expect(() => parseIoStat('io,stat,0.0000001')).toThrow(/0.000001/);
    expect(() => parseIoStat('io,stat,1,SUM(frame.len)frame.len')).toThrow(/calculated columns/);
  });
});
