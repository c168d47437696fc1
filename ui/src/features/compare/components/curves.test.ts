import { describe, expect, it } from 'vitest';
import { drawdownCurve, finestTimeframe, normaliseEquity, startingEquity } from './curves';

const pt = (ts: string, equity: string, drawdown: number | null = null) => ({ ts, equity, drawdown });

describe('normaliseEquity', () => {
  it('divides by the starting equity: 100,000 → 1.0, 112,000 → 1.12, in time order', () => {
    const points = [pt('2023-01-04T00:00:00Z', '112000'), pt('2023-01-02T00:00:00Z', '100000'),
      pt('2023-01-03T00:00:00Z', '95000')];
    expect(normaliseEquity(points, 100_000)).toEqual([
      { ts: '2023-01-02T00:00:00Z', value: 1 },
      { ts: '2023-01-03T00:00:00Z', value: 0.95 },
      { ts: '2023-01-04T00:00:00Z', value: 1.12 },
    ]);
  });

  it('puts runs of different cash on one scale: both up 10 % end at 1.1', () => {
    const a = normaliseEquity([pt('2023-01-02T00:00:00Z', '10000'), pt('2023-01-03T00:00:00Z', '11000')], 10_000);
    const b = normaliseEquity([pt('2023-01-02T00:00:00Z', '250000'), pt('2023-01-03T00:00:00Z', '275000')], 250_000);
    expect(a.at(-1)?.value).toBeCloseTo(1.1, 12);
    expect(b.at(-1)?.value).toBeCloseTo(1.1, 12);
  });

  it('gives no curve without a starting equity', () => {
    expect(normaliseEquity([pt('2023-01-02T00:00:00Z', '100')], null)).toEqual([]);
    expect(normaliseEquity([pt('2023-01-02T00:00:00Z', '100')], 0)).toEqual([]);
  });
});

describe('startingEquity', () => {
  it("takes the metrics' start equity, else the cash, else the first point", () => {
    expect(startingEquity({ cash: '50000.00', metrics: { start_equity: 100_000 } }, [])).toBe(100_000);
    expect(startingEquity({ cash: '50000.00', metrics: {} }, [])).toBe(50_000);
    expect(startingEquity({ cash: 'x', metrics: {} }, [{ equity: '1234.5' }])).toBe(1234.5);
    expect(startingEquity({ cash: '0', metrics: {} }, [])).toBeNull();
  });
});

describe('drawdownCurve', () => {
  it("uses the API's drawdown where a point has one", () => {
    expect(drawdownCurve([pt('2023-01-02T00:00:00Z', '100', 0), pt('2023-01-03T00:00:00Z', '90', -0.25)]))
      .toEqual([{ ts: '2023-01-02T00:00:00Z', value: 0 }, { ts: '2023-01-03T00:00:00Z', value: -0.25 }]);
  });

  it('otherwise measures from the running peak: 100, 120, 90, 130 → 0, 0, −25 %, 0', () => {
    const curve = drawdownCurve([pt('2023-01-02T00:00:00Z', '100'), pt('2023-01-03T00:00:00Z', '120'),
      pt('2023-01-04T00:00:00Z', '90'), pt('2023-01-05T00:00:00Z', '130')]);
    expect(curve.map((p) => p.value)).toEqual([0, 0, -0.25, 0]);
  });
});

describe('finestTimeframe', () => {
  it('picks the shortest bar, so intraday runs keep their times beside daily ones', () => {
    expect(finestTimeframe(['1Day', '1Day'])).toBe('1Day');
    expect(finestTimeframe(['1Day', '5Min', '1Hour'])).toBe('5Min');
    expect(finestTimeframe([])).toBe('1Day');
  });
});
