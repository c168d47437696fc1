import { useNavigate } from 'react-router-dom';
import { Button } from '@/components/ui/Button';

export const COMPARE_MIN = 2;
export const COMPARE_MAX = 5;

/** Why Compare cannot go yet (null: it can): the compare view overlays 2 to 5 runs. */
export function compareBlocker(count: number): string | null {
  if (count < COMPARE_MIN) return `Select ${COMPARE_MIN} to ${COMPARE_MAX} runs to compare.`;
  if (count > COMPARE_MAX) return `Compare takes at most ${COMPARE_MAX} runs: ${count} are selected, unselect ${count - COMPARE_MAX}.`;
  return null;
}

/** The compare view's address for these runs, in the order they were picked. */
export function compareUrl(ids: string[]): string {
  return `/compare?runs=${ids.map(encodeURIComponent).join(',')}`;
}

/** The runs picked with the rows' checkboxes, and the button that opens them side by side. */
export function CompareBar({ ids, onClear }: { ids: string[]; onClear: () => void }) {
  const navigate = useNavigate();
  const blocker = compareBlocker(ids.length);
  return (
    <div className="indicator" data-testid="compare-bar" style={{ gap: 8 }}>
      <Button variant="primary" size="sm" disabled={blocker !== null} aria-describedby="compare-reason"
        data-testid="compare-button" onClick={() => navigate(compareUrl(ids))}>Compare ({ids.length})</Button>
      {ids.length > 0 ? <Button size="sm" variant="ghost" onClick={onClear}>Clear selection</Button> : null}
      <span id="compare-reason" className="muted" data-testid="compare-reason" aria-live="polite">{blocker ?? ''}</span>
    </div>
  );
}
