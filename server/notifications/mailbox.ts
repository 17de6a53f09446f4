import nodemailer from 'nodemailer';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../platform/logger.ts';
import { toNodemailer } from './smtp-transport.ts';
import type { MailAttachment, MailMessage, MailTransport } from './transport.ts';

/** The development page lists the newest messages only; older ones stay on disk. */
export const MAILBOX_LIST_LIMIT = 500;
const MAILBOX_ID = /^[a-f0-9]{32}$/;

export interface StoredMail {
  id: string;
  messageId: string;
  event: string;
  date: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

/**
 * §10, §12: without SMTP_URL every email is kept in `DATA_DIR/mailbox/` (one JSON file for the
 * development page and the tests, one .eml as it would have been sent) and logged. Files are
 * named after the Message-ID, so a retried send replaces the same message instead of adding one,
 * and written to a temporary name then renamed: a reader never sees half a message.
 */
export class MailboxTransport implements MailTransport {
  readonly kind = 'mailbox' as const;
  readonly directory: string;
  readonly #logger: Logger;
  readonly #builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  constructor(directory: string, logger: Logger) {
    this.directory = directory;
    this.#logger = logger;
  }

  async send(message: MailMessage): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const id = mailboxId(message.messageId);
    const built = await this.#builder.sendMail(toNodemailer(message));
    const stored: StoredMail = {
      id,
      messageId: message.messageId,
      event: message.event,
      date: message.date.toISOString(),
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      attachments: message.attachments,
    };
    await writeAtomically(join(this.directory, `${id}.eml`), built.message as Buffer);
    await writeAtomically(join(this.directory, `${id}.json`), JSON.stringify(stored, null, 2));
    this.#logger.info({ to: message.to, subject: message.subject, event: message.event, mailboxId: id }, 'email kept in the local mailbox');
  }

  async list(): Promise<StoredMail[]> {
    let files: string[];
    try {
      files = (await readdir(this.directory)).filter((file) => file.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const mails = await Promise.all(files.map((file) => readFile(join(this.directory, file), 'utf8').then((text) => JSON.parse(text) as StoredMail)));
    return mails.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.id.localeCompare(b.id))).slice(0, MAILBOX_LIST_LIMIT);
  }

  async read(id: string): Promise<StoredMail | undefined> {
    if (!MAILBOX_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.directory, `${id}.json`), 'utf8')) as StoredMail;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async readRaw(id: string): Promise<Buffer | undefined> {
    if (!MAILBOX_ID.test(id)) return undefined;
    try {
      return await readFile(join(this.directory, `${id}.eml`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#builder.close();
  }
}

function mailboxId(messageId: string): string {
  return createHash('sha256').update(messageId).digest('hex').slice(0, 32);
}

async function writeAtomically(path: string, content: string | Buffer): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
