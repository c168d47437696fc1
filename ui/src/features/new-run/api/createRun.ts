import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/lib/api/client';
import { CreationKeys } from '@/lib/api/idempotency';
import { keys } from '@/lib/api/keys';
import type { Run, RunCreate } from '@/lib/api/types';

export function useCreateRun() {
  const queryClient = useQueryClient();
  const [creation] = useState(() => new CreationKeys());
  return useMutation({
    mutationFn: (body: RunCreate) => api.post<Run>('/runs', body, { 'Idempotency-Key': creation.keyFor(body) }),
    onSuccess: (run) => {
      creation.succeeded();
      queryClient.setQueryData(keys.run.detail(run.id), run);
      void queryClient.invalidateQueries({ queryKey: keys.runs.all });
    },
  });
}
