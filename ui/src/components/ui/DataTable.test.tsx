import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { DataTable } from './DataTable';

const ROWS = [{ id: 'a', n: 1 }, { id: 'b', n: 2 }];
const COLUMNS = [{ key: 'n', header: 'N', render: (r: { n: number }) => r.n }];

describe('DataTable rows that act', () => {
  it('take keyboard focus and act on Enter as on a click', () => {
    const act = vi.fn();
    render(<DataTable testId="t" rows={ROWS} columns={COLUMNS} rowKey={(r) => r.id} onRowClick={act}
      rowTitle="Show on the price chart" />);
    const [first, second] = screen.getAllByTestId('t-row');
    expect(first).toHaveAttribute('tabindex', '0');
    expect(first).toHaveAttribute('title', 'Show on the price chart');
    fireEvent.keyDown(second!, { key: 'Enter' });
    fireEvent.keyDown(second!, { key: 'a' });
    fireEvent.click(first!);
    expect(act.mock.calls.map(([row]) => (row as { id: string }).id)).toEqual(['b', 'a']);
  });

  it('stay out of the tab order when they do nothing', () => {
    render(<DataTable testId="t" rows={ROWS} columns={COLUMNS} rowKey={(r) => r.id} />);
    expect(screen.getAllByTestId('t-row')[0]).not.toHaveAttribute('tabindex');
  });
});
