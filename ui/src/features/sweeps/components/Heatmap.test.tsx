import { render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { SweepResult } from '@/lib/api/types';
import { Heatmap } from './Heatmap';
import { heatColor } from './heatColor';

const cell = (fast: number, slow: number, status: SweepResult['status'], sharpe: number | null): SweepResult => ({
  run_id: `r-${fast}-${slow}`, params: { fast, slow }, status, metrics: { sharpe }, error: null, metrics_unavailable: {},
});

function renderHeatmap(results: SweepResult[]) {
  render(
    <Heatmap results={results} xParam="fast" xValues={[5, 10, 30]} yParam="slow" yValues={[20]} metric="sharpe"
      onOpen={vi.fn()} skipped={[{ params: { fast: 30, slow: 20 }, reason: 'must be less than slow' }]} />,
  );
  return screen.getAllByTestId('heatmap-cell');
}

describe('Heatmap', () => {
  it('paints a running cell neutral, whatever its partial metric, and keeps it off the colour scale', () => {
    const [done, running] = renderHeatmap([cell(5, 20, 'completed', -0.4), cell(10, 20, 'running', -2.5)]);
    expect(running).toHaveAttribute('data-status', 'running');
    expect(running).toHaveClass('pending-cell');
    expect(running!.style.background).toBe('');
    expect(running).toHaveTextContent('running');
    expect(running).not.toHaveTextContent('2.5');
    // the only final figure is a negative Sharpe: red, not green because a running cell did worse
    expect(done).toHaveTextContent('−0.40');
    expect(done!.style.background).toBe(heatColor(0, true));
  });

  it('paints a queued cell neutral too, and colours it once completed', () => {
    const [, queued] = renderHeatmap([cell(5, 20, 'completed', 1), cell(10, 20, 'queued', null)]);
    expect(queued).toHaveClass('pending-cell');
    expect(queued).toHaveTextContent('queued');
  });

  it('marks a skipped cell with the reason', () => {
    const cells = renderHeatmap([cell(5, 20, 'completed', 1), cell(10, 20, 'completed', 2)]);
    const skipped = cells[2]!;
    expect(skipped).toHaveAttribute('data-status', 'skipped');
    expect(skipped).toHaveTextContent('skip');
    expect(skipped).toHaveAttribute('title', 'skipped: fast=30, slow=20 — must be less than slow');
    expect(cells[1]!.style.background).toBe(heatColor(1, true));
    expect(within(screen.getByTestId('heatmap')).getAllByRole('row')).toHaveLength(2);
  });
});
