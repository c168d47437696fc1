import { describe, expect, it } from 'vitest';
import { GAP_COLOR, sharpeLineData } from './sharpeLineData';

const t = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

describe('sharpeLineData', () => {
  it('breaks the line across windows with no Sharpe: whitespace there, and no segment drawn into the gap', () => {
    const dates = ['2022-01-03', '2022-01-04', '2022-01-05', '2022-01-06', '2022-01-07', '2022-01-10'];
    expect(sharpeLineData(dates, [0.5, 0.75, null, null, 1.25, 1.5])).toEqual([
      { time: t('2022-01-03'), value: 0.5 },
      { time: t('2022-01-04'), value: 0.75, color: GAP_COLOR },  // the segment from here would cross the gap
      { time: t('2022-01-05') },
      { time: t('2022-01-06') },
      { time: t('2022-01-07'), value: 1.25 },
      { time: t('2022-01-10'), value: 1.5 },
    ]);
    expect(GAP_COLOR).toBe('transparent');
  });

  it('keeps an unbroken series whole, and reads a missing or non-finite figure as a gap', () => {
    expect(sharpeLineData(['2022-01-03', '2022-01-04'], [1, 2])).toEqual([
      { time: t('2022-01-03'), value: 1 }, { time: t('2022-01-04'), value: 2 }]);
    expect(sharpeLineData(['2022-01-03', '2022-01-04', '2022-01-05'], [null, Number.NaN, 3])).toEqual([
      { time: t('2022-01-03') }, { time: t('2022-01-04') }, { time: t('2022-01-05'), value: 3 }]);
  });
});
