import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { MailNotifier } from '../../server/notifications/mail-notifier.ts';
import type { MailMessage, MailTransport } from '../../server/notifications/transport.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient } from '../support/fixtures.ts';

/** A transport that fails its first `failures` sends, like an SMTP server that is briefly down. */
class FlakyTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  readonly sent: MailMessage[] = [];
  #failures: number;
  constructor(failures: number) {
    this.#failures = failures;
  }
  async send(message: MailMessage): Promise<void> {
    if (this.#failures-- > 0) throw new Error('451 try again later');
    this.sent.push(message);
  }
  async close(): Promise<void> {}
}

describe('§10 delivery: failures, retries and crashes', () => {
  let platform: TestPlatform;
  const clock = new ManualClock();
  before(async () => {
    platform = await startTestPlatform({ clock });
  });
  after(() => platform.close());

  const notifierWith = (transport: MailTransport) =>
    new MailNotifier({
      db: platform.db,
      clock,
      transport,
      from: 'Consulto <no-reply@consulto.example>',
      publicUrl: 'https://consulto.example',
      logger: createLogger('silent'),
    });

  it('a failed send throws (the job retries) and the retry sends exactly once', async () => {
    const client = await signUpClient(platform.http);
    const transport = new FlakyTransport(1);
    const notifier = notifierWith(transport);
    const notification = {
      event: 'payout_paid' as const,
      userId: client.user.id,
      idempotencyKey: `payout_paid:${client.user.id}`,
      data: { amountCents: 5000 },
    };
    let failure: unknown;
    await notifier.notify(notification).catch((error) => (failure = error));
    expect(String(failure)).to.include('451');
    await notifier.notify(notification);
    await notifier.notify(notification);
    expect(transport.sent).to.have.length(1);
    expect(transport.sent[0]!.messageId).to.match(/^<[0-9a-f]{32}@consulto\.example>$/);
    expect(transport.sent[0]!.to).to.equal(client.user.email);
  });

  it('a send interrupted by a crash is retried only after its lease, with the same Message-ID', async () => {
    const client = await signUpClient(platform.http);
    const key = `payout_failed:${client.user.id}`;
    // What a process that died inside transport.send leaves behind: a claimed, unsent row.
    await platform.db.query(
      `INSERT INTO notifications_sent (idempotency_key, event, user_id, status, message_id, claimed_at, created_at)
       VALUES ($1, 'payout_failed', $2, 'sending', '<x@consulto.example>', $3, $3)`,
      [key, client.user.id, clock.now()],
    );
    const transport = new FlakyTransport(0);
    const notifier = notifierWith(transport);
    const notification = { event: 'payout_failed' as const, userId: client.user.id, idempotencyKey: key, data: { amountCents: 5000 } };
    await notifier.notify(notification);
    expect(transport.sent, 'inside the lease another worker may still be sending').to.have.length(0);
    clock.advance(5 * 60_000);
    await notifier.notify(notification);
    expect(transport.sent).to.have.length(1);
    const [row] = await platform.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM notifications_sent WHERE idempotency_key = $1', [
      key,
    ]);
    expect(row).to.deep.equal({ status: 'sent', attempts: 2 });
  });

  it('sends nothing to a closed account (ACC-8) and refuses an unknown recipient or event', async () => {
    const client = await signUpClient(platform.http);
    await platform.db.query(`UPDATE users SET status = 'closed' WHERE id = $1`, [client.user.id]);
    const transport = new FlakyTransport(0);
    const notifier = notifierWith(transport);
    await notifier.notify({ event: 'payout_paid', userId: client.user.id, idempotencyKey: `closed:${client.user.id}`, data: {} });
    expect(transport.sent).to.have.length(0);
    let unknownUser: unknown;
    await notifier
      .notify({ event: 'payout_paid', userId: '00000000-0000-4000-8000-000000000000', idempotencyKey: 'k1', data: {} })
      .catch((error) => (unknownUser = error));
    expect(unknownUser).to.be.instanceOf(Error);
    let unknownEvent: unknown;
    await notifier.notify({ event: 'no_such_event' as never, userId: client.user.id, idempotencyKey: 'k2', data: {} }).catch((error) => (unknownEvent = error));
    expect(unknownEvent).to.be.instanceOf(RangeError);
  });
});

describe('§12 email configuration', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/consulto-config-test', JWT_SECRET: 'x'.repeat(32) };
  it('accepts smtp:// and smtps:// URLs and a sender, with a default sender', () => {
    expect(loadConfig({ ...base }).mail).to.deep.equal({ smtpUrl: undefined, from: 'Consulto <no-reply@consulto.localhost>' });
    const config = loadConfig({ ...base, SMTP_URL: 'smtps://user:pass@mail.example.com:465', MAIL_FROM: 'Consulto <hello@consulto.fr>' });
    expect(config.mail).to.deep.equal({ smtpUrl: 'smtps://user:pass@mail.example.com:465', from: 'Consulto <hello@consulto.fr>' });
    expect(loadConfig({ ...base, MAIL_FROM: 'hello@consulto.fr' }).mail.from).to.equal('hello@consulto.fr');
  });

  it('stops with a message naming the variable for a bad SMTP_URL or MAIL_FROM', () => {
    for (const [name, value] of [
      ['SMTP_URL', 'http://mail.example.com'],
      ['SMTP_URL', 'not a url'],
      ['MAIL_FROM', 'nobody'],
      ['MAIL_FROM', 'Consulto <a@b.c>\r\nBcc: everyone@example.com'],
    ] as const) {
      expect(() => loadConfig({ ...base, [name]: value }), `${name}=${value}`).to.throw(ConfigError, name);
    }
  });
});
