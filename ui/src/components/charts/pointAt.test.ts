import { describe, expect, it } from 'vitest';
import { pointAtOrBefore } from './pointAt';

const POINTS = [{ time: 100, value: 1 }, { time: 200, value: 2 }, { time: 300, value: 3 }, { time: 400, value: 4 }];

describe('pointAtOrBefore', () => {
  it('gives the point at exactly the time', () => {
    for (const p of POINTS) expect(pointAtOrBefore(POINTS, p.time)).toBe(p);
  });

  it('gives the earlier point between two points', () => {
    expect(pointAtOrBefore(POINTS, 101)?.value).toBe(1);
    expect(pointAtOrBefore(POINTS, 299)?.value).toBe(2);
    expect(pointAtOrBefore(POINTS, 350)?.value).toBe(3);
  });

  it('gives nothing before the first point', () => {
    expect(pointAtOrBefore(POINTS, 99)).toBeUndefined();
    expect(pointAtOrBefore(POINTS, -Infinity)).toBeUndefined();
  });

  it('gives the last point after the last', () => {
    expect(pointAtOrBefore(POINTS, 401)?.value).toBe(4);
    expect(pointAtOrBefore(POINTS, 1e12)?.value).toBe(4);
  });

  it('gives nothing for an empty series', () => {
    expect(pointAtOrBefore([], 100)).toBeUndefined();
  });

  it('reads a single point and odd and even lengths alike', () => {
    expect(pointAtOrBefore([{ time: 5 }], 5)?.time).toBe(5);
    expect(pointAtOrBefore([{ time: 5 }], 4)).toBeUndefined();
    const three = POINTS.slice(0, 3);
    expect(pointAtOrBefore(three, 250)?.value).toBe(2);
    expect(pointAtOrBefore(three, 1000)?.value).toBe(3);
  });
});
