import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { MailMessage, MailTransport } from './transport.ts';

/** An SMTP server that does not answer within this time fails the send; the caller retries later. */
const SMTP_TIMEOUT_MS = 30_000;

/** §10: real email through any SMTP server named by `SMTP_URL` (smtp:// or smtps://user:pass@host:port). */
export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  readonly #transporter: Transporter;

  constructor(smtpUrl: string) {
    const url = new URL(smtpUrl);
    this.#transporter = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
  }

  async send(message: MailMessage): Promise<void> {
    await this.#transporter.sendMail(toNodemailer(message));
  }

  async close(): Promise<void> {
    this.#transporter.close();
  }
}

export function toNodemailer(message: MailMessage): SendMailOptions {
  return {
    messageId: message.messageId,
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    date: message.date,
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      contentType: attachment.contentType,
    })),
  };
}
