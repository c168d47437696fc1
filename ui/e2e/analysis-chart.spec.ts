import { completedDailyBacktest } from './dailyBacktest';
import { expect, test, watchErrors } from './fixtures';

interface Run { id: string; symbols: string[]; start_at: string | null; end_at: string | null }
interface Bar { ts: string; close: string }
interface Trade { entry_ts: string; exit_ts: string; symbol: string }
interface Indicator { name: string; pane: string; points: Array<{ ts: string; value: number }> }

/** "187.5" → "187.50", "1234.125" → "1,234.125": the readout's price format (at least two decimals). */
function price(text: string): string {
  const places = Math.min(Math.max((text.split('.')[1] ?? '').replace(/0+$/, '').length, 2), 6);
  return Number(text).toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places });
}

test('an SMA-cross run: its SMAs over the candles, the hovered bar read out, a trade row centres the chart',
  async ({ page, openApp, apiGet, request, server, shot }) => {
    const errors = watchErrors(page);
    const runId = await completedDailyBacktest(request, server, { fast: 5, slow: 20 });
    const run = await apiGet<Run>(`/runs/${runId}`);
    const symbol = run.symbols[0] ?? '';
    const window = `start=${encodeURIComponent(run.start_at ?? '')}&end=${encodeURIComponent(run.end_at ?? '')}`;
    const bars = await apiGet<Bar[]>(`/runs/${runId}/bars?symbol=${symbol}&limit=20000&${window}`);
    const lines = await apiGet<Indicator[]>(`/runs/${runId}/indicators?symbol=${symbol}&limit=20000&${window}`);
    const trades = (await apiGet<{ items: Trade[] }>(`/runs/${runId}/trades?per_page=1000`)).items
      .sort((a, b) => Date.parse(a.entry_ts) - Date.parse(b.entry_ts));  // as the table sorts them
    expect(lines.map((l) => [l.name, l.pane])).toEqual([['SMA 5', 'price'], ['SMA 20', 'price']]);
    expect(trades.length).toBeGreaterThan(1);

    await openApp(`/runs/${runId}`);
    const chart = page.getByTestId('candle-chart');
    await expect(chart).toHaveAttribute('data-lines', '2');
    await expect(page.getByTestId('legend-item')).toHaveText([/SMA 5/, /SMA 20/]);
    await expect(chart).toHaveAttribute('aria-label', /Indicators: SMA 5, SMA 20\./);

    // Hover the middle of the chart: the readout is the hovered bar's, as the API serves it.
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    await expect(chart).not.toHaveAttribute('data-hover', '');
    const index = Number(await chart.getAttribute('data-hover'));
    const bar = bars[index]!;
    await expect(page.getByTestId('readout-time')).toHaveText(bar.ts.slice(0, 10));
    await expect(page.getByTestId('readout-c')).toHaveText(price(bar.close));
    await shot('run-chart-readout');
    const sma20 = lines[1]!.points.find((p) => p.ts === bar.ts);
    if (sma20) {
      await expect(page.getByTestId('legend-item').nth(1).getByTestId('legend-value'))
        .toHaveText(sma20.value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    }

    // A click on the last trade, then Enter on the first: each time the chart shows that trade's entry.
    const rows = page.getByTestId('trades-table-row');
    const shown = async () => [Date.parse((await chart.getAttribute('data-visible-from'))!),
      Date.parse((await chart.getAttribute('data-visible-to'))!)] as const;
    const first = trades[0]!;
    const last = trades[Math.min(trades.length, 50) - 1]!;
    await rows.nth(Math.min(trades.length, 50) - 1).click();
    await expect.poll(async () => {
      const [from, to] = await shown();
      return from <= Date.parse(last.entry_ts) && Date.parse(last.entry_ts) <= to && from > Date.parse(bars[0]!.ts);
    }, { timeout: 10_000 }).toBe(true);
    await expect(page.getByTestId('price-panel')).toBeInViewport();
    const before = await shown();

    await rows.first().focus();  // scrolls the table back into view: the chart must come back by itself
    await rows.first().press('Enter');
    await expect.poll(async () => {
      const [from, to] = await shown();
      return from <= Date.parse(first.entry_ts) && Date.parse(first.entry_ts) <= to;
    }, { timeout: 10_000 }).toBe(true);
    if (Date.parse(last.entry_ts) - Date.parse(first.entry_ts) > 200 * 86_400_000) {
      expect(await shown()).not.toEqual(before);
    }
    await expect(page.getByTestId('price-panel')).toBeInViewport();
    await shot('run-chart-centred');
    expect(errors).toEqual([]);
  });

test("an RSI run draws its RSI in a pane of its own below the candles, and leaving the page throws nothing",
  async ({ page, openApp, apiGet, request, server, shot }) => {
    const errors = watchErrors(page);
    const headers = { Authorization: `Bearer ${server.token}` };
    const first = await apiGet<Run>(`/runs/${await completedDailyBacktest(request, server)}`);
    const response = await request.post(`${server.url}/api/v1/runs`, { headers, data: { mode: 'backtest',
      strategy: 'rsi_reversion', params: { period: 14 }, symbols: first.symbols, timeframe: '1Day', start_now: true } });
    expect(response.status()).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await expect.poll(async () => (await apiGet<{ status: string }>(`/runs/${id}`)).status,
      { timeout: 90_000, intervals: [500] }).toBe('completed');

    await openApp(`/runs/${id}`);
    const chart = page.getByTestId('candle-chart');
    await expect(chart).toHaveAttribute('data-lines', '1');
    await expect(page.getByTestId('legend-item')).toHaveText([/RSI 14/]);
    await expect.poll(async () => (await chart.boundingBox())?.height).toBe(480);  // 360 + the RSI pane
    await expect(page.getByTestId('legend-value')).toHaveText(/^\d{1,3}\.\d\d$/);  // the last bar's RSI
    await shot('run-chart-rsi-pane');
    await page.getByTestId('nav-runs').click();
    await page.goto(`/runs/${first.id}`);
    await expect(page.getByTestId('candle-chart')).toHaveAttribute('data-lines', '2');
    await page.waitForTimeout(500);  // a disposed chart would throw a frame later
    expect(errors).toEqual([]);
  });
