import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '@/lib/api/client';
import type { Run } from '@/lib/api/types';
import type { MonteCarlo, RandomEntry, Robustness } from '@/lib/api/robustness';
import { RobustnessPanel } from './RobustnessPanel';
import { drawdownBinLabel, formatDrawdownPct, formatEquity, formatPValue, formatShare, parseForm, randomEntrySentence } from './robustnessFormat';

vi.mock('@/lib/api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/api/client')>();
  return { ...actual, api: { ...actual.api, post: vi.fn() } };
});
const post = vi.mocked(api.post);
beforeEach(() => post.mockReset());

const RANDOM: RandomEntry = {
  resamples: 1000, strategy_return_pct: 12.345,
  random_return_pct: { p5: -8.1, p50: 1.25, p95: 9.9, mean: 1.3 }, percentile: 97.04, p_value: 0.03,
};

describe('robustness formatting', () => {
  it('shows equity in dollars with separators and cents, a true minus', () => {
    expect(formatEquity(1234567.891)).toBe('$1,234,567.89');
    expect(formatEquity(-5)).toBe('−$5.00');
    expect(formatEquity(-0.001)).toBe('$0.00');
    expect(formatEquity(null)).toBe('—');
  });
  it('shows shares as percents without hiding a rare ruin', () => {
    expect(formatShare(0.1234)).toBe('12.3%');
    expect(formatShare(0)).toBe('0.0%');
    expect(formatShare(0.0001)).toBe('< 0.1%');
    expect(formatShare(1)).toBe('100.0%');
  });
  it('reads p-values plainly, bounded by the number of runs when none reached the strategy', () => {
    expect(formatPValue(0.03, 1000)).toBe('p = 0.03');
    expect(formatPValue(0.004, 1000)).toBe('p = 0.004');
    expect(formatPValue(0, 1000)).toBe('p < 0.001');
    expect(formatPValue(0, 50)).toBe('p < 0.02');
  });
  it('says where the strategy falls among random entries in words', () => {
    expect(randomEntrySentence(RANDOM)).toBe("The closed trades' return of 12.35% beat 97.0% of 1,000 random-entry runs "
      + '(p = 0.03): unlikely to be luck of timing.');
    expect(randomEntrySentence({ ...RANDOM, percentile: 60, p_value: 0.4 })).toBe("The closed trades' return of 12.35% "
      + 'beat 60.0% of 1,000 random-entry runs (p = 0.40): within what random timing gives.');
    expect(randomEntrySentence({ ...RANDOM, strategy_return_pct: -1.05, percentile: 0, p_value: 1 })).toBe(
      "The closed trades' return of −1.05% was beaten by all 1,000 random-entry runs (p = 1.00): its timing did worse "
      + 'than chance.');
    expect(randomEntrySentence({ ...RANDOM, strategy_return_pct: -1.05, percentile: 2.6, p_value: 0.974 })).toBe(
      "The closed trades' return of −1.05% was beaten by 97.4% of 1,000 random-entry runs (p = 0.97): its timing did "
      + 'worse than chance.');
    expect(randomEntrySentence({ ...RANDOM, percentile: 0, p_value: 1 })).not.toContain('beat 0.0%');
  });
  it('shows drawdowns negative, as the run page\'s Max DD', () => {
    expect(formatDrawdownPct(10.674)).toBe('−10.67%');
    expect(formatDrawdownPct(0)).toBe('0.00%');
    expect(formatDrawdownPct(null)).toBe('—');
    expect(drawdownBinLabel(12.5, 15)).toBe('−12.5 to −15.0%');
    expect(drawdownBinLabel(0, 2.5)).toBe('0.0 to −2.5%');
    expect(drawdownBinLabel(0.02, 0.04)).toBe('−0.020 to −0.040%');  // trial 40: "0.0 to 0.0%" on every bin
  });
  it('checks the form', () => {
    expect(parseForm({ resamples: '1,000', seed: '7', ruin: '25.5' }))
      .toEqual({ body: { resamples: 1000, seed: 7, ruin_drawdown_pct: 25.5 } });
    const bad = parseForm({ resamples: '0', seed: '-1', ruin: '150' });
    expect('errors' in bad && Object.keys(bad.errors).sort()).toEqual(['resamples', 'ruin', 'seed']);
    expect('errors' in parseForm({ resamples: '100001', seed: '1.5', ruin: '0' })).toBe(true);
  });
});

