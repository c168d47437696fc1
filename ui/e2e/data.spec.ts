import { expect, test } from './fixtures';

const HEADER = 'timestamp,open,high,low,close,volume\n';
const GOOD = ['2024-02-01T00:00:00Z,20.00,21.00,19.50,20.50,1000', '2024-02-02T00:00:00Z,20.50,21.50,20.00,21.25,900',
  '2024-02-05T00:00:00Z,21.25,22.00,21.00,21.75,1100'];

test('a CSV imported on the data page appears in the stored series and previews as candles', async ({ page, openApp, shot }) => {
  await openApp('/data');
  await page.getByTestId('import-file').setInputFiles({
    name: 'e2e.csv', mimeType: 'text/csv', buffer: Buffer.from(HEADER + GOOD.join('\n') + '\n'),
  });
  await page.getByTestId('import-symbol').fill('ETWO');
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-result')).toContainText('ETWO 1Day: 3 rows read, 3 stored, 0 already present');
  const row = page.getByTestId('series-table-row').filter({ hasText: 'ETWO' });
  await expect(row).toContainText('3');
  await expect(row).toContainText('csv');
  await row.click();
  await expect(page.getByTestId('preview-chart')).toContainText('3 bars');
  await shot('data-import');
});

test('a CSV with bad rows is refused with their line numbers and nothing is stored', async ({ page, openApp, apiGet, shot }) => {
  await openApp('/data');
  const bad = [GOOD[0], '2024-02-02T00:00:00Z,20.50,20.00,20.10,20.40,900', GOOD[2], GOOD[2]];
  await page.getByTestId('import-file').setInputFiles({
    name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(HEADER + bad.join('\n') + '\n'),
  });
  await page.getByTestId('import-symbol').fill('EBAD');
  await page.getByTestId('import-submit').click();
  const rows = page.getByTestId('import-error-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('3');
  await expect(rows.nth(0)).toContainText('high 20.00 is below low 20.10');
  await expect(rows.nth(1)).toContainText('5');
  await expect(rows.nth(1)).toContainText('duplicate timestamp');
  await expect(page.getByTestId('error-banner')).toContainText('nothing was imported');
  const series = await apiGet<{ symbol: string }[]>('/bars/series');
  expect(series.some((s) => s.symbol === 'EBAD')).toBe(false);
  await shot('data-import-errors');
});
