import { describe, expect, it } from 'vitest';
import { cellsText } from './cells';

describe('cellsText', () => {
  it('writes counts with thousands separators, as the command line does (trial 31: "2213 of 6761")', () => {
    expect(cellsText({ cells_done: 2213, cells_total: 6761, cells_cancelled: 4548 }, 'backtests').long)
      .toBe('2,213 of 6,761 backtests ran, 4,548 cancelled');
    expect(cellsText({ cells_done: 192, cells_total: 6761 }).short).toBe('192/6,761');
    expect(cellsText({ cells_done: 2213, cells_total: 6761, cells_cancelled: 4548 }).short).toBe('2,213 ran · 4,548 cancelled');
  });
});
