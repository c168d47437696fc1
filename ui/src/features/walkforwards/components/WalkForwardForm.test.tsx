import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api/client';
import type { Series, Strategy } from '@/lib/api/types';
import type { WalkforwardCreate } from '../api/types';
import { WalkForwardForm } from './WalkForwardForm';

const STRATEGIES: Strategy[] = [{
  name: 'sma_cross', description: 'SMA crossover.', multi_symbol: false,
  params_schema: { type: 'object', properties: {
    fast: { type: 'integer', default: 10, minimum: 2, maximum: 500, 'x-sweep': [5, 10, 15] },
    slow: { type: 'integer', default: 20, minimum: 3, maximum: 2000, 'x-sweep': [20, 40, 80] },
  } },
}];
const SERIES: Series[] = [
  { symbol: 'AAPL', timeframe: '1Day', first_ts: '2020-01-02T05:00:00Z', last_ts: '2024-12-01T05:00:00Z', count: 1260,
    source: 'csv', description: null, asset_class: 'us_equity' },
];

function renderForm(serverError?: unknown) {
  const onSubmit = vi.fn<(body: WalkforwardCreate) => void>();
  const props = { strategies: STRATEGIES, series: SERIES, zone: 'UTC', submitting: false, onSubmit };
  const utils = render(<WalkForwardForm {...props} serverError={serverError} />);
  return { ...utils, onSubmit, rerender: (error: unknown) => utils.rerender(<WalkForwardForm {...props} serverError={error} />) };
}

async function addSymbol() {
  await userEvent.type(screen.getByTestId('symbol-input'), 'AAPL{Enter}');
}

/** Train 250 bars, test 60 bars. */
async function trainAndTestInBars() {
  for (const [key, amount] of [['train', '250'], ['test', '60']] as const) {
    await userEvent.clear(screen.getByTestId(`folds-${key}`));
    await userEvent.type(screen.getByTestId(`folds-${key}`), amount);
    await userEvent.selectOptions(screen.getByTestId(`folds-${key}-unit`), 'bars');
  }
}