function monteCarlo(method: MonteCarlo['method'], over: Partial<MonteCarlo> = {}): MonteCarlo {
  return {
    method, resamples: 1000, trades: 40,
    final_equity: { p5: 9123.456, p50: 11250.5, p95: 14000, mean: 11300 },
    max_drawdown_pct: { p5: 3.21, p50: 7.5, p95: 18.456, mean: 8.2 },
    longest_drawdown_trades: { p5: 4, p50: 9, p95: 21, mean: 10.2 },
    ruin_drawdown_pct: 50, ruin_probability: 0.012,
    band_trades: [0, 20, 40], band_p5: [10000, 9500, 9123.456], band_p50: [10000, 10600, 11250.5],
    band_p95: [10000, 12000, 14000],
    drawdown_histogram: { edges: [0, 10, 20, 30], counts: [600, 390, 10] },
    ...over,
  };
}

const RESULT: Robustness = {
  run_id: 'r1', trades: 40, start_equity: 10000, resamples: 1000, seed: 0,
  monte_carlo: [monteCarlo('bootstrap'), monteCarlo('shuffle', {
    final_equity: { p5: 11250.5, p50: 11250.5, p95: 11250.5, mean: 11250.5 }, ruin_probability: 0 })],
  random_entry: RANDOM, random_entry_unavailable: null, trades_final_equity: 11250.5, note: null, caution: null,
};

const RUN = { id: 'r1', mode: 'backtest', status: 'completed', state: { state: 'stopped' } } as Run;

function renderPanel(run: Run = RUN) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={client}><RobustnessPanel run={run} /></QueryClientProvider>);
}

