import type { NotificationEvent } from './notifier.ts';
import { escapeHtml, safeUrl, type Language, type NotificationData } from './format.ts';
import { TEMPLATES, type RenderedTemplate } from './templates.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const GREETING: Record<Language, (name: string) => string> = { fr: (name) => `Bonjour ${name},`, en: (name) => `Hello ${name},` };
const SIGNATURE: Record<Language, string> = { fr: 'L’équipe Consulto', en: 'The Consulto team' };
const FOOTER: Record<Language, string> = {
  fr: 'Vous recevez cet email parce que vous avez un compte Consulto.',
  en: 'You receive this email because you have a Consulto account.',
};

/** Renders one event in one language as plain text and simple HTML (inline styles only, every value escaped). */
export function renderEmail(
  event: NotificationEvent,
  input: { language: Language; publicUrl: string; recipient: { firstName: string; lastName: string }; data: NotificationData },
): RenderedEmail {
  const template: RenderedTemplate = TEMPLATES[event][input.language](input);
  const greeting = GREETING[input.language](input.recipient.firstName);
  const actionUrl = safeUrl(template.action?.url);
  const text = [
    greeting,
    ...template.paragraphs,
    ...(template.action && actionUrl ? [`${template.action.label}${input.language === 'fr' ? ' : ' : ': '}${actionUrl}`] : []),
    SIGNATURE[input.language],
    `--\n${FOOTER[input.language]} ${input.publicUrl}`,
  ].join('\n\n');
  const paragraph = (content: string) => `<p style="margin:0 0 16px 0;">${escapeHtml(content)}</p>`;
  const button =
    template.action && actionUrl
      ? `<p style="margin:24px 0;"><a href="${escapeHtml(actionUrl)}" style="display:inline-block;padding:10px 18px;border-radius:6px;background:#0b6e4f;color:#ffffff;text-decoration:none;font-weight:bold;">${escapeHtml(template.action.label)}</a></p>`
      : '';
  const html = `<!doctype html>
<html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(template.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f8fa;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;">
<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px;">
${paragraph(greeting)}
${template.paragraphs.map(paragraph).join('\n')}
${button}
${paragraph(SIGNATURE[input.language])}
<p style="margin:24px 0 0 0;font-size:12px;color:#57606a;">${escapeHtml(FOOTER[input.language])}</p>
</div>
</body></html>
`;
  return { subject: template.subject, text, html };
}
