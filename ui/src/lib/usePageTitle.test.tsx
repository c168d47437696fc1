import { render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { pageTitle, usePageTitle } from './usePageTitle';

function Page({ title }: { title: string | undefined }) {
  usePageTitle(title);
  return null;
}

describe('usePageTitle', () => {
  afterEach(() => {
    document.title = '';
  });

  it('names the page first, then Weaver', () => {
    expect(pageTitle('Runs')).toBe('Runs · Weaver');
    expect(pageTitle('  ')).toBe('Weaver');
    expect(pageTitle(undefined)).toBe('Weaver');
  });

  it('sets the title while the page is shown, follows it, and gives the previous one back', () => {
    document.title = 'Haro · Weaver';
    const { rerender, unmount } = render(<Page title="Run r-1" />);
    expect(document.title).toBe('Run r-1 · Weaver');
    rerender(<Page title="momentum, 2023" />);
    expect(document.title).toBe('momentum, 2023 · Weaver');
    unmount();
    expect(document.title).toBe('Haro · Weaver');
  });
});