describe('RobustnessPanel', () => {
  it('asks nothing until the user runs the tests, then shows the formatted figures', async () => {
    post.mockResolvedValueOnce(RESULT);
    renderPanel();
    expect(screen.queryByTestId('robustness-results')).not.toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    await screen.findByTestId('robustness-results');
    expect(post).toHaveBeenCalledWith('/runs/r1/robustness', { resamples: 1000, seed: 0, ruin_drawdown_pct: 50 });

    const equity = within(screen.getByTestId('pct-bootstrap-final-equity')).getAllByRole('cell').map((c) => c.textContent);
    expect(equity).toEqual(['$9,123.46', '$11,250.50', '$14,000.00']);
    const dd = within(screen.getByTestId('pct-bootstrap-max-drawdown')).getAllByRole('cell').map((c) => c.textContent);
    // worst to best in every row (trial 40: the drawdown's "5%" was its shallowest, the equity's its worst)
    expect(dd).toEqual(['−18.46%', '−7.50%', '−3.21%']);
    const longest = within(screen.getByTestId('pct-bootstrap-longest-drawdown')).getAllByRole('cell').map((c) => c.textContent);
    expect(longest).toEqual(['21', '9', '4']);
    expect(within(screen.getByTestId('percentiles-bootstrap')).getAllByRole('columnheader').map((c) => c.textContent))
      .toEqual(['1,000 paths', 'worst 5%', 'median', 'best 5%']);
    expect(screen.getByTestId('ruin-bootstrap')).toHaveTextContent('Probability of ruin (max drawdown of 50% or more): 1.2%');
    expect(screen.getByTestId('ruin-shuffle')).toHaveTextContent('0.0%');
    expect(screen.getByTestId('random-entry-sentence'))
      .toHaveTextContent("The closed trades' return of 12.35% beat 97.0% of 1,000 random-entry runs (p = 0.03): unlikely "
        + 'to be luck of timing.');
    expect(screen.queryByTestId('robustness-note')).not.toBeInTheDocument();
    // the paths' drawdowns are of closed trades: the page says why they differ from the run's own
    expect(screen.getByTestId('robustness-results')).toHaveTextContent('Each path is equity after each closed trade');

    const bins = within(screen.getByTestId('drawdown-histogram-bootstrap')).getAllByTestId('drawdown-bin');
    expect(bins.map((b) => b.textContent)).toEqual(['0.0 to −10.0%600', '−10.0 to −20.0%390', '−20.0 to −30.0%10']);
    const fan = within(screen.getByTestId('robustness-bootstrap')).getByRole('img');
    expect(fan).toHaveAccessibleName(expect.stringContaining(
      'After the last trade 5th percentile $9,123.46, median $11,250.50, 95th percentile $14,000.00; start $10,000.00'));
    // trial 37: "$77,750.79 – $308,839.52 · shaded 5–95 %" read as the final equity's 5-95 % beside the table's
    expect(screen.getByTestId('robustness-bootstrap')).toHaveTextContent(
      /chart from \$[\d,.]+ to \$[\d,.]+ · shaded 5–95 % of the resamples after each trade/);
  });

  it('sends the edited settings and refuses bad ones before asking the server', async () => {
    post.mockResolvedValueOnce(RESULT);
    renderPanel();
    fireEvent.change(screen.getByTestId('robustness-ruin'), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(screen.getByTestId('error-ruin_drawdown_pct')).toHaveTextContent('a percent above 0, at most 100');
    expect(post).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('robustness-ruin'), { target: { value: '30' } });
    fireEvent.change(screen.getByTestId('robustness-resamples'), { target: { value: '5000' } });
    fireEvent.change(screen.getByTestId('robustness-seed'), { target: { value: '42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    await screen.findByTestId('robustness-results');
    expect(post).toHaveBeenCalledWith('/runs/r1/robustness', { resamples: 5000, seed: 42, ruin_drawdown_pct: 30 });
  });

  it("shows the server's refusal (fewer than 2 trades) in an error banner", async () => {
    post.mockRejectedValueOnce(new ApiError(422, 'validation_failed',
      'run_id: the run closed 1 trade(s); robustness tests need at least 2',
      { fields: { run_id: 'the run closed 1 trade(s); robustness tests need at least 2' } }));
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveTextContent('The robustness tests could not run: run_id: the run closed 1 trade(s); robustness tests need at least 2');
    expect(banner).toHaveTextContent('HTTP 422');
    expect(screen.queryByTestId('robustness-results')).not.toBeInTheDocument();
  });

  it("shows the server's cap on resamples at the field", async () => {
    post.mockRejectedValueOnce(new ApiError(422, 'validation_failed', 'resamples: at most 2,500 for 40 trades',
      { fields: { resamples: 'at most 2,500 for 40 trades' } }));
    renderPanel();
    fireEvent.change(screen.getByTestId('robustness-resamples'), { target: { value: '90000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(await screen.findByTestId('error-resamples')).toHaveTextContent('at most 2,500 for 40 trades');
    // trial 31: the closed settings line still read "90,000 resamples" as if they had been taken
    expect(screen.getByTestId('robustness-settings-summary')).toHaveTextContent(
      'Settings: 90,000 resamples, seed 0, ruin at a 50% drawdown — not valid: see below');
  });

  it('says what a random-entry run is beside the benchmark: the same trades at random bars, overlapping, without fees', async () => {
    post.mockResolvedValueOnce(RESULT);
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    const section = within(await screen.findByTestId('random-entry'));
    expect(section.getByTestId('random-entry-explained')).toHaveTextContent(
      'A random-entry run replays the same 40 closed trades at random times: each keeps its symbol, side, holding '
      + 'period in bars and stake (the same share of equity), but enters at the close of a bar drawn at random from '
      + "the run's window, wherever its holding period fits, and exits at the close that many bars later. Each "
      + "trade's entry is drawn on its own, so random trades may overlap one another. They pay no fees or slippage "
      + "while the strategy's trades are net of both, so the comparison leans against the strategy. A run's return "
      + "is its trades' returns compounded.");
  });

  it("draws a paper run's random entries from the bars it recorded, and a walk-forward's from the span it names", async () => {
    post.mockResolvedValue(RESULT);
    const { unmount } = renderPanel({ ...RUN, mode: 'paper' } as Run);
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(await screen.findByTestId('random-entry-explained')).toHaveTextContent('drawn at random from the bars the run recorded,');
    unmount();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
    render(<QueryClientProvider client={client}><RobustnessPanel path="/walkforwards/w1/robustness" finished waiting=""
      entryBars="the out-of-sample span's bars" /></QueryClientProvider>);
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(await screen.findByTestId('random-entry-explained')).toHaveTextContent(
      "drawn at random from the out-of-sample span's bars,");
  });

  it('says when there is no random-entry benchmark', async () => {
    post.mockResolvedValueOnce({ ...RESULT, random_entry: null, random_entry_unavailable: "the run's bars are gone" });
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(await screen.findByTestId('random-entry-unavailable')).toHaveTextContent("No random-entry benchmark: the run's bars are gone.");
  });

  it("says when the trades' booked equity is not the run's final equity", async () => {
    const note = 'the run ended at 10,450.00 but its closed trades booked 10,400.00 (a position open at the end, or '
      + 'fees outside its trades): these tests use the closed trades only';
    post.mockResolvedValueOnce({ ...RESULT, note });
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(await screen.findByTestId('robustness-note')).toHaveTextContent(`Note: ${note}.`);
  });

  it('cautions that a few trades make figures worth little, and says nothing of it otherwise', async () => {
    const caution = 'only 2 trades: they can be drawn or ordered in few ways, so these percentiles and the p-value say '
      + 'little; read them from 30 trades or more';
    post.mockResolvedValueOnce({ ...RESULT, trades: 2, caution });
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    expect(await screen.findByTestId('robustness-caution')).toHaveTextContent(`Caution: ${caution}.`);
    post.mockResolvedValueOnce(RESULT);
    fireEvent.click(screen.getByRole('button', { name: 'Run robustness tests' }));
    await waitFor(() => expect(screen.queryByTestId('robustness-caution')).toBeNull());
  });

  it('says a finished run with fewer than 2 closed trades has nothing to resample, and offers no button', () => {
    // trial 13: every fold's out-of-sample run had at most 1 trade, and the button always ended in a 422
    renderPanel({ ...RUN, metrics: { trades: 1 } } as unknown as Run);
    expect(screen.getByTestId('robustness-too-few')).toHaveTextContent(
      'Robustness tests resample closed trades and need at least 2: only 1 closed here.');
    expect(screen.queryByRole('button', { name: 'Run robustness tests' })).not.toBeInTheDocument();
  });

  it('offers the tests once a run has 2 closed trades', () => {
    renderPanel({ ...RUN, metrics: { trades: 2 } } as unknown as Run);
    expect(screen.queryByTestId('robustness-too-few')).toBeNull();
    expect(screen.getByRole('button', { name: 'Run robustness tests' })).toBeInTheDocument();
  });

  it('waits for a running run to finish', () => {
    renderPanel({ ...RUN, status: 'running', state: { state: 'running' } } as Run);
    expect(screen.getByTestId('robustness-waiting')).toHaveTextContent('available when the run has finished');
    expect(screen.queryByRole('button', { name: 'Run robustness tests' })).not.toBeInTheDocument();
  });
});
