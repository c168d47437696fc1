import { describe, expect, it } from 'vitest';
import { efficiencyMeaning } from './efficiency';

describe('efficiencyMeaning', () => {
  it('says what the value means, band by band', () => {
    expect(efficiencyMeaning(-0.3, null, 12)).toBe('the out-of-sample result lost money while the in-sample one made it: '
      + 'what the optimisation found did not hold');
    expect(efficiencyMeaning(0)).toBe('out of sample it kept less than half of the in-sample return: much of it was fitted to noise');
    expect(efficiencyMeaning(0.42)).toBe('out of sample it kept less than half of the in-sample return: much of it was fitted to noise');
    expect(efficiencyMeaning(0.5)).toBe('out of sample it kept most of the in-sample return');
    expect(efficiencyMeaning(1)).toBe('out of sample it kept most of the in-sample return');
    expect(efficiencyMeaning(1.65)).toBe('it did better out of sample than in sample (often luck in few folds)');
  });

  it('does not call a negative ratio from an in-sample loss a failure', () => {
    expect(efficiencyMeaning(-0.5, null, -4)).toBe('the in-sample result lost money while the out-of-sample one made it: the ratio says little');
  });

  it('says when the folds varied widely: some fold on the other side of zero, or a spread past the value', () => {
    expect(efficiencyMeaning(0.63, null, 12, [-5.69, 11.08, 0.9])).toBe(
      'out of sample it kept most of the in-sample return, but folds varied widely (−5.69 to 11.08)');
    expect(efficiencyMeaning(0.63, null, 12, [0.2, 1.5])).toBe(
      'out of sample it kept most of the in-sample return, but folds varied widely (0.20 to 1.50)');
    expect(efficiencyMeaning(-0.3, null, 12, [-1.2, 0.4])).toBe('the out-of-sample result lost money while the '
      + 'in-sample one made it: what the optimisation found did not hold, but folds varied widely (−1.20 to 0.40)');
  });

  it('says nothing more when the folds agree, or there are not two to compare', () => {
    expect(efficiencyMeaning(0.63, null, 12, [0.5, 0.7, null, 0.8])).toBe('out of sample it kept most of the in-sample return');
    expect(efficiencyMeaning(0.63, null, 12, [-5.69, null])).toBe('out of sample it kept most of the in-sample return');
    expect(efficiencyMeaning(0.63, null, 12, [])).toBe('out of sample it kept most of the in-sample return');
    expect(efficiencyMeaning(null, 'no out-of-sample run', 12, [-5, 5])).toBe('no out-of-sample run');
  });

  it('gives the reason when there is no value', () => {
    expect(efficiencyMeaning(null, 'the test window is too short to annualise')).toBe('the test window is too short to annualise');
    expect(efficiencyMeaning(null)).toBe('not available');
  });
});
