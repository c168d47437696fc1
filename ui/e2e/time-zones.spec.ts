import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { completedDailyBacktest } from './dailyBacktest';

/** The dates of a CSV column ("2023-01-02T00:00:00Z" → "2023-01-02"). */
function csvDates(csv: string, column: string): string[] {
  const [header = '', ...lines] = csv.trim().split(/\r?\n/);
  const index = header.split(',').indexOf(column);
  expect(index, `${column} in ${header}`).toBeGreaterThanOrEqual(0);
  return lines.map((line) => (line.split(',')[index] ?? '').slice(0, 10));
}

for (const timezoneId of ['America/New_York', 'Asia/Tokyo']) {
  test.describe(`in ${timezoneId}`, () => {
    test.use({ timezoneId });

    test('a daily backtest shows the dates of its CSV export, and its chart the right years', async ({ page, openApp,
      request, server, apiGet }) => {
      const runId = await completedDailyBacktest(request, server);
      await openApp(`/runs/${runId}`);
      await expect(page.getByTestId('tz-label')).toContainText(timezoneId);
      await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');

      // The trades table (oldest first) against the export the Export CSV button saves.
      const rows = page.getByTestId('trades-table-row');
      await expect(rows.first()).toBeVisible();
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => {
        const cells = Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '');
        return `${cells[0]} → ${cells[1]}`;
      }));
      const download = page.waitForEvent('download');
      await page.getByTestId('export-trades').click();
      const csv = await readFile(await (await download).path(), 'utf8');
      const entries = csvDates(csv, 'entry_ts');
      const exits = csvDates(csv, 'exit_ts');
      const exported = entries.map((entry, i) => `${entry} → ${exits[i]}`).sort();
      expect(shown.length).toBeGreaterThan(0);
      for (const row of shown) expect(row).toMatch(/^\d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}$/);
      expect(shown).toEqual(exported.slice(0, shown.length));
      // no trade exits on a weekend
      const weekend = exits.filter((day) => [0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay()));
      expect(weekend).toEqual([]);

      // The equity chart: its year ticks are the years it crosses into, once each, in order.
      const equity = await apiGet<Array<{ ts: string; equity: string }>>(`/runs/${runId}/equity?points=2000`);
      const years = [...new Set(equity.map((p) => p.ts.slice(0, 4)))];
      const canvas = page.getByTestId('equity-canvas');
      await expect(canvas).toHaveAttribute('data-tick-labels', /\d{4}/);
      const ticks = (await canvas.getAttribute('data-tick-labels'))?.split('|') ?? [];
      const yearTicks = ticks.filter((t) => /^\d{4}$/.test(t));
      expect(yearTicks.filter((y) => y !== years[0])).toEqual(years.slice(1));
      // months never repeat side by side, and no tick carries a time of day on daily bars
      ticks.forEach((tick, i) => {
        expect(tick).not.toBe(ticks[i - 1]);
        expect(tick).not.toMatch(/:/);
      });

      // The chart's text alternative: first and last date and the values, with thousands separators.
      const first = equity[0]?.ts.slice(0, 10);
      const last = equity[equity.length - 1]?.ts.slice(0, 10);
      await expect(canvas).toHaveAttribute('aria-label',
        new RegExp(`^Equity, ${first} to ${last}: start \\d{1,3}(,\\d{3})+\\.\\d{2}, end [\\d,]+\\.\\d{2}, low `));
      await expect(page.getByTestId('candle-chart')).toHaveAttribute('data-tick-labels', /\d{4}/);
    });
  });
}

test.describe('in Asia/Tokyo, intraday', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test('a minute chart marks each new Tokyo day where Tokyo\'s midnight falls', async ({ page, openApp, apiGet }) => {
    const bars = await apiGet<Array<{ ts: string }>>('/bars?symbol=AAPL&timeframe=1Min&limit=1000');
    const tokyoDay = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', month: 'short', day: 'numeric' });
    const days = bars.map((b) => tokyoDay.format(new Date(b.ts)));
    const year = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', year: 'numeric' });
    // a new day reads "Nov 24"; the first of a month reads as the month, the first of January as the year
    const changes = days.flatMap((day, i) => (i > 0 && day !== days[i - 1]
      ? [{ at: i, label: day === 'Jan 1' ? year.format(new Date(bars[i]?.ts ?? '')) : day.endsWith(' 1') ? day.slice(0, 3) : day }]
      : []));
    const newDays = changes.map((c) => c.label);
    expect(newDays.length).toBeGreaterThan(0);

    await openApp('/data');
    await page.getByTestId('series-table-row').filter({ hasText: 'AAPL' }).filter({ hasText: '1Min' }).click();
    const chart = page.getByTestId('preview-candles');
    await expect(chart).toHaveAttribute('data-zone', 'Asia/Tokyo');
    await expect(chart).toHaveAttribute('data-tick-labels', /\d{2}:\d{2}/);
    const ticks = (await chart.getAttribute('data-tick-labels'))?.split('|') ?? [];
    // day ticks ("Mar 5") are the Tokyo dates the bars move into, in order; the rest are Tokyo times. A day the
    // bars leave within the hour (a Monday session opening at 23:30 Tokyo, then "Dec" at midnight) may give its
    // label up to the next one, as lightweight-charts does with labels that would touch: only those are missing.
    const shown = ticks.filter((t) => !t.includes(':'));
    expect(shown.length).toBeGreaterThan(0);
    expect(newDays.filter((d) => shown.includes(d))).toEqual(shown);
    for (const [k, change] of changes.entries()) {
      const crowded = [changes[k - 1], changes[k + 1]].some((o) => o !== undefined && Math.abs(o.at - change.at) <= 60);
      if (!shown.includes(change.label)) expect(crowded, `${change.label} missing from ${shown.join(', ')}`).toBe(true);
    }
    for (const tick of ticks.filter((t) => t.includes(':'))) expect(tick).toMatch(/^\d{2}:\d{2}$/);
    expect(ticks).not.toContain('00:00'); // Tokyo's midnight is a day tick, never a time
  });
});
