import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { RouterProvider } from 'react-router-dom';
import { LoginPrompt } from '@/features/auth/components/LoginPrompt';
import { useSession } from '@/lib/auth/useSession';
import { createQueryClient } from '@/lib/query-client';
import { StreamProvider } from '@/lib/stream/StreamProvider';
import { createRouter } from './router';

/** Signed out, only the login prompt; signed in, the app and its event stream. */
function Gate() {
  const session = useSession();
  const queryClient = useQueryClient();
  const router = useMemo(() => createRouter(), []);
  useEffect(() => {
    if (session === 'signed-out') queryClient.clear(); // nothing fetched in an ended session is kept
  }, [session, queryClient]);
  if (session === 'checking') return <p className="muted" role="status" style={{ padding: 24 }}>Connecting…</p>;
  if (session === 'signed-out') return <LoginPrompt />;
  return (
    <StreamProvider>
      <RouterProvider router={router} />
    </StreamProvider>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <Gate />
    </QueryClientProvider>
  );
}
