import { useRef } from 'react';

/** The same array as last render while its items are the same objects (query results keep their identity
 *  until they change), so a chart redraws when a run's data changes, not on every render. */
export function useStableList<T>(items: T[]): T[] {
  const ref = useRef<T[]>(items);
  const previous = ref.current;
  if (previous.length !== items.length || previous.some((item, i) => item !== items[i])) ref.current = items;
  return ref.current;
}
