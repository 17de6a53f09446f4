import { h } from '../dom.ts';

/**
 * Every page starts with one <h1> that the router focuses after a navigation
 * (tabindex=-1: focusable by script, not a tab stop), and an optional notice
 * left by the previous page, announced politely.
 */
export function pageLayout(title: string, notice: string | undefined, ...children: (Node | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'page' },
    h('h1', { tabindex: '-1' }, title),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    children,
  );
}

export function link(href: string, text: string, className?: string): HTMLAnchorElement {
  return h('a', { href, class: className }, text);
}
