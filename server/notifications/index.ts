import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { MailNotifier } from './mail-notifier.ts';
import { MailboxTransport } from './mailbox.ts';
import { SmtpTransport } from './smtp-transport.ts';
import type { MailTransport } from './transport.ts';

export type { Notifier, Notification, NotificationEvent } from './notifier.ts';
export { MailNotifier } from './mail-notifier.ts';
export { MailboxTransport } from './mailbox.ts';

/** §12: SMTP_URL set → real email through nodemailer; else the local mailbox in DATA_DIR/mailbox. */
export function createMailTransport(config: Pick<Config, 'dataDir' | 'mail'>, logger: Logger): MailTransport {
  return config.mail.smtpUrl ? new SmtpTransport(config.mail.smtpUrl) : new MailboxTransport(join(config.dataDir, 'mailbox'), logger);
}

export function createNotifier(deps: { config: Config; db: Database; clock: Clock; logger: Logger }): MailNotifier {
  const transport = createMailTransport(deps.config, deps.logger);
  return new MailNotifier({ db: deps.db, clock: deps.clock, transport, from: deps.config.mail.from, publicUrl: deps.config.publicUrl, logger: deps.logger });
}
