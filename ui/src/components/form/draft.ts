import { useEffect, useState } from 'react';

/**
 * A form's values kept in the tab's sessionStorage while it is filled in, so leaving the page (to the
 * sweep it just made, say) and coming Back finds the grid as it was, not the defaults (trial 37: the
 * sweep form forgot every value on Back). Per tab, gone when the tab closes; a draft whose strategy is
 * no longer offered is dropped (its parameters belong to that strategy).
 */
const PREFIX = 'weaver.draft.';

export function readDraft<T extends { strategyName: string }>(form: string, strategies: { name: string }[]): Partial<T> {
  try {
    const raw = window.sessionStorage.getItem(PREFIX + form);
    if (!raw) return {};
    const draft = JSON.parse(raw) as Partial<T>;
    return typeof draft === 'object' && draft !== null && strategies.some((s) => s.name === draft.strategyName) ? draft : {};
  } catch {
    return {}; // storage refused (private mode) or a draft from an older form: start from the defaults
  }
}

/** Keeps `values` as the form's draft whenever they change. */
export function useSaveDraft(form: string, values: object): void {
  const text = JSON.stringify(values);
  useEffect(() => {
    try {
      window.sessionStorage.setItem(PREFIX + form, text);
    } catch {
      // storage full or refused: the form works without a draft
    }
  }, [form, text]);
}

/** The draft read once, on the form's first render. */
export function useDraft<T extends { strategyName: string }>(form: string, strategies: { name: string }[]): Partial<T> {
  const [draft] = useState(() => readDraft<T>(form, strategies));
  return draft;
}
