import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api/client';
import type { RunCreate, Series, Strategy } from '@/lib/api/types';
import { RunForm } from './RunForm';

const STRATEGIES: Strategy[] = [
  {
    name: 'sma_cross', description: 'Buy when the fast SMA crosses above the slow SMA.', multi_symbol: false,
    params_schema: {
      type: 'object', required: [],
      properties: {
        fast: { type: 'integer', default: 10, minimum: 2, maximum: 500, description: 'Bars in the fast SMA' },
        slow: { type: 'integer', default: 20, minimum: 3, maximum: 2000, description: 'Bars in the slow SMA' },
        percent: { type: 'number', default: 100, minimum: 1, maximum: 100, description: 'Share of equity per entry' },
        allow_short: { type: 'boolean', default: false, description: 'Sell short on a down-cross' },
        mode: { type: 'string', enum: ['close', 'open'], default: 'close', description: 'Which price' },
      },
    },
  },
  {
    name: 'buy_and_hold', description: 'Buy and hold.', multi_symbol: true,
    params_schema: { type: 'object', properties: { percent: { type: 'number', default: 50, minimum: 1, maximum: 100 } } },
  },
];

const SERIES: Series[] = [
  { symbol: 'AAPL', timeframe: '1Day', first_ts: '2020-01-02T05:00:00Z', last_ts: '2021-12-01T05:00:00Z', count: 500,
    source: 'synthetic', description: null, asset_class: 'us_equity' },
  { symbol: 'MSFT', timeframe: '1Day', first_ts: '2020-03-02T05:00:00Z', last_ts: '2021-06-01T05:00:00Z', count: 300,
    source: 'csv', description: null, asset_class: null },
];

function renderForm(props: Partial<Parameters<typeof RunForm>[0]> = {}) {
  const onSubmit = vi.fn<(body: RunCreate) => void>();
  const utils = render(<RunForm strategies={STRATEGIES} series={SERIES} zone="UTC" onSubmit={onSubmit}
    {...props} />);
  return { ...utils, onSubmit };
}

const field = (path: string) => screen.getByTestId(`field-${path}`);

async function addSymbol(symbol: string) {
  await userEvent.type(screen.getByTestId('symbol-input'), `${symbol}{Enter}`);
}

