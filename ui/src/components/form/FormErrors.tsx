import { ErrorBanner } from '@/components/ui/Feedback';
import { isApiError } from '@/lib/api/client';

export interface FormErrorsProps {
  /** The last submit's failure; shown as a banner unless it is a 422 whose errors sit at their fields. */
  serverError: unknown;
  /** The banner's title, e.g. "The sweep was not launched". */
  title: string;
  /** Field errors no rendered field claims (see `unclaimed`), listed by path. */
  leftover: Array<[string, string]>;
}

/** What a launch form shows above its fields when a submit fails: the general error and the unplaced field errors. */
export function FormErrors({ serverError, title, leftover }: FormErrorsProps) {
  const general = serverError && !(isApiError(serverError) && Object.keys(serverError.fieldErrors ?? {}).length)
    ? serverError : null;
  return (
    <>
      <ErrorBanner error={general} title={title} />
      {leftover.length ? (
        <div className="banner error" role="alert" data-testid="form-errors">
          {leftover.map(([path, message]) => <div key={path}><code>{path || 'request'}</code>: {message}</div>)}
        </div>
      ) : null}
    </>
  );
}
