import { describe, expect, it } from 'vitest';
import type { SweepResult } from '@/lib/api/types';
import type { WalkforwardOfSweep } from '../api/walkforwardOfSweep';
import { choiceFor, whyNotBest, type SweepChoice } from './walkforwardChoice';

const cell = (id: string, metrics: SweepResult['metrics']): SweepResult =>
  ({ run_id: id, params: {}, status: 'completed', metrics, error: null } as unknown as SweepResult);

describe('choiceFor', () => {
  const wf = { objective: 'max_drawdown_pct', direction: 'min', min_trades: 5, folds: [{ index: 0, chosen_run_id: 'f0', tied: 1 },
    { index: 1, chosen_run_id: null, tied: 1 }], contrast: { chosen_run_id: 'cc', tied: 3 } } as unknown as WalkforwardOfSweep;

  it("reads the fold's (or the contrast's) chosen cell, the objective as the UI names it and which end it took", () => {
    expect(choiceFor(wf, 0)).toEqual({ runId: 'f0', objective: 'max_drawdown', bestFirst: true, minTrades: 5, tied: 1 });
    expect(choiceFor(wf, null)).toMatchObject({ runId: 'cc', tied: 3 });
    expect(choiceFor(wf, 1)).toBeNull();  // not chosen yet
    expect(choiceFor(undefined, 0)).toBeNull();
    expect(choiceFor({ ...wf, objective: 'exposure_pct', direction: 'max' }, 0))  // more time in the market: its worse end
      .toMatchObject({ objective: 'exposure', bestFirst: false });
  });
});

describe('whyNotBest', () => {
  const choice: SweepChoice = { runId: 'b', objective: 'sharpe', bestFirst: true, minTrades: 10, tied: 1 };

  it('counts only the cells with a better objective figure and too few trades (a missing trades figure is none)', () => {
    const cells = [cell('a', { sharpe: 0.9 }), cell('b', { sharpe: 0.5, trades: 12 }), cell('c', { sharpe: 0.4, trades: 2 })];
    expect(whyNotBest(cells[0]!, cells[1]!, cells, 'sharpe', 'desc', choice)).toEqual([
      'it takes only cells with at least 10 trades, and 1 with a better Sharpe made fewer (the best here made 0)']);
  });

  it('names a tie broken by grid order, and a list ranked from the other end', () => {
    const cells = [cell('a', { sharpe: 0.5, trades: 20 }), cell('b', { sharpe: 0.5, trades: 12 })];
    expect(whyNotBest(cells[0]!, cells[1]!, cells, 'sharpe', 'desc', { ...choice, tied: 2 })).toEqual([
      '2 cells share its best Sharpe and it takes the first in grid order']);
    expect(whyNotBest(cells[0]!, cells[1]!, cells, 'sharpe', 'asc', choice)).toEqual([
      'it took the best Sharpe and this list is worst first']);
  });
});
