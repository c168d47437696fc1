import { describe, expect, it } from 'vitest';
import { compareHref, parseRunIds, selectRuns } from './selection';

describe('selectRuns', () => {
  it('reads ids in order, each once, blanks dropped', () => {
    expect(parseRunIds(' a, b,,a ,c ')).toEqual(['a', 'b', 'c']);
    expect(parseRunIds(null)).toEqual([]);
  });

  it('compares 2 to 5 runs', () => {
    expect(selectRuns('a')).toEqual({ kind: 'too-few', ids: ['a'] });
    expect(selectRuns('a,a')).toEqual({ kind: 'too-few', ids: ['a'] });
    expect(selectRuns('a,b').kind).toBe('ok');
    expect(selectRuns('a,b,c,d,e').kind).toBe('ok');
    expect(selectRuns('a,b,c,d,e,f').kind).toBe('too-many');
  });

  it('links to the ids given', () => {
    expect(compareHref(['a', 'b'])).toBe('/compare?runs=a,b');
  });
});
