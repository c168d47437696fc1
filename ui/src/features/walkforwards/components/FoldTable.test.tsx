import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { Fold, Walkforward } from '../api/types';
import { FoldTable } from './FoldTable';

const fold = (index: number, oos: Fold['oos_metrics']): Fold => ({
  index, train_first: '2021-01-04T00:00:00Z', train_last: '2021-12-31T00:00:00Z', test_first: '2022-01-03T00:00:00Z',
  test_last: '2022-06-30T00:00:00Z', warmup_bars: 50, warmup_first: null, partial: false, sweep_id: `s${index}`,
  cells_total: 4, cells_done: 4, cells_cancelled: 0, params: { fast: 5, slow: 40 }, chosen_run_id: `c${index}`,
  in_sample_metrics: { sharpe: 1.25 }, oos_run_id: `o${index}`, oos_status: 'completed', oos_metrics: oos, reason: null,
  efficiency: 0.5, efficiency_reason: null, tied: 1, passed_over_min_trades: 0, passed_over_better: 0,
});

const WF = {
  id: 'w1', grid: { fast: [5, 10], slow: [20, 40] }, objective: 'sharpe', min_trades: 10,
  folds: [fold(0, { total_return_pct: 3.5, trades: 4, fees_total: 1234.5 }), fold(1, { total_return_pct: -1, trades: 2, fees_total: 0.07 })],
  result: { metrics: { total_return_pct: 2.46, fees_total: 1301.27 }, contrast_metrics: null, folds_included: 2, efficiency: 0.4,
    efficiency_reason: null, oos_annualised_return_pct: 5, is_annualised_return_pct: 12 },
} as unknown as Walkforward;

function renderTable(wf: Walkforward) {
  render(<MemoryRouter><FoldTable wf={wf} timeframe="1Day" /></MemoryRouter>);
}

describe('FoldTable', () => {
  it("shows each fold's out-of-sample fees and the stitched total, to the cent", () => {
    renderTable(WF);
    expect(screen.getByRole('columnheader', { name: 'OOS fees $' })).toBeInTheDocument();
    expect(screen.getAllByTestId('fold-oos-fees').map((c) => c.textContent)).toEqual(['1,234.50', '0.07']);
    const total = screen.getByTestId('fold-total');
    expect(within(total).getByTestId('fold-total-fees')).toHaveTextContent('1,301.27');
    expect(total).toHaveTextContent("stitched out of sample: each fold's fees scaled as its P&L is");
  });

  it("links each fold's test window run with the hindsight parameters, once the contrast has queued them", () => {
    const { unmount } = render(<MemoryRouter><FoldTable wf={{ ...WF, contrast: null } as unknown as Walkforward}
      timeframe="1Day" /></MemoryRouter>);
    expect(screen.queryByTestId('fold-hindsight-link')).toBeNull();
    unmount();
    renderTable({ ...WF, contrast: { test_run_ids: ['h0', 'h1'] } } as unknown as Walkforward);
    const links = screen.getAllByTestId('fold-hindsight-link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['/runs/h0', '/runs/h1']);
    expect(links[1]).toHaveAccessibleName('fold 2 test window with the hindsight parameters');
  });

  it('shows a dash for a fold with no fees figure yet, and no total before the stitched result', () => {
    renderTable({ ...WF, folds: [fold(0, {})], result: null } as Walkforward);
    expect(screen.getByTestId('fold-oos-fees')).toHaveTextContent('—');
    expect(screen.queryByTestId('fold-total')).toBeNull();
  });

  it('marks a fold whose best figure several cells shared, so the grid order chose (trial 31)', () => {
    renderTable({ ...WF, folds: [{ ...WF.folds[0], tied: 4 }, WF.folds[1]] } as Walkforward);
    const tied = screen.getAllByTestId('fold-tied');
    expect(tied).toHaveLength(1);
    expect(tied[0]).toHaveTextContent('tied ×4');
    expect(tied[0]).toHaveAttribute('title', '4 cells shared the best figure: the first of them in grid order was taken');
  });

  it('says how many cells a fold passed over for too few trades, and how many of them beat its choice', () => {
    renderTable({ ...WF, folds: [{ ...WF.folds[0], passed_over_min_trades: 3, passed_over_better: 2 },
      { ...WF.folds[1], passed_over_min_trades: 1, passed_over_better: 0 }] } as Walkforward);
    const notes = screen.getAllByTestId('fold-passed-over');
    expect(notes.map((n) => n.textContent)).toEqual([
      'passed over 3 cells with fewer than 10 trades; 2 of them had a better Sharpe',
      'passed over 1 cell with fewer than 10 trades']);
    expect(within(screen.getAllByTestId('fold-params')[0]!).getByTestId('fold-passed-over')).toHaveAttribute('title',
      "Only cells with at least 10 trades are chosen from: the fold's sweep, which ranks every cell, can show a best "
      + 'Sharpe the walk-forward did not take.');
  });

  it('says nothing of passed-over cells where the minimum left none out', () => {
    renderTable(WF);
    expect(screen.queryByTestId('fold-passed-over')).toBeNull();
  });
});