describe('WalkForwardForm', () => {
  it('moves the step and gap units to bars with train and test, so the folds are not mixed', async () => {
    const { onSubmit } = renderForm();
    await addSymbol();
    await trainAndTestInBars();
    expect(screen.getByRole('combobox', { name: 'Step unit' })).toHaveDisplayValue('bars');
    expect(screen.getByRole('combobox', { name: 'Gap unit' })).toHaveDisplayValue('bars');
    await userEvent.type(screen.getByTestId('folds-step'), '60');
    await userEvent.click(screen.getByTestId('submit-walkforward'));
    expect(screen.queryByTestId('error-folds')).toBeNull();
    expect(onSubmit.mock.calls[0]![0].folds).toEqual({ kind: 'rolling', train: 250, test: 60, step: 60, gap: 0, warmup: 200 });
  });

  it('keeps a step unit the user picked while it fits, and moves it when train turns to the other kind', async () => {
    renderForm();
    await userEvent.selectOptions(screen.getByTestId('folds-step-unit'), 'W');
    await userEvent.selectOptions(screen.getByTestId('folds-train-unit'), 'Y');
    expect(screen.getByRole('combobox', { name: 'Step unit' })).toHaveDisplayValue('weeks');  // picked, still a period
    expect(screen.getByRole('combobox', { name: 'Gap unit' })).toHaveDisplayValue('years');  // follows
    await userEvent.selectOptions(screen.getByTestId('folds-train-unit'), 'bars');
    expect(screen.getByRole('combobox', { name: 'Step unit' })).toHaveDisplayValue('bars');  // weeks would be refused
    expect(screen.getByRole('combobox', { name: 'Test window unit' })).toHaveDisplayValue('months');  // the user's own
  });

  it('sends the grid, the folds as calendar periods, the objective and the contrast choice', async () => {
    const { onSubmit } = renderForm();
    await addSymbol();
    await userEvent.clear(screen.getByTestId('folds-train'));
    await userEvent.type(screen.getByTestId('folds-train'), '18');
    await userEvent.type(screen.getByTestId('folds-step'), '6');
    await userEvent.selectOptions(screen.getByTestId('folds-kind'), 'anchored');
    await userEvent.clear(screen.getByTestId('min-trades'));
    await userEvent.type(screen.getByTestId('min-trades'), '3');
    await userEvent.click(screen.getByTestId('submit-walkforward'));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    const body = onSubmit.mock.calls[0]![0];
    expect(body.grid).toEqual({ fast: [5, 10, 15], slow: [20, 40, 80] });
    expect(body.folds).toEqual({ kind: 'anchored', train: '18M', test: '3M', step: '6M', gap: 0, warmup: 200 });
    expect(body).toMatchObject({ objective: 'sharpe', direction: 'max', min_trades: 3, contrast: true, symbols: ['AAPL'] });
  });

  it('sends bar lengths as numbers, and minimises a drawdown objective by default', async () => {
    const { onSubmit } = renderForm();
    await addSymbol();
    await trainAndTestInBars();
    await userEvent.selectOptions(screen.getByTestId('objective-select'), 'max_drawdown_pct');
    expect(screen.getByTestId('direction-select')).toHaveValue('min');
    await userEvent.click(screen.getByTestId('contrast-toggle'));
    await userEvent.click(screen.getByTestId('submit-walkforward'));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({
      folds: { kind: 'rolling', train: 250, test: 60, gap: 0, warmup: 200 }, objective: 'max_drawdown_pct',
      direction: 'min', contrast: false,
    });
  });

  it('refuses bars mixed with months before sending, beside the folds', async () => {
    const { onSubmit } = renderForm();
    await addSymbol();
    await userEvent.selectOptions(screen.getByTestId('folds-test-unit'), 'bars');
    await userEvent.click(screen.getByTestId('submit-walkforward'));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByTestId('error-folds')).toHaveTextContent('all in bars or all as calendar periods');
  });

  it("shows the server's 422 next to the fields, and drops a field's error once it changes", async () => {
    const { rerender } = renderForm();
    rerender(new ApiError(422, 'validation_failed', 'invalid body', { fields: {
      folds: 'no fold fits: the window holds 200 bars', 'folds.warmup': 'Input should be less than or equal to 100000',
      min_trades: 'Input should be greater than or equal to 0',
    } }, 'corr-1'));
    expect(screen.getByTestId('error-folds')).toHaveTextContent('no fold fits');
    expect(screen.getByTestId('error-folds.warmup')).toHaveTextContent('less than or equal to 100000');
    expect(within(screen.getByTestId('field-min_trades')).getByRole('alert')).toHaveTextContent('greater than or equal to 0');
    expect(screen.queryByTestId('form-errors')).toBeNull();
    await userEvent.type(screen.getByTestId('folds-warmup'), '0');
    expect(screen.queryByTestId('error-folds.warmup')).toBeNull();
    expect(screen.queryByTestId('error-folds')).toBeNull();
    expect(screen.getByTestId('field-min_trades')).toHaveTextContent('greater than or equal to 0');
  });

  it('sends the asset class the symbol is stored with, unless the user picked another', async () => {
    const { onSubmit } = renderForm();
    await addSymbol();
    expect(screen.getByTestId('asset-class')).toHaveValue('us_equity');
    await userEvent.click(screen.getByTestId('submit-walkforward'));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ symbols: ['AAPL'], asset_class: 'us_equity' });
    await userEvent.selectOptions(screen.getByTestId('asset-class'), 'other');
    await userEvent.click(screen.getByTestId('submit-walkforward'));
    expect(onSubmit.mock.calls[1]![0]).toMatchObject({ asset_class: 'other' });
  });
});
