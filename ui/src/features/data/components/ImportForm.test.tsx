import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, uploadWithProgress } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import { ImportForm } from './ImportForm';

vi.mock('@/lib/api/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/api/client')>()),
  uploadWithProgress: vi.fn(),
}));
const upload = vi.mocked(uploadWithProgress);

function renderForm() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  const invalidate = vi.spyOn(client, 'invalidateQueries');
  render(<QueryClientProvider client={client}><ImportForm /></QueryClientProvider>);
  return { invalidate };
}

async function fillAndSubmit() {
  const file = new File(['timestamp,open,high,low,close,volume\n'], 'bars.csv', { type: 'text/csv' });
  await userEvent.upload(screen.getByTestId('import-file'), file);
  await userEvent.type(screen.getByTestId('import-symbol'), 'aapl');
  await userEvent.selectOptions(screen.getByTestId('import-timeframe'), '1Min');
  await userEvent.click(screen.getByTestId('import-submit'));
  return file;
}

describe('ImportForm', () => {
  beforeEach(() => {
    upload.mockReset();
  });

  it('sends the file, symbol and timeframe, shows what was stored and refreshes the series list', async () => {
    upload.mockImplementation(async (_path, _form, onProgress) => {
      onProgress(0.5);
      return { symbol: 'AAPL', timeframe: '1Min', rows: 1200, inserted: 1150, skipped: 50, error_count: 0, errors: [] };
    });
    const { invalidate } = renderForm();
    const file = await fillAndSubmit();
    expect(await screen.findByTestId('import-result')).toHaveTextContent(
      'AAPL 1Min: 1,200 rows read, 1,150 stored, 50 already present.');
    const [path, form] = upload.mock.calls[0] ?? [];
    expect(path).toBe('/bars/import');
    expect((form as FormData).get('file')).toBe(file);
    expect((form as FormData).get('symbol')).toBe('AAPL');
    expect((form as FormData).get('timeframe')).toBe('1Min');
    expect((form as FormData).get('keep_good_rows')).toBe('false');
    expect(invalidate).toHaveBeenCalledWith({ queryKey: keys.series });
  });

  it("takes the file's own timeframe unless one is chosen, and shows the import's notes", async () => {
    // trial 26: the form's 1Day default refused a minute file, and the Adj Close note never reached the page
    const note = "the file's Adj Close column is not used: the bars take open, high, low and close as traded";
    upload.mockResolvedValue({ symbol: 'YHOO', timeframe: '1Day', rows: 40, inserted: 40, skipped: 0, error_count: 0,
      errors: [], warnings: [note] });
    renderForm();
    expect(screen.getByTestId('import-timeframe')).toHaveValue('');
    expect(screen.getByRole('option', { name: 'from the file' })).toBeInTheDocument();
    await userEvent.upload(screen.getByTestId('import-file'), new File(['Date,Open\n'], 'y.csv', { type: 'text/csv' }));
    await userEvent.type(screen.getByTestId('import-symbol'), 'yhoo');
    await userEvent.click(screen.getByTestId('import-submit'));
    expect(await screen.findByTestId('import-warnings')).toHaveTextContent(`Note: ${note}`);
    const [, form] = upload.mock.calls[0] ?? [];
    expect((form as FormData).has('timeframe')).toBe(false);
  });

  it('counts the bad rows it skipped among the rows read, one row as a row (trial 14: "4 rows read" of 5)', async () => {
    upload.mockResolvedValue({ symbol: 'TEST', timeframe: '1Day', rows: 4, inserted: 4, skipped: 0, error_count: 1,
      errors: [{ line: 4, reason: 'high 10.4 is below low 10.9' }] });
    renderForm();
    await fillAndSubmit();
    expect(await screen.findByTestId('import-result')).toHaveTextContent(
      'TEST 1Day: 5 rows read, 4 stored, 0 already present, 1 bad row skipped.');
  });

  it('says how many already-present rows differ from the stored bars, which were kept', async () => {
    upload.mockResolvedValue({
      symbol: 'MIN', timeframe: '1Min', rows: 11, inserted: 0, skipped: 11, error_count: 0, errors: [],
      conflicts: { count: 11, examples: [
        { ts: '2024-01-02T14:31:00Z', column: 'close', stored: '10.5', file: '10.55' },
        { ts: '2024-01-02T14:32:00Z', column: 'close', stored: '10.6', file: '10.65' }] },
    });
    renderForm();
    await fillAndSubmit();
    expect(await screen.findByTestId('import-result')).toHaveTextContent(
      'MIN 1Min: 11 rows read, 0 stored, 11 already present.');
    expect(screen.getByTestId('import-conflicts')).toHaveTextContent(
      '11 of the 11 rows already present differ from the stored bars, which were kept: '
      + 'first 2024-01-02 14:31 close 10.5 stored, 10.55 in the file.');
    // the instant in the user's zone, as the page's other times (trial 33 read it in UTC beside Chicago times)
    expect(screen.getByTestId('import-conflicts').querySelector('time')).toHaveAttribute('datetime', '2024-01-02T14:31:00Z');
  });

  it('shows no conflict line when the file agrees with the stored bars', async () => {
    upload.mockResolvedValue({ symbol: 'MIN', timeframe: '1Min', rows: 11, inserted: 0, skipped: 11, error_count: 0,
      errors: [], conflicts: { count: 0, examples: [] } });
    renderForm();
    await fillAndSubmit();
    expect(await screen.findByTestId('import-result')).toHaveTextContent('11 already present.');
    expect(screen.queryByTestId('import-conflicts')).toBeNull();
  });

  it('lists every bad row by line number when the API refuses the file', async () => {
    upload.mockRejectedValue(new ApiError(422, 'validation_failed', 'nothing was imported: 2 bad rows', {
      fields: { file: '2 bad rows' }, error_count: 2,
      errors: [{ line: 3, reason: 'high is below open or close' }, { line: 7, reason: 'duplicate timestamp' }],
    }));
    const { invalidate } = renderForm();
    await fillAndSubmit();
    const rows = await screen.findAllByTestId('import-error-row');
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([
      ['3', 'high is below open or close'], ['7', 'duplicate timestamp']]);
    expect(screen.getByTestId('error-banner')).toHaveTextContent('nothing was imported: 2 bad rows');
    expect(screen.queryByTestId('import-result')).toBeNull();
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('shows a field error from the API at its field', async () => {
    upload.mockRejectedValue(new ApiError(422, 'validation_failed', 'invalid input', {
      fields: { symbol: "not a ticker symbol: 'AAPL!'" } }));
    renderForm();
    await fillAndSubmit();
    expect(await screen.findByTestId('error-symbol')).toHaveTextContent("not a ticker symbol: 'AAPL!'");
  });
});
