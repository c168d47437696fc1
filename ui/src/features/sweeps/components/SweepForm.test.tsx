import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api/client';
import type { Series, Strategy, SweepCreate } from '@/lib/api/types';
import { SweepForm } from './SweepForm';

const STRATEGIES: Strategy[] = [{
  name: 'sma_cross', description: 'SMA crossover.', multi_symbol: false,
  params_schema: {
    type: 'object', properties: {
      fast: { type: 'integer', default: 10, minimum: 2, maximum: 500 },
      slow: { type: 'integer', default: 20, minimum: 3, maximum: 2000 },
      allow_short: { type: 'boolean', default: false },
    },
  },
}];
const SERIES: Series[] = [
  { symbol: 'AAPL', timeframe: '1Day', first_ts: '2020-01-02T05:00:00Z', last_ts: '2021-12-01T05:00:00Z', count: 500,
    source: 'csv', description: null, asset_class: 'us_equity' },
];

function renderForm(serverError?: unknown) {
  const onSubmit = vi.fn<(body: SweepCreate) => void>();
  const props = { strategies: STRATEGIES, series: SERIES, zone: 'UTC', submitting: false, onSubmit };
  const utils = render(<SweepForm {...props} serverError={serverError} />);
  return { ...utils, onSubmit, rerender: (error: unknown) => utils.rerender(<SweepForm {...props} serverError={error} />) };
}

const field = (path: string) => screen.getByTestId(`field-${path}`);

