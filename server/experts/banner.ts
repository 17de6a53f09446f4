import { escapeHtml } from '../notifications/format.ts';

/**
 * EXP-3 and REF-1: copy-paste HTML snippets that work pasted into any third-party page. Hence:
 * no script, no stylesheet or class (the host page's CSS must not matter), inline styles only,
 * absolute URLs only, and every value escaped (an expert's headline is user input shown on
 * someone else's site).
 */
export type BannerLanguage = 'fr' | 'en';

export interface BannerExpert {
  firstName: string;
  lastName: string;
  headline: string;
  /** Absolute http(s) URL of the photo, or null when the expert has none yet. */
  photoUrl: string | null;
}

const CONSULT_LABEL: Record<BannerLanguage, string> = { fr: 'Consulter maintenant', en: 'Consult now' };
const SIGNUP_TITLE: Record<BannerLanguage, string> = { fr: 'Devenez expert sur Consulto', en: 'Become an expert on Consulto' };
const SIGNUP_TEXT: Record<BannerLanguage, (name: string) => string> = {
  fr: (name) => `Recommandé par ${name}. Vendez vos consultations en vidéo ou par téléphone.`,
  en: (name) => `Recommended by ${name}. Sell your consultations by video or phone.`,
};
const SIGNUP_LABEL: Record<BannerLanguage, string> = { fr: 'Créer mon espace expert', en: 'Create my expert space' };

const FRAME_STYLE =
  'display:inline-block;box-sizing:border-box;max-width:380px;padding:14px 16px;border:1px solid #d0d7de;border-radius:12px;background:#ffffff;color:#1f2328;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.4;text-align:left;text-decoration:none;';
const PHOTO_STYLE = 'display:block;width:64px;height:64px;border:0;border-radius:50%;object-fit:cover;';
const INITIALS_STYLE =
  'display:block;width:64px;height:64px;border-radius:50%;background:#0b6e4f;color:#ffffff;font-size:24px;font-weight:bold;line-height:64px;text-align:center;';
const BUTTON_STYLE =
  'display:inline-block;margin-top:8px;padding:7px 14px;border-radius:6px;background:#0b6e4f;color:#ffffff;font-weight:bold;font-size:14px;text-decoration:none;';

export function consultationBanner(expert: BannerExpert, consultationUrl: string, language: BannerLanguage = 'fr'): string {
  const name = `${expert.firstName} ${expert.lastName}`;
  return frame({
    linkUrl: consultationUrl,
    expert,
    title: name,
    text: expert.headline,
    label: CONSULT_LABEL[language],
  });
}

export function signupBanner(sponsor: BannerExpert, signupUrl: string, language: BannerLanguage = 'fr'): string {
  const name = `${sponsor.firstName} ${sponsor.lastName}`;
  return frame({
    linkUrl: signupUrl,
    expert: sponsor,
    title: SIGNUP_TITLE[language],
    text: SIGNUP_TEXT[language](name),
    label: SIGNUP_LABEL[language],
  });
}

function frame(parts: { linkUrl: string; expert: BannerExpert; title: string; text: string; label: string }): string {
  const href = escapeHtml(absoluteHttpUrl(parts.linkUrl));
  const name = `${parts.expert.firstName} ${parts.expert.lastName}`;
  const picture = parts.expert.photoUrl
    ? `<img src="${escapeHtml(absoluteHttpUrl(parts.expert.photoUrl))}" alt="${escapeHtml(name)}" width="64" height="64" style="${PHOTO_STYLE}">`
    : `<span style="${INITIALS_STYLE}">${escapeHtml(initials(parts.expert))}</span>`;
  // A table lays out photo and text side by side in every browser and mail client without CSS support for flex.
  return [
    `<!-- Consulto banner: paste as is; it needs no script. -->`,
    `<a href="${href}" target="_blank" rel="noopener" style="${FRAME_STYLE}">`,
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;border:0;margin:0;"><tr>`,
    `<td style="padding:0 14px 0 0;vertical-align:top;border:0;">${picture}</td>`,
    `<td style="padding:0;vertical-align:top;border:0;">`,
    `<strong style="display:block;font-size:16px;color:#1f2328;">${escapeHtml(parts.title)}</strong>`,
    parts.text ? `<span style="display:block;color:#57606a;">${escapeHtml(parts.text)}</span>` : '',
    `<span style="${BUTTON_STYLE}">${escapeHtml(parts.label)}</span>`,
    `</td></tr></table>`,
    `</a>`,
  ]
    .filter(Boolean)
    .join('\n');
}

function initials(expert: BannerExpert): string {
  return `${[...expert.firstName][0] ?? ''}${[...expert.lastName][0] ?? ''}`.toUpperCase();
}

/** The snippet lives on other sites: a relative or non-http URL there would be broken or dangerous. */
function absoluteHttpUrl(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`banner URL ${value} is not http(s)`);
  return url.toString();
}
