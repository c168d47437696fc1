import { useState, type FormEvent } from 'react';
import { Field } from '@/components/form/Field';
import { Button } from '@/components/ui/Button';
import { ErrorBanner } from '@/components/ui/Feedback';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { isApiError } from '@/lib/api/client';
import { TIMEFRAMES, type Timeframe } from '@/lib/api/types';
import { rowErrors, useImportBars, type ImportConflict } from '../api/importBars';
import { Time } from '@/components/ui/Time';

const SHOWN_ERRORS = 100;

/** Upload a CSV of bars: progress while it goes up, then what was stored or every bad row by line. */
export function ImportForm() {
  const [file, setFile] = useState<File | null>(null);
  const [symbol, setSymbol] = useState('');
  // '' = the file's own spacing (trial 26: a 1Day default refused a minute file with advice the form could not follow)
  const [timeframe, setTimeframe] = useState<Timeframe | ''>('');
  const [keepGoodRows, setKeepGoodRows] = useState(false);
  const upload = useImportBars();
  const error = upload.error;
  const fields = isApiError(error) ? error.fieldErrors : {};
  const badRows = isApiError(error) ? rowErrors(error.details) : [];
  const badCount = isApiError(error) && typeof error.details.error_count === 'number'
    ? error.details.error_count : badRows.length;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate({ file, symbol, timeframe, keepGoodRows });
  };

  return (
    <form className="form" onSubmit={submit} data-testid="import-form" noValidate>
      <div className="fields">
        <Field label="CSV file" path="file" required error={fields.file && !badRows.length ? fields.file : undefined}
          hint="timestamp (or Date; an unnamed first column, as pandas writes its index), open, high, low, close, and volume (optional: 0 without it); times in UTC">
          {(id, describedBy) => (
            <input id={id} type="file" accept=".csv,text/csv" className="input" aria-describedby={describedBy}
              data-testid="import-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          )}
        </Field>
        <Field label="Symbol" path="symbol" required error={fields.symbol}>
          {(id, describedBy, invalid) => (
            <input id={id} className="input mono" value={symbol} placeholder="AAPL" aria-describedby={describedBy}
              aria-invalid={invalid} data-testid="import-symbol" onChange={(e) => setSymbol(e.target.value)} />
          )}
        </Field>
        <Field label="Timeframe" path="timeframe" error={fields.timeframe}>
          {(id, describedBy) => (
            <select id={id} className="select" value={timeframe} aria-describedby={describedBy}
              data-testid="import-timeframe" onChange={(e) => setTimeframe(e.target.value as Timeframe | '')}>
              <option value="">from the file</option>
              {TIMEFRAMES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          )}
        </Field>
        <Field label="Bad rows" path="keep_good_rows" hint="by default a file with any bad row stores nothing">
          {(id) => (
            <label className="check" htmlFor={id}>
              <input id={id} type="checkbox" checked={keepGoodRows} data-testid="import-keep-good"
                onChange={(e) => setKeepGoodRows(e.target.checked)} />
              store the good rows anyway
            </label>
          )}
        </Field>
      </div>
      <div className="page-head">
        <Button type="submit" variant="primary" busy={upload.isPending} disabled={!file || !symbol.trim()}
          data-testid="import-submit">Import</Button>
        {upload.isPending ? (
          <span className="indicator" data-testid="import-progress">
            <ProgressBar value={upload.progress} label="upload progress" />
            {upload.progress < 1 ? `uploading ${Math.round(upload.progress * 100)}%` : 'validating and storing…'}
          </span>
        ) : null}
      </div>
      {upload.isSuccess ? (
        <div className="banner" role="status" data-testid="import-result">
          {upload.data.symbol} {upload.data.timeframe}: {(upload.data.rows + upload.data.error_count).toLocaleString()} rows
          read, {upload.data.inserted.toLocaleString()} stored, {upload.data.skipped.toLocaleString()} already present
          {upload.data.error_count
            ? `, ${upload.data.error_count.toLocaleString()} bad ${upload.data.error_count === 1 ? 'row' : 'rows'} skipped` : ''}.
        </div>
      ) : null}
      {upload.isSuccess && upload.data.warnings?.length ? (
        <div className="banner" role="note" data-testid="import-warnings">
          {upload.data.warnings.map((w) => <div key={w} className="warn">Note: {w}</div>)}
        </div>
      ) : null}
      {upload.isSuccess && upload.data.conflicts?.count ? (
        <ConflictBanner skipped={upload.data.skipped} conflicts={upload.data.conflicts} />
      ) : null}
      {error ? <ErrorBanner error={error} title="Import refused" /> : null}
      {badRows.length ? (
        <div className="table-wrap" style={{ maxWidth: 720 }} data-testid="import-errors">
          <table className="table">
            <thead><tr><th className="num">Line</th><th>Problem</th></tr></thead>
            <tbody>
              {badRows.slice(0, SHOWN_ERRORS).map((row) => (
                <tr key={`${row.line}-${row.reason}`} data-testid="import-error-row">
                  <td className="num mono">{row.line}</td><td>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {badCount > SHOWN_ERRORS ? <div className="muted">… and {badCount - SHOWN_ERRORS} more bad rows</div> : null}
        </div>
      ) : null}
    </form>
  );
}

/** Rows already present whose prices differ: the stored bars were kept (they never change), the file's ignored. */
function ConflictBanner({ skipped, conflicts }: {
  skipped: number;
  conflicts: { count: number; examples: ImportConflict[] };
}) {
  const first = conflicts.examples[0];
  return (
    <div className="banner warn" role="status" data-testid="import-conflicts">
      {conflicts.count.toLocaleString()} of the {skipped.toLocaleString()} rows already present differ from the
      stored bars, which were kept
      {first ? <>: first <Time value={first.ts} /> {first.column} {first.stored} stored, {first.file} in the file</> : ''}.
    </div>
  );
}
