/**
 * The HTTP detail's note under a body with bytes not in the capture says why when the reader
 * knows (strace -s N: the capture info's stringLimitNote, test/strace/strace-shapes.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { missingBodyNote } from '../../renderer/http/HttpView.tsx';

describe('HTTP body note for bytes not in the capture', () => {
  it('names the strace -s cut when the capture reports one', () => {
    expect(missingBodyNote(1234, 'strings cut at 32 bytes by strace -s 32')).toBe('1,234 body bytes are not in the capture (strings cut at 32 bytes by strace -s 32).');
  });
  it('says only the count otherwise (packets, or a log without a cut)', () => {
    expect(missingBodyNote(1448, undefined)).toBe('1,448 body bytes are not in the capture.');
    expect(missingBodyNote(5, 32)).toBe('5 body bytes are not in the capture.');
  });
});
