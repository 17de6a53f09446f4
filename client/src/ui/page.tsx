import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { pageHeadingDrawn } from './focus.ts';

interface PageLayoutProps {
  title: string;
  /** A one-time message left by the previous page, announced politely. */
  notice?: string | undefined;
  /** A wider page (dashboards, the call) instead of the reading column. */
  wide?: boolean;
  children?: ComponentChildren;
}

/**
 * Every page starts with one <h1> that takes focus after a navigation (tabindex=-1:
 * focusable by script, not a tab stop); the tab's title follows it.
 */
export function PageLayout({ title, notice, wide, children }: PageLayoutProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Consulto`;
  }, [title]);
  useEffect(() => pageHeadingDrawn(heading.current), []);
  return (
    <div class={wide ? 'page page-wide' : 'page'}>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {children}
    </div>
  );
}
