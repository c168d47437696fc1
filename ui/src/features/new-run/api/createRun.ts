import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';
import type { Run, RunCreate } from '@/lib/api/types';

export function useCreateRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RunCreate) => api.post<Run>('/runs', body),
    onSuccess: (run) => {
      queryClient.setQueryData(keys.run.detail(run.id), run);
      void queryClient.invalidateQueries({ queryKey: keys.runs.all });
    },
  });
}
