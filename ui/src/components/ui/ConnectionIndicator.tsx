import { useStream } from '@/lib/stream/StreamProvider';
import { Button } from './Button';

/** Whether live updates are flowing; when the server is lost (no heartbeat for 4 s) it says so and retries. */
export function ConnectionIndicator() {
  const { state, retryInMs, reconnect, lastSeq } = useStream();
  const label = state === 'open' ? 'live' : state === 'connecting' ? 'connecting…' : 'disconnected';
  return (
    <span className={`indicator${state === 'down' ? ' down' : ''}`} data-testid="stream-status" data-state={state}
      title={state === 'open' ? `Live updates on (last event #${lastSeq ?? '—'})`
        : state === 'down' ? `Disconnected from the server: figures are as of the last update; retrying${retryInMs ? ` in ${Math.round(retryInMs / 1000)} s` : ''}` : 'Connecting'}>
      <span className={`dot ${state === 'open' ? 'ok' : state === 'down' ? 'bad' : 'wait'}`} />
      {label}
      {state === 'down' ? <Button size="sm" variant="ghost" onClick={reconnect}>retry now</Button> : null}
    </span>
  );
}
