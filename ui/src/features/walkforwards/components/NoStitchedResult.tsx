import type { Walkforward } from '../api/types';
import { beforeAnyFinished, foldList, foldsFinished, foldsLeftUnfinished } from './unfinished';

/** Why a walk-forward has no stitched result: some folds' out-of-sample runs never finished (the finished ones are
 *  kept), none did (only the sweeps' in-sample cells are kept, if any ran), or it is still working. */
export function NoStitchedResult({ wf }: { wf: Walkforward }) {
  const ended = wf.status === 'failed' || wf.status === 'cancelled';
  const left = foldsLeftUnfinished(wf);
  if (ended && foldsFinished(wf) > 0 && left.length) {
    return (
      <p className="muted" data-testid="result-unfinished">
        No stitched result: the walk-forward was {wf.status} before {foldList(left)} had {left.length === 1 ? 'its' : 'their'}
        {' '}out-of-sample run, so no honest figure covers the whole window. The finished folds&apos; runs are kept in
        the table below.
      </p>
    );
  }
  if (ended) { // trial 31: a failed one still said "comes once"
    const cellsRan = wf.folds.some((f) => f.cells_done > 0);
    return (
      <p className="muted" data-testid="result-none">
        No stitched result: the walk-forward {wf.status === 'failed' ? `failed${wf.error ? ` (${wf.error})` : ''}`
          : 'was cancelled'} {beforeAnyFinished(wf)}.
        {cellsRan ? " The in-sample cells its folds' sweeps had run are kept: each fold's sweep link below opens them." : ''}
      </p>
    );
  }
  return <p className="muted" data-testid="result-waiting">The stitched result comes once every fold&apos;s out-of-sample run has finished.</p>;
}
