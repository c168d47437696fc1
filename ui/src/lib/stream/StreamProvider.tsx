import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { apiRequest } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import { useSession } from '@/lib/auth/useSession';
import { useEventStream, type EventSourceFactory, type EventStream } from './useEventStream';

const StreamContext = createContext<EventStream>({ state: 'connecting', lastSeq: null, retryInMs: null,
  reconnect: () => undefined });

/**
 * Probe the API when the stream drops: an ended session answers 401, which shows the login prompt. The
 * probe is the header's health check itself, so a server gone reads "unreachable" at once, not "healthy"
 * beside "disconnected" until its next check, up to 15 s later (trial 38).
 */
function probe(queryClient: QueryClient): void {
  if (queryClient.getQueryState(keys.health)) {
    void queryClient.refetchQueries({ queryKey: keys.health });
  } else {
    void apiRequest('/health').catch(() => undefined);
  }
}

export function StreamProvider({ children, EventSourceImpl }: { children: ReactNode; EventSourceImpl?: EventSourceFactory }) {
  const signedIn = useSession() === 'signed-in';
  const queryClient = useQueryClient();
  const stream = useEventStream({ signedIn, queryClient, EventSourceImpl, onDown: () => probe(queryClient) });
  return <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>;
}

export function useStream(): EventStream {
  return useContext(StreamContext);
}
