import type { ComponentChildren } from 'preact';
import { kitText } from './kit-messages.ts';

/**
 * A wide table that scrolls inside itself when the screen is narrower than it, never the page.
 * Keyboard users can scroll it too: it takes focus and is named after the table.
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // A region with a name, focusable so arrow keys scroll it (WCAG 2.1.1).
    <div class="table-scroll" role="region" aria-label={kitText('table', { name: label })} tabIndex={0}>
      {children}
    </div>
  );
}
