import { apiRequest } from '@/lib/api/client';
import type { Health } from '@/lib/api/types';

/** A candidate token is good when an authenticated endpoint accepts it. */
export function checkToken(token: string): Promise<Health> {
  return apiRequest<Health>('/health', { token, keepTokenOn401: true });
}
