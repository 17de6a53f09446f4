/** What the notifications module hands to a mail transport: one rendered message. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  /** Text attachments only (.ics); binary documents are linked, never attached. */
  content: string;
}

export interface MailMessage {
  /** RFC 5322 Message-ID, derived from the idempotency key: a resend is recognisably the same message. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
  /** Which template produced it, for the development mailbox and the logs (not sent as a header). */
  event: string;
  date: Date;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'mailbox';
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
