/** Which runs a /compare link names: `?runs=a,b,c`, in order, each once; 2 to 5 of them compare. */
export const MIN_RUNS = 2;
export const MAX_RUNS = 5;

export type Selection =
  | { kind: 'ok'; ids: string[] }
  | { kind: 'too-few'; ids: string[] }
  | { kind: 'too-many'; ids: string[] };

export function parseRunIds(param: string | null | undefined): string[] {
  const seen = new Set<string>();
  for (const part of (param ?? '').split(',')) {
    const id = part.trim();
    if (id) seen.add(id);
  }
  return [...seen];
}

export function selectRuns(param: string | null | undefined): Selection {
  const ids = parseRunIds(param);
  if (ids.length < MIN_RUNS) return { kind: 'too-few', ids };
  if (ids.length > MAX_RUNS) return { kind: 'too-many', ids };
  return { kind: 'ok', ids };
}

/** The compare link of these runs (what the runs list's "Compare" button opens). */
export function compareHref(ids: string[]): string {
  return `/compare?runs=${ids.map(encodeURIComponent).join(',')}`;
}
