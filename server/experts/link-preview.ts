import type { PublicExpertProfile } from './public-profile.ts';

/**
 * Link previews: a consultation URL (or a referral signup URL) pasted into a messaging app or a
 * social network shows a card with the expert's photo, name, headline and price. The web client
 * draws in the browser, so the server writes these Open Graph and Twitter card tags into the
 * HTML it sends. Only a published, active expert gets a card; anyone else gets the site's own.
 */

const SITE_NAME = 'Consulto';
const SITE_DESCRIPTION = 'Consultations vidéo et téléphone avec des experts indépendants, payées à la minute ou au forfait.';
/** The reference market is France: previews are written in French. */
const LOCALE = 'fr-FR';
const OG_LOCALE = 'fr_FR';

export type PreviewedPage = 'consultation' | 'referral';

/** `&`, `<`, `>` and both quotes: safe in an attribute and in text alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const money = (cents: number) => new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR' }).format(cents / 100);

/** "Vidéo : 2,00 € la minute · Téléphone : 2,50 € la minute", or the cheapest package. */
export function priceSummary(pricing: PublicExpertProfile['pricing']): string {
  const rates = [
    pricing.videoRatePerMinuteCents !== null ? `Vidéo : ${money(pricing.videoRatePerMinuteCents)} la minute` : undefined,
    pricing.phoneRatePerMinuteCents !== null ? `Téléphone : ${money(pricing.phoneRatePerMinuteCents)} la minute` : undefined,
  ].filter((rate): rate is string => rate !== undefined);
  if (rates.length > 0) return rates.join(' · ');
  const cheapest = Math.min(...pricing.packages.map((offer) => offer.priceCents));
  return Number.isFinite(cheapest) ? `Forfaits à partir de ${money(cheapest)}` : '';
}

interface Preview {
  title: string;
  description: string;
  url: string | undefined;
  type: 'website' | 'profile';
  image: { url: string; alt: string } | undefined;
}

/** The site's own card: every page that is not a published expert's. */
export function siteHead(): string {
  return headTags({ title: SITE_NAME, description: SITE_DESCRIPTION, url: undefined, type: 'website', image: undefined });
}

/** The expert's card, or the site's when the page must not show one (unknown, unpublished, suspended). */
export function expertHead(profile: PublicExpertProfile | undefined, page: PreviewedPage, publicUrl: string): string {
  if (!profile?.published) return siteHead();
  const name = `${profile.firstName} ${profile.lastName}`;
  const price = priceSummary(profile.pricing);
  const about = [profile.headline, price].filter(Boolean).join(' — ');
  const preview: Preview =
    page === 'consultation'
      ? { title: `${name} — consultation en ligne`, description: about, url: profile.consultationUrl, type: 'profile', image: undefined }
      : {
          title: `Rejoignez ${SITE_NAME} sur l’invitation de ${name}`,
          description: `${name}${profile.headline ? `, ${profile.headline},` : ''} vous invite à proposer vos consultations sur ${SITE_NAME}. ${price}`.trim(),
          url: `${publicUrl}/inscription/${encodeURIComponent(profile.slug)}`,
          type: 'website',
          image: undefined,
        };
  preview.image = profile.photoUrl ? { url: profile.photoUrl, alt: `Photo de ${name}` } : undefined;
  return headTags(preview);
}

function headTags(preview: Preview): string {
  const tags: [string, string, string][] = [
    ['property', 'og:site_name', SITE_NAME],
    ['property', 'og:locale', OG_LOCALE],
    ['property', 'og:type', preview.type],
    ['property', 'og:title', preview.title],
    ['property', 'og:description', preview.description],
    ['name', 'twitter:card', 'summary'],
    ['name', 'twitter:title', preview.title],
    ['name', 'twitter:description', preview.description],
  ];
  if (preview.url) tags.push(['property', 'og:url', preview.url]);
  if (preview.image) {
    tags.push(
      ['property', 'og:image', preview.image.url],
      ['property', 'og:image:alt', preview.image.alt],
      ['name', 'twitter:image', preview.image.url],
      ['name', 'twitter:image:alt', preview.image.alt],
    );
  }
  const lines = [
    `<title>${escapeHtml(preview.title === SITE_NAME ? SITE_NAME : `${preview.title} · ${SITE_NAME}`)}</title>`,
    `<meta name="description" content="${escapeHtml(preview.description)}" />`,
  ];
  if (preview.url) lines.push(`<link rel="canonical" href="${escapeHtml(preview.url)}" />`);
  for (const [attribute, name, content] of tags) lines.push(`<meta ${attribute}="${name}" content="${escapeHtml(content)}" />`);
  return lines.join('\n    ');
}

const CONSULTATION_PATH = /^\/consultation\/([^/]+)\/?$/;
/** `/inscription/client` and `/inscription/expert` are the plain sign-up pages, not a sponsor's. */
const REFERRAL_PATH = /^\/inscription\/(?!(?:client|expert)\/?$)([^/]+)\/?$/;
/** Longer than any slug: not looked up. */
const SLUG_MAX_LENGTH = 200;

/** The head tags of an address the web client draws: the expert's card on their two pages, the site's elsewhere. */
export function linkPreviewHeads(deps: {
  publicUrl: string;
  readProfile: (slug: string) => Promise<PublicExpertProfile | undefined>;
}): (path: string) => Promise<string> {
  return async (path) => {
    const consultation = CONSULTATION_PATH.exec(path);
    const referral = consultation ? undefined : REFERRAL_PATH.exec(path);
    const encoded = (consultation ?? referral)?.[1];
    if (!encoded) return siteHead();
    let slug: string;
    try {
      slug = decodeURIComponent(encoded);
    } catch {
      return siteHead();
    }
    if (slug.length > SLUG_MAX_LENGTH) return siteHead();
    return expertHead(await deps.readProfile(slug), consultation ? 'consultation' : 'referral', deps.publicUrl);
  };
}
