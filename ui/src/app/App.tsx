import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { RouterProvider } from 'react-router-dom';
import { LoginPrompt } from '@/features/auth/components/LoginPrompt';
import { useToken } from '@/lib/auth/useToken';
import { createQueryClient } from '@/lib/query-client';
import { StreamProvider } from '@/lib/stream/StreamProvider';
import { createRouter } from './router';

/** Without a token, only the login prompt; with one, the app and its event stream. */
function Gate() {
  const token = useToken();
  const queryClient = useQueryClient();
  const router = useMemo(() => createRouter(), []);
  useEffect(() => {
    if (!token) queryClient.clear(); // nothing fetched with a refused token is kept
  }, [token, queryClient]);
  if (!token) return <LoginPrompt />;
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