describe('SweepForm', () => {
  it("proposes the strategy's declared sweep values, else half, default and double", () => {
    const declared: Strategy = { ...STRATEGIES[0]!, params_schema: { type: 'object', properties: {
      fast: { type: 'integer', default: 10, minimum: 2, maximum: 500, 'x-sweep': [5, 10, 15] },
      slow: { type: 'integer', default: 20, minimum: 3, maximum: 2000, 'x-sweep': [20, 40, 80] },
    } } };
    const onSubmit = vi.fn<(body: SweepCreate) => void>();
    const { unmount } = render(<SweepForm strategies={[declared]} series={SERIES} zone="UTC" submitting={false}
      serverError={undefined} onSubmit={onSubmit} />);
    expect(screen.getByTestId('grid-fast')).toHaveValue('5, 10, 15');
    expect(screen.getByTestId('grid-slow')).toHaveValue('20, 40, 80');  // every fast below every slow: 9 valid cells
    unmount();
    window.sessionStorage.clear(); // a new tab: no draft of the form above
    renderForm();
    expect(screen.getByTestId('grid-fast')).toHaveValue('5, 10, 20');
  });

  it('finds its values as they were when the user comes Back to it (trial 37: the grid went back to the defaults)', async () => {
    const { unmount } = renderForm();
    await userEvent.clear(screen.getByTestId('grid-fast'));
    await userEvent.type(screen.getByTestId('grid-fast'), '7, 9');
    await userEvent.clear(within(field('cash')).getByRole('textbox'));
    await userEvent.type(within(field('cash')).getByRole('textbox'), '2500');
    unmount();
    renderForm();
    expect(screen.getByTestId('grid-fast')).toHaveValue('7, 9');
    expect(within(field('cash')).getByRole('textbox')).toHaveValue('2500');
    expect(screen.getByTestId('sweep-queued')).toHaveTextContent(/^6 /); // 2 fast × 3 slow
  });

  it('drops a draft whose strategy is no longer offered', () => {
    window.sessionStorage.setItem('weaver.draft.sweep', JSON.stringify({ strategyName: 'gone', grid: { x: '1, 2' } }));
    renderForm();
    expect(screen.getByTestId('grid-fast')).toHaveValue('5, 10, 20');
  });

  it('warns when shorting is allowed but the fixed allow_short parameter keeps every cell long-only; not when it is swept', async () => {
    renderForm();
    await userEvent.click(within(field('allow_short')).getByRole('checkbox'));
    expect(screen.getByTestId('form-conflict')).toHaveTextContent("the strategy's allow_short parameter keeps it long-only");
    await userEvent.click(screen.getByTestId('sweep-toggle-allow_short'));
    expect(screen.queryByTestId('form-conflict')).toBeNull();
  });

  it('says before launch that the allow_short=true cells will be skipped while short selling is off (trial 18)', async () => {
    renderForm();
    const before = Number(screen.getByTestId('sweep-queued').textContent?.split(' ')[0]);
    await userEvent.click(screen.getByTestId('sweep-toggle-allow_short'));
    expect(screen.getByTestId('grid-allow_short')).toHaveValue('true, false');
    expect(screen.getByTestId('form-conflict')).toHaveTextContent(
      `The grid's allow_short=true cells would sell short, but short selling is off: those ${before} backtests will be skipped.`);
    expect(screen.getByTestId('sweep-queued')).toHaveTextContent(`${before} backtests will be queued.`);
    await userEvent.click(within(field('allow_short')).getByRole('checkbox'));
    expect(screen.queryByTestId('form-conflict')).toBeNull();
    expect(screen.getByTestId('sweep-queued')).toHaveTextContent(`${before * 2} backtests will be queued.`);
  });

  it('counts no backtest while a grid field does not read (trial 19: "1 backtest will be queued" beside two errors)', async () => {
    renderForm();
    await userEvent.clear(screen.getByTestId('grid-fast'));
    await userEvent.clear(screen.getByTestId('grid-slow'));
    expect(screen.getByTestId('sweep-queued')).toHaveTextContent('Fix the grid to see how many backtests will be queued.');
    await userEvent.type(screen.getByTestId('grid-fast'), '5, 10');
    await userEvent.type(screen.getByTestId('grid-slow'), '40');
    expect(screen.getByTestId('sweep-queued')).toHaveTextContent('2 backtests will be queued. A cell the strategy\'s own '
      + "rules refuse (fast not below slow, say) is skipped, and named on the sweep's page.");  // trial 30 counted 4 and 2 were skipped
  });

  it('counts no cells while a field does not read, and queues nothing over the limit (trial 37)', async () => {
    renderForm();
    await userEvent.clear(screen.getByTestId('grid-fast'));
    await userEvent.type(screen.getByTestId('grid-fast'), '5, abc');
    expect(screen.getByTestId('grid-fieldset').querySelector('legend')).toHaveTextContent(
      'Grid — fix the values to count the cells');
    await userEvent.clear(screen.getByTestId('grid-fast'));
    await userEvent.type(screen.getByTestId('grid-fast'), '2:500:1');
    await userEvent.clear(screen.getByTestId('grid-slow'));
    await userEvent.type(screen.getByTestId('grid-slow'), '3:500:1');
    expect(screen.getByTestId('grid-fieldset').querySelector('legend')).toHaveTextContent('Grid — 248,502 cells');
    expect(screen.getByTestId('sweep-queued')).toHaveTextContent(
      'Nothing will be queued: 248,502 cells is over the limit of 2,000.');
  });

  it('drops a grid error once that parameter\'s values change, and keeps the others', async () => {
    const { rerender } = renderForm();
    rerender(new ApiError(422, 'validation_failed', 'invalid body', {
      fields: { 'grid.fast': 'no cell of the grid has valid parameters', cash: 'Input should be greater than 0' },
    }, 'corr-3'));
    expect(screen.getByTestId('error-grid.fast')).toHaveTextContent('no cell of the grid has valid parameters');
    await userEvent.type(screen.getByTestId('grid-fast'), ', 3');
    expect(screen.queryByTestId('error-grid.fast')).toBeNull();
    expect(within(field('cash')).getByRole('alert')).toHaveTextContent('greater than 0');
  });

  it("sends the asset class the symbol is stored with", async () => {
    const { onSubmit } = renderForm();
    await userEvent.type(screen.getByTestId('symbol-input'), 'AAPL{Enter}');
    expect(screen.getByTestId('asset-class')).toHaveValue('us_equity');
    await userEvent.click(screen.getByTestId('submit-sweep'));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ symbols: ['AAPL'], asset_class: 'us_equity' });
  });
});