describe('RunForm', () => {
  it('renders one input per schema property with its default, range and description', () => {
    renderForm();
    const fast = screen.getByTestId('param-fast');
    expect(fast).toHaveAttribute('type', 'number');
    expect(fast).toHaveValue(10);
    expect(fast).toHaveAttribute('min', '2');
    expect(fast).toHaveAttribute('max', '500');
    expect(fast).toHaveAttribute('step', '1');
    expect(within(field('params.fast')).getByText(/Bars in the fast SMA · range 2 ≤ x ≤ 500 · default 10/)).toBeInTheDocument();
    expect(screen.getByTestId('param-percent')).toHaveAttribute('step', 'any');
    expect(screen.getByTestId('param-allow_short')).not.toBeChecked();
    expect(screen.getByTestId('param-mode')).toHaveValue('close');
    expect(within(screen.getByTestId('param-mode')).getAllByRole('option').map((o) => o.textContent)).toEqual(['close', 'open']);
  });

  it('resets the parameters to the new defaults when the strategy changes', () => {
    renderForm();
    fireEvent.change(screen.getByTestId('strategy-select'), { target: { value: 'buy_and_hold' } });
    expect(screen.queryByTestId('param-fast')).not.toBeInTheDocument();
    expect(screen.getByTestId('param-percent')).toHaveValue(50);
  });

  it('submits typed params and settings', async () => {
    const { onSubmit } = renderForm();
    await addSymbol('aapl');
    fireEvent.change(screen.getByTestId('param-fast'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    const body = onSubmit.mock.calls[0]![0];
    expect(body).toMatchObject({
      mode: 'backtest', strategy: 'sma_cross', symbols: ['AAPL'], timeframe: '1Day', cash: '100000',
      params: { fast: 5, slow: 20, percent: 100, allow_short: false, mode: 'close' },
      fees: { model: 'none' }, slippage: { model: 'none' }, start_now: true,
    });
  });

  it('shows the stored data range for the chosen symbols', async () => {
    renderForm();
    await addSymbol('AAPL');
    await addSymbol('MSFT');
    const range = screen.getByTestId('data-range');
    expect(range).toHaveTextContent('2020-03-02 → 2021-06-01');
    expect(range).toHaveTextContent('synthetic');
  });

  it('checks ranges before sending and shows the message at the field', async () => {
    const { onSubmit } = renderForm();
    await addSymbol('AAPL');
    fireEvent.change(screen.getByTestId('param-fast'), { target: { value: '1' } });
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(within(field('params.fast')).getByRole('alert')).toHaveTextContent('must be ≥ 2');
    expect(screen.getByTestId('param-fast')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows API validation errors at the fields they concern', () => {
    const error = new ApiError(422, 'validation_failed', 'invalid body', {
      fields: {
        'params.fast': 'must be less than slow', symbols: 'not a ticker symbol: ZZ Z',
        end: 'end must be after start (2024-05-01 00:00 UTC)',
        cash: 'Input should be greater than 0', 'fees.rate': 'rate is required', 'body.timeframe': 'bad timeframe',
      },
    }, 'corr-1');
    renderForm({ serverError: error });
    expect(screen.getByTestId('error-params.fast')).toHaveTextContent('must be less than slow');
    expect(within(field('params.fast')).getByRole('alert')).toBeInTheDocument();
    expect(within(field('symbols')).getByRole('alert')).toHaveTextContent('not a ticker symbol: ZZ Z');
    expect(within(field('end')).getByRole('alert')).toHaveTextContent('end must be after start (2024-05-01 00:00 UTC)');
    expect(within(field('cash')).getByRole('alert')).toHaveTextContent('greater than 0');
    expect(within(field('timeframe')).getByRole('alert')).toHaveTextContent('bad timeframe');
    expect(within(field('params.slow')).queryByRole('alert')).not.toBeInTheDocument();
    // fees.rate has no rendered input (model is none), so it is listed above the form instead of being lost
    expect(screen.getByTestId('form-errors')).toHaveTextContent('fees.rate: rate is required');
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });

  it('says on a paper run\'s form that the cost models are the backtest side\'s only (trial 20)', () => {
    const { unmount } = renderForm({ initialMode: 'paper' });
    expect(field('fees.model')).toHaveTextContent('Backtest side only: a paper or live run pays its broker\'s fees');
    expect(field('slippage.model')).toHaveTextContent('Backtest side only: a paper or live run fills at the broker\'s '
      + 'prices, slippage and all');  // trial 30: it read the fees' text
    unmount();
    renderForm();
    expect(field('fees.model')).not.toHaveTextContent('Backtest side only');
  });

  it('shows an account error at the mode switch (paper/live not configured)', () => {
    renderForm({ initialMode: 'paper', serverError: new ApiError(422, 'not_configured', 'paper trading is not configured', {
      fields: { mode: 'no paper Alpaca account is configured' } }) });
    expect(screen.getByTestId('error-mode')).toHaveTextContent('no paper Alpaca account is configured');
    expect(screen.queryByTestId('form-errors')).not.toBeInTheDocument();
  });

  it('shows a non-field API error as a banner with its correlation id', () => {
    renderForm({ serverError: new ApiError(409, 'conflict', 'no bars stored for AAPL', {}, 'corr-9') });
    expect(screen.getByTestId('error-banner')).toHaveTextContent('no bars stored for AAPL');
    expect(screen.getByTestId('error-banner')).toHaveTextContent('corr-9');
  });

  it('asks to type LIVE before creating a live run', async () => {
    const { onSubmit } = renderForm({ initialMode: 'live' });
    expect(screen.getByTestId('live-warning')).toBeInTheDocument();
    expect(screen.queryByTestId('date-window')).not.toBeInTheDocument();
    await addSymbol('AAPL');
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit).not.toHaveBeenCalled();
    const dialog = screen.getByTestId('live-confirm');
    expect(within(dialog).getByTestId('confirm-button')).toBeDisabled();
    await userEvent.type(within(dialog).getByTestId('confirm-word'), 'live');
    expect(within(dialog).getByTestId('confirm-button')).toBeDisabled();
    await userEvent.clear(within(dialog).getByTestId('confirm-word'));
    await userEvent.type(within(dialog).getByTestId('confirm-word'), 'LIVE');
    fireEvent.click(within(dialog).getByTestId('confirm-button'));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ mode: 'live', symbols: ['AAPL'] }));
    expect(onSubmit.mock.calls[0]![0].start).toBeUndefined();
  });

  it('offers every timeframe the API documents and starts a paper run on minute bars, not daily', async () => {
    const { onSubmit } = renderForm();
    const timeframe = screen.getByTestId('timeframe');
    expect(within(timeframe).getAllByRole('option').map((o) => o.textContent))
      .toEqual(['1Sec', '5Sec', '15Sec', '30Sec', '1Min', '5Min', '15Min', '30Min', '1Hour', '1Day']);
    expect(timeframe).toHaveValue('1Day');  // a backtest on the stored daily bars
    fireEvent.click(screen.getByTestId('mode-paper'));
    expect(timeframe).toHaveValue('1Min');
    fireEvent.change(timeframe, { target: { value: '1Sec' } });
    fireEvent.click(screen.getByTestId('mode-backtest'));
    fireEvent.click(screen.getByTestId('mode-paper'));
    expect(timeframe).toHaveValue('1Sec');  // the user's pick stays when the mode changes
    await addSymbol('AAPL');
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ mode: 'paper', timeframe: '1Sec' }));
  });

  it('takes a second-bar window to the second (trial 38: 15:07:04 left the field empty)', async () => {
    const { onSubmit } = renderForm();
    fireEvent.change(screen.getByTestId('timeframe'), { target: { value: '1Sec' } });
    expect(screen.getByTestId('start')).toHaveAttribute('step', '1');
    fireEvent.change(screen.getByTestId('start'), { target: { value: '2026-12-07T21:02:05' } });
    fireEvent.change(screen.getByTestId('end'), { target: { value: '2026-12-07T21:12:04' } });
    expect((screen.getByTestId('start') as HTMLInputElement).value).toMatch(/^2026-12-07T21:02:05/);
    await addSymbol('AAPL');
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ timeframe: '1Sec',
      start: '2026-12-07T21:02:05.000Z', end: '2026-12-07T21:12:04.000Z' }));
  });

  it('sends a warm-up for a backtest, refuses one that is not a count, and offers none for a paper run', async () => {
    const { onSubmit } = renderForm();
    await addSymbol('AAPL');
    fireEvent.change(screen.getByTestId('warmup'), { target: { value: 'ten' } });
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(screen.getByTestId('error-warmup')).toHaveTextContent('a whole number of bars, 0 or more');
    expect(onSubmit).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('warmup'), { target: { value: '299' } });
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ mode: 'backtest', warmup: 299 }));
    fireEvent.click(screen.getByTestId('mode-paper'));
    expect(screen.queryByTestId('warmup')).toBeNull();
  });

  it("names the broker a paper run really trades on: Alpaca's paper account or another exchange", () => {
    const { rerender } = renderForm({ initialMode: 'paper', paperAccount: { configured: true, broker: 'other' } });
    expect(screen.getByTestId('paper-broker')).toHaveTextContent(
      "Paper trading on the configured exchange's paper account (not Alpaca, e.g. Weaver's local exchange)");
    expect(screen.getByTestId('paper-broker')).not.toHaveTextContent('Alpaca paper account');
    rerender(<RunForm strategies={STRATEGIES} series={SERIES} zone="UTC" onSubmit={vi.fn()}
      initialMode="paper" paperAccount={{ configured: true, broker: 'alpaca' }} />);
    expect(screen.getByTestId('paper-broker')).toHaveTextContent('Paper trading on the Alpaca paper account');
    rerender(<RunForm strategies={STRATEGIES} series={SERIES} zone="UTC" onSubmit={vi.fn()}
      initialMode="paper" />);
    expect(screen.getByTestId('paper-broker')).toHaveTextContent(
      "the paper account of the configured broker (Alpaca or Weaver's local exchange)");
  });

  it('opens on minute bars when the route asks for a paper run', () => {
    renderForm({ initialMode: 'paper' });
    expect(screen.getByTestId('timeframe')).toHaveValue('1Min');
  });

  it('warns before submit when shorting is allowed but the strategy\'s own parameter keeps it long-only, and the reverse', async () => {
    renderForm();
    expect(screen.queryByTestId('form-conflict')).toBeNull();
    await userEvent.click(within(field('allow_short')).getByRole('checkbox'));
    expect(screen.getByTestId('form-conflict')).toHaveTextContent(
      "Short selling is allowed, but the strategy's allow_short parameter keeps it long-only: this run will not sell short.");
    await userEvent.click(screen.getByTestId('param-allow_short'));
    expect(screen.queryByTestId('form-conflict')).toBeNull();
    await userEvent.click(within(field('allow_short')).getByRole('checkbox'));
    expect(screen.getByTestId('form-conflict')).toHaveTextContent('every short sale would be refused, so the run is not made');
    // a strategy that declares no shorting parameter has nothing to contradict
    fireEvent.change(screen.getByTestId('strategy-select'), { target: { value: 'buy_and_hold' } });
    await userEvent.click(within(field('allow_short')).getByRole('checkbox'));
    expect(screen.queryByTestId('form-conflict')).toBeNull();
  });

  it('drops an error once its field changes: removing the symbol it is about clears it, others stay', async () => {
    const { rerender, onSubmit } = renderForm();
    await addSymbol('AAPL');
    await addSymbol('MSFT');
    rerender(<RunForm strategies={STRATEGIES} series={SERIES} zone="UTC" onSubmit={onSubmit}
      serverError={new ApiError(422, 'validation_failed', 'invalid body', {
        fields: { 'symbols.1': 'no 1Day bars stored for MSFT', 'params.fast': 'must be less than slow' },
      }, 'corr-2')} />);
    expect(within(field('symbols')).getByRole('alert')).toHaveTextContent('no 1Day bars stored for MSFT');
    await userEvent.click(screen.getByRole('button', { name: 'Remove MSFT' }));
    expect(within(field('symbols')).queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('error-params.fast')).toHaveTextContent('must be less than slow');
    await userEvent.type(screen.getByTestId('param-fast'), '{Backspace}');
    expect(screen.queryByTestId('error-params.fast')).toBeNull();
  });

  it("keeps the user's asset class over the stored one, and sends none for a symbol without a stored class", async () => {
    const { onSubmit } = renderForm();
    await addSymbol('ZZZZ');  // nothing stored: the year comes from the data
    expect(screen.getByTestId('asset-class')).toHaveValue('');
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit.mock.calls[0]![0]).not.toHaveProperty('asset_class');
    await userEvent.click(screen.getByRole('button', { name: 'Remove ZZZZ' }));
    await addSymbol('AAPL');
    await addSymbol('MSFT');  // AAPL is stored as us_equity, MSFT as nothing: no class they share
    expect(screen.getByTestId('asset-class')).toHaveValue('');
    await userEvent.click(screen.getByRole('button', { name: 'Remove MSFT' }));
    expect(screen.getByTestId('asset-class')).toHaveValue('us_equity');
    await userEvent.selectOptions(screen.getByTestId('asset-class'), 'crypto');
    await addSymbol('MSFT');
    await userEvent.click(screen.getByRole('button', { name: 'Remove MSFT' }));
    expect(screen.getByTestId('asset-class')).toHaveValue('crypto');  // the user's pick outlives symbol changes
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit.mock.calls[1]![0]).toMatchObject({ symbols: ['AAPL'], asset_class: 'crypto' });
    await userEvent.selectOptions(screen.getByTestId('asset-class'), '');  // 'from the data', picked: stays so
    fireEvent.click(screen.getByTestId('submit-run'));
    expect(onSubmit.mock.calls[2]![0]).not.toHaveProperty('asset_class');
    expect(screen.getByTestId('asset-class')).toHaveValue('');
  });

  it("says under the fee select what Alpaca's preset charges shares and crypto (trial 32: the option text was cut)", () => {
    renderForm();
    fireEvent.change(screen.getByTestId('fee-model'), { target: { value: 'alpaca' } });
    expect(screen.getByTestId('fee-model')).toHaveDisplayValue("Alpaca's");
    expect(field('fees.model')).toHaveTextContent('Shares: SEC fee + FINRA TAF on sales. Crypto: 0.25 % of a fill taken, '
      + "0.15 % of a limit's fill made.");
    fireEvent.change(screen.getByTestId('fee-model'), { target: { value: 'none' } });
    expect(field('fees.model')).not.toHaveTextContent('FINRA');
  });
});
