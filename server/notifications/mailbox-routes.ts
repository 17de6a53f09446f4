import express from 'express';
import { AppError } from '../platform/errors.ts';
import { escapeHtml } from './format.ts';
import type { MailboxTransport, StoredMail } from './mailbox.ts';

/**
 * §12 development mailbox: `GET /dev/mailbox` lists the kept emails, `/dev/mailbox/<id>` shows
 * one (text, HTML in a sandboxed frame, attachments), `/dev/mailbox.json` serves them to tests.
 * Mounted only outside production and only when no SMTP server is configured.
 */
export function mailboxRoutes(mailbox: MailboxTransport): express.Router {
  const router = express.Router();
  const noStore = (res: express.Response) => res.set('Cache-Control', 'no-store');

  router.get('/dev/mailbox.json', async (_req, res) => {
    noStore(res).json({ messages: await mailbox.list() });
  });

  router.get('/dev/mailbox', async (_req, res) => {
    const messages = await mailbox.list();
    const rows = messages
      .map(
        (mail) =>
          `<tr><td>${escapeHtml(mail.date)}</td><td>${escapeHtml(mail.to)}</td><td><a href="/dev/mailbox/${mail.id}">${escapeHtml(mail.subject)}</a></td><td>${escapeHtml(mail.event)}</td><td>${mail.attachments.map((a) => escapeHtml(a.filename)).join(', ')}</td></tr>`,
      )
      .join('\n');
    noStore(res)
      .type('html')
      .send(
        page(
          'Mailbox',
          `<h1>Local mailbox (${messages.length})</h1>
<p>Emails the platform would have sent; set SMTP_URL to send them for real.</p>
<table><thead><tr><th>Date (UTC)</th><th>To</th><th>Subject</th><th>Event</th><th>Attachments</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No email yet.</td></tr>'}
</tbody></table>`,
        ),
      );
  });

  router.get('/dev/mailbox/:id.eml', async (req, res) => {
    const raw = await mailbox.readRaw(req.params['id']);
    if (!raw) throw new AppError(404, 'not_found', 'Email not found.');
    noStore(res).type('message/rfc822').set('Content-Disposition', `attachment; filename="${req.params['id']}.eml"`).send(raw);
  });

  router.get('/dev/mailbox/:id/attachments/:index', async (req, res) => {
    const mail = await mailbox.read(req.params['id']);
    const attachment = mail?.attachments[Number(req.params['index'])];
    if (!attachment) throw new AppError(404, 'not_found', 'Attachment not found.');
    noStore(res)
      .type(attachment.contentType)
      .set('Content-Disposition', `attachment; filename="${attachment.filename.replace(/[^\w.-]/g, '_')}"`)
      .send(attachment.content);
  });

  router.get('/dev/mailbox/:id', async (req, res) => {
    const mail = await mailbox.read(req.params['id']);
    if (!mail) throw new AppError(404, 'not_found', 'Email not found.');
    noStore(res)
      .type('html')
      .send(page(mail.subject, messageView(mail)));
  });

  return router;
}

function messageView(mail: StoredMail): string {
  const attachments = mail.attachments
    .map((a, index) => `<li><a href="/dev/mailbox/${mail.id}/attachments/${index}">${escapeHtml(a.filename)}</a> (${escapeHtml(a.contentType)})</li>`)
    .join('');
  return `<p><a href="/dev/mailbox">← Mailbox</a> · <a href="/dev/mailbox/${mail.id}.eml">.eml</a></p>
<h1>${escapeHtml(mail.subject)}</h1>
<dl><dt>From</dt><dd>${escapeHtml(mail.from)}</dd><dt>To</dt><dd>${escapeHtml(mail.to)}</dd><dt>Date</dt><dd>${escapeHtml(mail.date)}</dd><dt>Event</dt><dd>${escapeHtml(mail.event)}</dd></dl>
${attachments ? `<h2>Attachments</h2><ul>${attachments}</ul>` : ''}
<h2>HTML</h2>
<iframe sandbox title="HTML version" srcdoc="${escapeHtml(mail.html)}" style="width:100%;height:480px;border:1px solid #ccc"></iframe>
<h2>Text</h2>
<pre style="white-space:pre-wrap">${escapeHtml(mail.text)}</pre>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>
</head><body>${body}</body></html>`;
}
