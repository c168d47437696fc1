import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Fold } from '../api/types';
import { FoldTimeline } from './FoldTimeline';
import { timelineLayout, type TimelineFold } from './timeline';

const DAY = 86_400_000;
// A trial's fold: a 12-month daily train window, 200 warm-up bars (its last 200), then 3 months of test.
const TRIAL: TimelineFold = {
  index: 0, train_first: '2021-01-04T00:00:00Z', train_last: '2021-12-31T00:00:00Z', test_first: '2022-01-03T00:00:00Z',
  test_last: '2022-03-31T00:00:00Z', warmup_bars: 200, warmup_first: '2021-03-19T00:00:00Z', partial: false,
};

describe('the fold timeline warm-up band', () => {
  it('spans warmup_first to test_first exactly, at its true share of the train window', () => {
    const layout = timelineLayout([TRIAL], { width: 1076, left: 64, right: 12, barMs: DAY, warmupMsPerBar: 3 * DAY });
    const row = layout.rows[0]!;
    expect(row.warmupExact).toBe(true);
    expect(row.warmup!.from).toBe(Date.parse('2021-03-19T00:00:00Z'));
    expect(row.warmup!.to).toBe(Date.parse('2022-01-03T00:00:00Z'));
    // 290 of the 452 days on the axis, and it ends where the test begins
    expect(row.warmup!.width).toBeCloseTo((290 / 452) * 1000, 6);
    expect(row.warmup!.x + row.warmup!.width).toBeCloseTo(row.test.x, 6);
    expect(row.warmup!.x).toBeGreaterThan(row.train.x);
  });

  it('falls back to an estimate, marked so, when the fold does not give its first warm-up bar', () => {
    const layout = timelineLayout([{ ...TRIAL, warmup_first: null }], { width: 1076, barMs: DAY, warmupMsPerBar: DAY });
    expect(layout.rows[0]!.warmupExact).toBe(false);
    expect(layout.rows[0]!.warmup!.from).toBe(Date.parse('2022-01-03T00:00:00Z') - 200 * DAY);
  });

  it('draws the warm-up as a strip along the train bar, which keeps its full length and height', () => {
    render(<FoldTimeline folds={[TRIAL as unknown as Fold]} timeframe="1Day" zone="UTC" warmupAsked={200} />);
    const warmup = screen.getByTestId('timeline-warmup');
    const [train] = screen.getByTestId('timeline-row').querySelectorAll('rect');
    expect(Number(warmup.getAttribute('width'))).toBeCloseTo((290 / 452) * (1000 - 64 - 12), 3);
    expect(Number(warmup.getAttribute('height'))).toBeLessThan(Number(train!.getAttribute('height')) / 2);
    expect(Number(train!.getAttribute('width'))).toBeCloseTo((362 / 452) * (1000 - 64 - 12), 3);
    expect(screen.getByTestId('fold-timeline')).not.toHaveTextContent('approximate');
  });
});
