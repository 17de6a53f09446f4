import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation } from '../support/consultations.ts';
import type { StoredMail } from '../../server/notifications/mailbox.ts';

async function mailbox(platform: TestPlatform): Promise<StoredMail[]> {
  const response = await platform.http.get<{ messages: StoredMail[] }>('/dev/mailbox.json');
  expect(response.status).to.equal(200);
  return response.body.messages;
}

const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('§10 notifications over the local mailbox', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  it('EXP-1 emails the consultation URL to a new expert, in French by default', async () => {
    const expert = await signUpExpert(platform.http, { firstName: 'Élodie', lastName: 'Martin' });
    // The other email of the signup is the ACC-10 code (test/accounts/email-verification.test.ts).
    const mails = (await mailbox(platform)).filter((mail) => mail.to === expert.user.email && mail.event !== 'email_verification');
    expect(mails).to.have.length(1);
    const [welcome] = mails;
    expect(welcome!.event).to.equal('expert_welcome');
    expect(welcome!.subject).to.include('Bienvenue');
    const consultationUrl = `${platform.config.publicUrl}/consultation/${expert.user.slug}`;
    expect(expert.user.slug).to.equal('elodie-martin');
    expect(welcome!.text).to.include(consultationUrl);
    expect(welcome!.html).to.include(`href="${consultationUrl}"`);
    expect(welcome!.text).to.include(`${platform.config.publicUrl}/inscription/elodie-martin`);
  });

  it('EXP-1 writes the welcome email in English for an English-speaking expert', async () => {
    const expert = await signUpExpert(platform.http, { language: 'en' });
    const [welcome] = (await mailbox(platform)).filter((mail) => mail.to === expert.user.email && mail.event === 'expert_welcome');
    expect(welcome!.subject).to.equal('Welcome to Consulto: your consultation URL');
    expect(welcome!.text).to.match(/^Hello Camille,/);
  });

  it('keeps one .json and one .eml per message in DATA_DIR/mailbox, with no temporary file left', async () => {
    const files = readdirSync(join(platform.config.dataDir, 'mailbox'));
    expect(files.filter((file) => file.endsWith('.tmp'))).to.deep.equal([]);
    const json = files.filter((file) => file.endsWith('.json'));
    expect(json.length).to.be.greaterThan(0);
    expect(files.filter((file) => file.endsWith('.eml'))).to.have.length(json.length);
    const [first] = await mailbox(platform);
    const raw = await platform.http.get(`/dev/mailbox/${first!.id}.eml`);
    expect(raw.status).to.equal(200);
    expect(raw.body).to.include(`Subject: `);
    expect(raw.body).to.include('\r\n');
  });

  it('sends once per idempotency key: a retried job does not send twice', async () => {
    const client = await signUpClient(platform.http);
    const before = (await mailbox(platform)).length;
    const notification = {
      event: 'receipt_issued' as const,
      userId: client.user.id,
      idempotencyKey: `receipt_issued:test-${client.user.id}`,
      data: { receiptNumber: 'R-0001', amountCents: 2500, receiptUrl: 'https://consulto.example/r/1' },
    };
    await platform.services.notifier.notify(notification);
    await platform.services.notifier.notify(notification);
    await Promise.all([platform.services.notifier.notify(notification), platform.services.notifier.notify(notification)]);
    const after = await mailbox(platform);
    expect(after.length).to.equal(before + 1);
    const [row] = await platform.db.query<{ status: string }>('SELECT status FROM notifications_sent WHERE idempotency_key = $1', [
      notification.idempotencyKey,
    ]);
    expect(row!.status).to.equal('sent');
    expect(after.find((mail) => mail.to === client.user.email && mail.event === 'receipt_issued')!.text).to.include('25,00');
  });

  it('BOOK-6 attaches an .ics to a booking confirmation with the appointment in UTC', async () => {
    const expert = await signUpExpert(platform.http, { firstName: 'Jean', lastName: 'Valjean' });
    const client = await signUpClient(platform.http, { language: 'en', firstName: 'Ann', lastName: 'Smith' });
    const startAt = new Date('2026-12-10T14:00:00.000Z');
    const consultationId = await insertFinishedConsultation(platform, {
      expertId: expert.user.id,
      clientId: client.user.id,
      terms: freeRateVideoTerms(),
      status: 'cancelled',
      startAt,
      cancelledAt: platform.clock.now(),
      cancelledBy: 'client',
    });
    await platform.services.notifier.notify({
      event: 'booking_confirmed_client',
      userId: client.user.id,
      idempotencyKey: `booking_confirmed_client:${consultationId}`,
      data: { consultationId },
    });
    const mail = (await mailbox(platform)).find((m) => m.to === client.user.email && m.event === 'booking_confirmed_client')!;
    expect(mail.subject).to.equal('Consultation confirmed with Jean Valjean');
    expect(mail.attachments).to.have.length(1);
    const [ics] = mail.attachments;
    expect(ics!.filename).to.equal('consultation.ics');
    expect(ics!.contentType).to.match(/^text\/calendar/);
    const lines = unfold(ics!.content).split('\r\n');
    expect(lines).to.include(`UID:consultation-${consultationId}@localhost`);
    expect(lines).to.include('DTSTART:20261210T140000Z');
    expect(lines).to.include('DTEND:20261210T141500Z');
    expect(lines).to.include('SUMMARY:Consulto – Jean Valjean');
    expect(lines.some((line) => line.startsWith('URL:http'))).to.equal(true);
    expect(mail.text).to.include('15 minutes');

    // The expert's copy is in French (their language), with the same calendar event.
    await platform.services.notifier.notify({
      event: 'booking_confirmed_expert',
      userId: expert.user.id,
      idempotencyKey: `booking_confirmed_expert:${consultationId}`,
      data: { consultationId },
    });
    const expertMail = (await mailbox(platform)).find((m) => m.to === expert.user.email && m.event === 'booking_confirmed_expert')!;
    expect(expertMail.subject).to.equal('Nouveau rendez-vous avec Ann Smith');
    expect(unfold(expertMail.attachments[0]!.content)).to.include(`UID:consultation-${consultationId}@localhost`);

    // A reminder carries the event too; an immediate confirmation (no startAt) carries none.
    await platform.services.notifier.notify({
      event: 'appointment_reminder_24h',
      userId: client.user.id,
      idempotencyKey: `appointment_reminder_24h:${consultationId}`,
      data: { consultationId },
    });
    const reminder = (await mailbox(platform)).find((m) => m.to === client.user.email && m.event === 'appointment_reminder_24h')!;
    expect(reminder.attachments).to.have.length(1);
    await platform.services.notifier.notify({
      event: 'immediate_request_expert',
      userId: expert.user.id,
      idempotencyKey: `immediate_request_expert:test-${consultationId}`,
      data: { clientName: 'Ann Smith', mode: 'video', url: 'https://consulto.example/c/1' },
    });
    const immediate = (await mailbox(platform)).find((m) => m.to === expert.user.email && m.event === 'immediate_request_expert')!;
    expect(immediate.attachments).to.deep.equal([]);
  });

  it('shows the mailbox as an HTML page listing the messages', async () => {
    const page = await platform.http.get('/dev/mailbox');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    expect(page.body).to.include('Bienvenue sur Consulto');
    const [first] = await mailbox(platform);
    const one = await platform.http.get(`/dev/mailbox/${first!.id}`);
    expect(one.status).to.equal(200);
    expect(one.body).to.include('srcdoc=');
    expect((await platform.http.get('/dev/mailbox/not-an-id')).status).to.equal(404);
  });
});

describe('§12 the development mailbox is absent in production', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform({ environment: { NODE_ENV: 'production', DOCUMENTS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') } });
  });
  after(() => platform.close());

  it('answers 404 on /dev/mailbox and /dev/mailbox.json, and still keeps the email on disk', async () => {
    const expert = await signUpExpert(platform.http, {}, { verifyEmail: false });
    expect((await platform.http.get('/dev/mailbox')).status).to.equal(404);
    expect((await platform.http.get('/dev/mailbox.json')).status).to.equal(404);
    const [row] = await platform.db.query<{ status: string }>(`SELECT status FROM notifications_sent WHERE user_id = $1 AND event = 'expert_welcome'`, [
      expert.user.id,
    ]);
    expect(row!.status).to.equal('sent');
  });
});
