import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';

/** A page that throws shows this inside the shell, instead of a blank screen. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}`
    : error instanceof Error ? error.message : String(error);
  return (
    <div className="page">
      <div className="banner error" role="alert" data-testid="route-error">
        <strong>This page failed to render.</strong> {message}
        <div className="meta">Reload the page, or <Link to="/">go back to the runs</Link>. The browser console has details.</div>
      </div>
    </div>
  );
}
