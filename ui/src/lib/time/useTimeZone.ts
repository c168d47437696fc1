import { useCallback, useSyncExternalStore } from 'react';
import { currentZoneMode, formatInZone, setZoneMode, subscribeZone, zoneDescription, zoneFor,
  type TimeStyle, type ZoneMode } from './zone';

export interface TimeZoneApi {
  mode: ZoneMode;
  zone: string;
  description: string;
  setMode: (mode: ZoneMode) => void;
  format: (value: string | number | Date | null | undefined, style?: TimeStyle) => string;
}

/** The time zone the UI renders in, and a formatter bound to it (re-renders on toggle). */
export function useTimeZone(): TimeZoneApi {
  const mode = useSyncExternalStore(subscribeZone, currentZoneMode, currentZoneMode);
  const zone = zoneFor(mode);
  const format = useCallback(
    (value: string | number | Date | null | undefined, style?: TimeStyle) => formatInZone(value, zone, style),
    [zone],
  );
  return { mode, zone, description: zoneDescription(mode), setMode: setZoneMode, format };
}
