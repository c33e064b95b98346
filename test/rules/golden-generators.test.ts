import { describe, expect, it } from 'vitest';
import { unlistedScripts } from '../../scripts/make-golden.ts';

describe('npm run golden', () => {
  it('knows every file under scripts/ (a new golden generator cannot be forgotten)', () => {
    expect(unlistedScripts()).toEqual([]);
  });
});
