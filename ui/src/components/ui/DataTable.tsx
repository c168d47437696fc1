import { useMemo, useState, type ReactNode } from 'react';
import { Button } from './Button';
import { EmptyState } from './Feedback';
import { compareValues, type SortDir, type SortValue } from './sorting';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  /** Present: the column sorts by this value. */
  sortValue?: (row: T) => SortValue;
  numeric?: boolean;
  className?: string;
  title?: string;
  /** Left out on narrow screens (secondary columns). */
  hideNarrow?: boolean;
}

export interface DataTableProps<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  testId: string;
  initialSort?: { key: string; dir: SortDir };
  pageSize?: number;
  /** A row click, or Enter on a focused row (rows take keyboard focus when this is given). */
  onRowClick?: (row: T) => void;
  /** What a row click does, as its tooltip (e.g. "Show on the price chart"). */
  rowTitle?: string;
  empty?: ReactNode;
  /** Shown in the footer, left of the pager (e.g. an export button). */
  footer?: ReactNode;
  /** Rows the server has in all (when only part of them was loaded). */
  total?: number;
  rowClass?: (row: T) => string;
}

export function DataTable<T>({ rows, columns, rowKey, testId, initialSort, pageSize = 50, onRowClick, rowTitle, empty,
  footer, total, rowClass }: DataTableProps<T>) {
  const [sort, setSort] = useState<{ key: string; dir: SortDir } | null>(initialSort ?? null);
  const [page, setPage] = useState(0);

  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!sort || !column?.sortValue) return rows;
    const value = column.sortValue;
    return rows.map((row, i) => ({ row, i, v: value(row) }))
      .sort((a, b) => compareValues(a.v, b.v, sort.dir) || a.i - b.i)
      .map((x) => x.row);
  }, [rows, columns, sort]);

  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  const visible = sorted.slice(current * pageSize, (current + 1) * pageSize);

  const toggle = (key: string) => {
    setPage(0);
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'desc' }));
  };

  return (
    <div data-testid={testId}>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => {
                const active = sort?.key === c.key;
                const aria = active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined;
                return (
                  <th key={c.key} className={[c.numeric ? 'num' : '', c.hideNarrow ? 'hide-narrow' : ''].join(' ').trim() || undefined}
                    aria-sort={aria} title={c.title}>
                    {c.sortValue ? (
                      <button type="button" onClick={() => toggle(c.key)} data-testid={`sort-${c.key}`}>
                        {c.header}
                        <span className="dim">{active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                      </button>
                    ) : c.header}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((row) => (
              <tr key={rowKey(row)} data-testid={`${testId}-row`}
                className={[onRowClick ? 'clickable' : '', rowClass?.(row) ?? ''].join(' ').trim() || undefined}
                onClick={onRowClick ? () => onRowClick(row) : undefined} tabIndex={onRowClick ? 0 : undefined}
                title={onRowClick ? rowTitle : undefined}
                onKeyDown={onRowClick ? (e) => {
                  if (e.key === 'Enter' && e.target === e.currentTarget) {
                    e.preventDefault();
                    onRowClick(row);
                  }
                } : undefined}>
                {columns.map((c) => (
                  <td key={c.key} className={[c.numeric ? 'num' : '', c.className ?? '', c.hideNarrow ? 'hide-narrow' : '']
                    .join(' ').trim() || undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? (empty ?? <EmptyState title="Nothing here yet" />) : null}
      <div className="table-foot">
        <span className="muted" data-testid={`${testId}-count`} data-count={total ?? rows.length}>
          {(total ?? rows.length).toLocaleString('en-US')} rows
          {total !== undefined && total > rows.length ? ` (first ${rows.length.toLocaleString('en-US')} loaded)` : ''}
        </span>
        {footer}
        <span className="spacer" />
        {pages > 1 ? (
          <span className="indicator">
            <Button size="sm" variant="ghost" onClick={() => setPage(0)} disabled={current === 0} aria-label="First page">«</Button>
            <Button size="sm" variant="ghost" onClick={() => setPage(current - 1)} disabled={current === 0}
              aria-label="Previous page" data-testid={`${testId}-prev`}>‹</Button>
            <span className="mono">{current + 1} / {pages}</span>
            <Button size="sm" variant="ghost" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}
              aria-label="Next page" data-testid={`${testId}-next`}>›</Button>
            <Button size="sm" variant="ghost" onClick={() => setPage(pages - 1)} disabled={current >= pages - 1}
              aria-label="Last page">»</Button>
          </span>
        ) : null}
      </div>
    </div>
  );
}
