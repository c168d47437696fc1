import { describe, expect, it } from 'vitest';
import { progressText } from './progress';

const skip = { params: { fast: 20, slow: 20 }, reason: 'must be less than slow' };

describe('progressText', () => {
  it('counts skipped and failed cells apart from done ones, out of every cell the grid promised', () => {
    expect(progressText({ done: 23, failed: 0, total: 23, skipped: [skip, skip] })).toBe('23 done, 2 skipped of 25');
    expect(progressText({ done: 20, failed: 1, total: 23, skipped: [skip] })).toBe('20 done, 1 failed, 1 skipped of 24');
    expect(progressText({ done: 0, failed: 0, total: 1000, skipped: [] })).toBe('0 done of 1000');
    expect(progressText({ done: 36, failed: 0, cancelled: 921, total: 957, skipped: [] })).toBe('36 done, 921 cancelled of 957');
  });
});
