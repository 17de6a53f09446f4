import { useEffect, useState } from 'preact/hooks';
import { language } from './i18n/index.ts';

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
export function SiteNotices() {
  const [notices, setNotices] = useState<SiteNotice[]>([]);
  useEffect(() => {
    fetch('/api/notices', { headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? (response.json() as Promise<{ notices: SiteNotice[] }>) : { notices: [] }))
      .then((body) => setNotices(body.notices))
      .catch(() => undefined);
  }, []);
  if (notices.length === 0) return null;
  const french = language() === 'fr';
  return (
    <div class="site-notices" role="region" aria-label={french ? 'Informations' : 'Notices'}>
      {notices.map((notice) => (
        <p key={notice.id} class={`notice site-notice site-notice-${notice.level}`}>
          {french ? notice.messageFr : notice.messageEn}
        </p>
      ))}
    </div>
  );
}
