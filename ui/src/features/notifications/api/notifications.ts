import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api/client';
import { keys } from '@/lib/api/keys';

/** GET /notifications: the WEAVER_NOTIFY_URLS channels, masked by the server, with their last result. */
export interface Delivery {
  status: 'delivered' | 'failed';
  attempts: number;
  /** The event type it told of, or "test". */
  subject: string;
  detail: string | null;
  at: string;
}

export interface NotificationChannel {
  id: string;
  service: string;
  url: string;
  valid: boolean;
  position: number | null;
  last: Delivery | null;
}

export interface NotificationsView {
  channels: NotificationChannel[];
  events: string[];
}

export interface TestResult {
  id: string;
  service: string;
  url: string;
  delivered: boolean;
  detail: string | null;
}

export function useNotifications() {
  return useQuery({
    queryKey: keys.notifications,
    queryFn: ({ signal }) => api.get<NotificationsView>('/notifications', undefined, signal),
  });
}

/** POST /notifications/test: one message to every channel, each one's result in the answer. */
export function useSendTest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ results: TestResult[] }>('/notifications/test'),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.notifications }),
  });
}
