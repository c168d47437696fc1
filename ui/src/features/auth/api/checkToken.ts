import { apiRequest } from '@/lib/api/client';
import type { Health } from '@/lib/api/types';

/** A candidate token is good when an authenticated endpoint accepts it (a degraded deployment's
 *  503 from /health accepted it too: only 401 means a wrong token). */
export function checkToken(token: string): Promise<Health> {
  return apiRequest<Health>('/health', { token, keepTokenOn401: true, acceptStatuses: [503] });
}
