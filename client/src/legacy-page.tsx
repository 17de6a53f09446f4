/**
 * Pages still written with the DOM builder (`dom.ts`, `forms.ts`) shown inside the
 * Preact shell while they are ported to components. Such a page is drawn again on a
 * language change (what was typed is carried over) or when it calls `refresh()`.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { currentLanguage, t } from './i18n/index.ts';
import { h } from './dom.ts';
import { apiErrorMessage, restoreFields, snapshotFields } from './forms.ts';
import type { PageComponent, PageProps } from './router.ts';
import { pageHeadingDrawn } from './ui/focus.ts';

export type PageContext = PageProps;
/** A page drawn with the DOM builder: it returns its content. */
export type Page = (context: PageContext) => Node | Promise<Node>;

const redraws = new Set<() => void>();

/** Draws the current DOM-builder page again, leaving focus where it is. */
export function refresh(): Promise<void> {
  for (const redraw of redraws) redraw();
  return Promise.resolve();
}

export function legacy(page: Page): PageComponent {
  return function LegacyPage(props: PageProps) {
    const host = useRef<HTMLDivElement>(null);
    const languageNow = currentLanguage.value;
    const [generation, setGeneration] = useState(0);
    useEffect(() => {
      const redraw = () => setGeneration((value) => value + 1);
      redraws.add(redraw);
      return () => void redraws.delete(redraw);
    }, []);
    // Drawn in the same task as the render, as the page was before it sat in the shell.
    useLayoutEffect(() => {
      let current = true;
      const element = host.current!;
      const typed = element.firstChild ? snapshotFields(element) : undefined;
      element.setAttribute('aria-busy', 'true');
      void Promise.resolve()
        .then(() => page(props))
        .catch((error: unknown) => h('div', { class: 'page' }, h('h1', { tabindex: '-1' }, t('error.unexpected')), h('p', {}, apiErrorMessage(error))))
        .then((content) => {
          if (!current) return;
          element.replaceChildren(content);
          element.removeAttribute('aria-busy');
          if (typed) restoreFields(element, typed);
          const heading = element.querySelector('h1');
          if (heading?.textContent) document.title = `${heading.textContent} · Consulto`;
          pageHeadingDrawn(heading);
        });
      return () => {
        current = false;
      };
    }, [languageNow, generation, props.params, props.query, props.notice]);
    return <div class="legacy-page" ref={host} />;
  };
}
