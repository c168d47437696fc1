import { useEffect } from 'react';

export const APP_TITLE = 'Weaver';

/** "Runs · Weaver": what the page shows, first, so tabs and history tell pages apart. */
export function pageTitle(title: string | null | undefined): string {
  const text = title?.trim();
  return text ? `${text} · ${APP_TITLE}` : APP_TITLE;
}

/** Sets the tab's title while the page is shown; the previous one comes back when it goes. */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    const previous = document.title;
    document.title = pageTitle(title);
    return () => {
      document.title = previous;
    };
  }, [title]);
}
