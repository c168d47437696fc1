import { describe, expect, it } from 'vitest';
import type { SweepResult } from '@/lib/api/types';
import { failedCellLines, noFigureReason } from './cellNotes';

const row = (over: Partial<SweepResult>): SweepResult => ({
  run_id: 'r', params: { at: 50 }, status: 'completed', metrics: {}, error: null, metrics_unavailable: {}, ...over,
});

describe('sweep cell notes', () => {
  it('gives the reason a cell withheld the figure for, else says it is withheld where no trade closed', () => {
    const short = row({ metrics_unavailable: { sharpe: 'not enough data: 9 returns' } });
    expect(noFigureReason([row({}), short], 'sharpe')).toBe('not enough data: 9 returns');
    expect(noFigureReason([row({})], 'sharpe')).toBe(
      'it is withheld in every cell that ran (no closed trade, or equity that never moved)');
  });

  it('lists failed cells with their reason, one line per reason', () => {
    const lines = failedCellLines([
      row({ status: 'failed', params: { at: 50 }, error: 'the strategy failed: KeyError' }),
      row({ status: 'failed', params: { at: 60 }, error: 'the strategy failed: KeyError' }),
      row({ status: 'failed', params: { at: 70 }, error: 'boom' }),
      row({ params: { at: 80 } }),
    ]);
    expect(lines).toEqual(['2 cells failed (at=50; at=60): the strategy failed: KeyError', 'Cell at=70 failed: boom']);
  });
});
