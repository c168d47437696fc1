import { useTimeZone } from '@/lib/time/useTimeZone';
import { localizeStamps, type TimeStyle } from '@/lib/time/zone';

/** A UTC instant rendered in the zone the user chose; the tooltip always gives the ISO UTC value. */
export function Time({ value, style = 'datetime' }: { value: string | null | undefined; style?: TimeStyle }) {
  const { format } = useTimeZone();
  if (!value) return <span className="dim">—</span>;
  return <time dateTime={value} title={`${value} (UTC)`} className="mono nowrap">{format(value, style)}</time>;
}

/** A server's sentence with the UTC instants in it shown in the user's zone (the tooltip keeps the words as sent). */
export function ZonedText({ text }: { text: string | null | undefined }) {
  const { zone } = useTimeZone();
  if (!text) return null;
  const shown = localizeStamps(text, zone);
  return shown === text ? <>{text}</> : <span title={text}>{shown}</span>;
}

export function TimeZoneToggle() {
  const { mode, setMode, description } = useTimeZone();
  return (
    <span className="indicator" data-testid="tz-toggle">
      <span className="hide-narrow" title="Every time on screen is shown in this zone">Times:</span>
      <span className="seg" role="group" aria-label="Time zone">
        <button type="button" aria-pressed={mode === 'local'} onClick={() => setMode('local')}
          data-testid="tz-local">Local</button>
        <button type="button" aria-pressed={mode === 'utc'} onClick={() => setMode('utc')} data-testid="tz-utc">UTC</button>
      </span>
      <span className="mono hide-narrow" data-testid="tz-label">{description}</span>
    </span>
  );
}
