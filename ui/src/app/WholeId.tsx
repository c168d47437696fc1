/**
 * An address with a short id opens the page: `weaver runs list` prints ids cut to 8 characters, and
 * `/runs/1a2b3c4d` was a page that said nothing could be loaded. The API gives the whole id the prefix
 * starts (GET /ids/{kind}/{text}) and the address is replaced by the whole one; none or several is
 * said here, with links to the several. A whole id goes straight to the page.
 */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation, useParams } from 'react-router-dom';
import { EmptyState, Loading } from '@/components/ui/Feedback';
import { api, isApiError } from '@/lib/api/client';

export type IdKind = 'runs' | 'sweeps' | 'walkforwards';
const WHOLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOUN: Record<IdKind, string> = { runs: 'run', sweeps: 'sweep', walkforwards: 'walk-forward' };

export function WholeId({ kind, param, children }: { kind: IdKind; param: string; children: ReactNode }) {
  const text = useParams()[param] ?? '';
  const { search, hash } = useLocation();
  const short = !WHOLE.test(text);
  const lookup = useQuery({
    queryKey: ['ids', kind, text],
    queryFn: ({ signal }) => api.get<{ kind: IdKind; id: string }>(`/ids/${kind}/${encodeURIComponent(text)}`,
      undefined, signal),
    enabled: short,
  });
  if (!short || lookup.data?.id === text) return <>{children}</>;
  if (lookup.data) return <Navigate replace to={`/${kind}/${lookup.data.id}${search}${hash}`} />;
  if (lookup.error) {
    const ids = isApiError(lookup.error) && Array.isArray(lookup.error.details.ids)
      ? (lookup.error.details.ids as string[]) : [];
    return (
      <EmptyState title={`No ${NOUN[kind]} ${text}`} testId="whole-id-problem">
        <p>{lookup.error.message}</p>
        {ids.length ? (
          <ul>{ids.map((id) => <li key={id}><Link to={`/${kind}/${id}${search}${hash}`}><code>{id}</code></Link></li>)}</ul>
        ) : null}
      </EmptyState>
    );
  }
  return <Loading label={`Looking up the ${NOUN[kind]} ${text}…`} />;
}
