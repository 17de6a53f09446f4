import { h } from '../dom.ts';
import { language, onLanguageChange } from '../i18n/index.ts';

interface SiteNotice {
  id: string;
  messageFr: string;
  messageEn: string;
  level: 'info' | 'warning';
}

/**
 * TRUST-4: the notices an admin publishes, shown above every page in the reader's language.
 * A failure to load them hides the bar: the site works without it.
 */
export function siteNoticeBar(): HTMLElement {
  const bar = h('div', { class: 'site-notices', role: 'region', 'aria-label': 'Informations', hidden: true });
  let notices: SiteNotice[] = [];
  const draw = () => {
    bar.setAttribute('aria-label', language() === 'fr' ? 'Informations' : 'Notices');
    bar.hidden = notices.length === 0;
    bar.replaceChildren(...notices.map((notice) => h('p', { class: `notice site-notice site-notice-${notice.level}` }, language() === 'fr' ? notice.messageFr : notice.messageEn)));
  };
  fetch('/api/notices', { headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? (response.json() as Promise<{ notices: SiteNotice[] }>) : { notices: [] }))
    .then((body) => {
      notices = body.notices;
      draw();
    })
    .catch(() => undefined);
  onLanguageChange(draw);
  return bar;
}
