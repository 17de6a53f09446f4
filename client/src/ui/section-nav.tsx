/**
 * The sections of a workspace (my account, the admin console) as links with their own
 * addresses: Back works, a section can be bookmarked, and the current one is marked for
 * assistive technology (`aria-current`). On a phone the strip scrolls inside itself, never
 * the page.
 */
import { currentLocation } from '../router.ts';
import './kit.css';

export interface SectionLink {
  href: string;
  label: string;
  /** Other addresses that belong to this section (a user's page belongs to "Users"). */
  alsoCurrentFor?: (pathname: string) => boolean;
}

export function SectionNav({ label, links }: { label: string; links: readonly SectionLink[] }) {
  const path = currentLocation.value.pathname;
  return (
    <nav class="section-nav" aria-label={label}>
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <a href={link.href} aria-current={path === link.href || link.alsoCurrentFor?.(path) ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
