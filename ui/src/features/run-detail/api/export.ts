import { saveCsv, toCsv } from '@/components/ui/csv';
import { isApiError } from '@/lib/api/client';
import { exportRecords } from './run';

type Cell = string | number | boolean | null | undefined;

/**
 * The server's export (every row, as the API formats it); when this backend has no export
 * endpoint (404), the rows already loaded are saved as CSV in the browser instead.
 */
export async function exportOrFallback(runId: string, kind: 'trades' | 'orders' | 'equity',
  rows: ReadonlyArray<object>): Promise<void> {
  try {
    await exportRecords(runId, kind, 'csv');
  } catch (error) {
    if (!(isApiError(error) && (error.status === 404 || error.status === 405))) throw error;
    const header = rows[0] ? Object.keys(rows[0]) : [];
    const cells = rows.map((r) => header.map((h): Cell => {
      const v = (r as Record<string, unknown>)[h];
      return v !== null && typeof v === 'object' ? JSON.stringify(v) : (v as Cell);
    }));
    saveCsv(`run-${runId.slice(0, 8)}-${kind}.csv`, toCsv(header, cells));
  }
}
