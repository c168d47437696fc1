import type { LengthUnit } from './period';

/** The fold lengths whose unit follows train's and test's until the user picks one of their own. */
export type FollowingKey = 'step' | 'gap';
export type LengthKey = 'train' | 'test' | FollowingKey;

interface Units {
  train: { unit: LengthUnit };
  test: { unit: LengthUnit };
  step: { unit: LengthUnit };
  gap: { unit: LengthUnit };
  /** Step and gap units the user picked; absent from drafts saved before units followed. */
  unitsPicked?: FollowingKey[];
}

const FOLLOWING: FollowingKey[] = ['step', 'gap'];
const isBars = (unit: LengthUnit) => unit === 'bars';

/** The lengths after the user picks `unit` for `key`. Train, test and step must all be bars or all calendar periods,
 *  and a gap too unless it is 0 (app/greta/folds.py): so step and gap take the unit last picked for train or test,
 *  unless the user picked theirs, and even then when theirs is of the other kind (bars against a calendar period),
 *  which the API would refuse. A unit picked for step or gap is kept. */
export function withUnit<T extends Units>(draft: T, key: LengthKey, unit: LengthUnit): T {
  const picked = draft.unitsPicked ?? [];
  if (key === 'step' || key === 'gap') {
    return { ...draft, [key]: { ...draft[key], unit }, unitsPicked: picked.includes(key) ? picked : [...picked, key] };
  }
  const next: T = { ...draft, [key]: { ...draft[key], unit } };
  const follow = FOLLOWING.filter((k) => !picked.includes(k) || isBars(draft[k].unit) !== isBars(unit));
  for (const k of follow) next[k] = { ...draft[k], unit };
  next.unitsPicked = picked.filter((k) => !follow.includes(k));
  return next;
}
