import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { LANGUAGES, NOTIFICATION_EVENTS, TEMPLATES } from '../../server/notifications/templates.ts';
import { renderEmail } from '../../server/notifications/render.ts';

/** Every data key any template reads, so each renders its fullest form. */
const SAMPLE_DATA = {
  consultationId: '00000000-0000-4000-8000-000000000001',
  consultationUrl: 'https://consulto.example/consultation/camille-dubois',
  signupUrl: 'https://consulto.example/inscription/camille-dubois',
  slug: 'camille-dubois',
  url: 'https://consulto.example/consultations/1',
  expertName: 'Camille Dubois',
  clientName: 'Alice Bernard',
  counterpartName: 'Alice Bernard',
  recipientRole: 'expert',
  mode: 'phone',
  startAt: '2026-12-01T09:30:00.000Z',
  durationMinutes: 30,
  minutesToJoin: 5,
  cancelledBy: 'client',
  cancellationChargeCents: 1234,
  absentParty: 'client',
  chargeCents: 2000,
  penaltyCents: 150,
  fixBefore: '2026-12-01T07:30:00.000Z',
  receiptNumber: 'CD-2026-0001',
  amountCents: 7500,
  receiptUrl: 'https://consulto.example/receipts/1',
  status: 'refused',
  reason: 'Document illisible',
  resolution: 'rejected',
  refundCents: 0,
  reply: 'La consultation a eu lieu',
  mediatorUrl: 'https://mediateur.example',
  answerBefore: '2026-12-15T09:30:00.000Z',
  action: 'suspended',
  feePerMinuteCents: 18,
  effectiveFrom: '2027-01-01T00:00:00.000Z',
  previousStartAt: '2026-11-30T09:30:00.000Z',
  rescheduledBy: 'client',
  proposedStartAt: '2026-12-01T15:00:00.000Z',
  expiresAt: '2026-11-30T18:00:00.000Z',
};

describe('§10 templates: one per event, in French and in English', () => {
  const docs = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');

  for (const event of NOTIFICATION_EVENTS) {
    it(`${event}: renders a subject, text and HTML in both languages, and is listed in docs/notifications.md`, () => {
      expect(docs).to.include(`\`${event}\``);
      const rendered = LANGUAGES.map((language) =>
        renderEmail(event, { language, publicUrl: 'https://consulto.example', recipient: { firstName: 'Camille', lastName: 'Dubois' }, data: SAMPLE_DATA }),
      );
      for (const [index, email] of rendered.entries()) {
        expect(email.subject.trim(), `${event} ${LANGUAGES[index]} subject`).not.to.equal('');
        expect(email.text).to.match(LANGUAGES[index] === 'fr' ? /^Bonjour Camille,/ : /^Hello Camille,/);
        expect(email.html).to.include(`<html lang="${LANGUAGES[index]}">`);
        expect(email.text).not.to.match(/undefined|NaN|\[object/);
        expect(email.html).not.to.match(/undefined|NaN|\[object/);
        expect(email.html).not.to.match(/<script/i);
      }
      // Two languages, two texts: a missing translation would show the same subject twice.
      expect(rendered[0]!.subject).not.to.equal(rendered[1]!.subject);
    });
  }

  it('renders with no data at all (a caller that forgot a field gets a readable email, not a crash)', () => {
    for (const event of NOTIFICATION_EVENTS) {
      for (const language of LANGUAGES) {
        const email = renderEmail(event, { language, publicUrl: 'https://consulto.example', recipient: { firstName: 'A', lastName: 'B' }, data: {} });
        expect(email.text, `${event} ${language}`).not.to.match(/undefined|NaN/);
      }
    }
  });

  it('escapes every value in the HTML and never links a javascript: URL', () => {
    const email = renderEmail('booking_confirmed_expert', {
      language: 'fr',
      publicUrl: 'https://consulto.example',
      recipient: { firstName: '<b>Eve</b>', lastName: 'X' },
      data: { clientName: '<img src=x onerror=alert(1)>', url: 'javascript:alert(1)', mode: 'video' },
    });
    expect(email.html).not.to.include('<img src=x');
    expect(email.html).to.include('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).to.include('&lt;b&gt;Eve&lt;/b&gt;');
    expect(email.html).not.to.include('javascript:');
  });

  it('formats amounts and dates for each language (Paris time by default)', () => {
    const data = {
      cancelledBy: 'expert',
      recipientRole: 'client',
      cancellationChargeCents: 1234,
      startAt: '2026-12-01T09:30:00.000Z',
      durationMinutes: 30,
      mode: 'video',
    };
    const fr = renderEmail('consultation_cancelled', { language: 'fr', publicUrl: 'https://c.example', recipient: { firstName: 'A', lastName: 'B' }, data });
    const en = renderEmail('consultation_cancelled', { language: 'en', publicUrl: 'https://c.example', recipient: { firstName: 'A', lastName: 'B' }, data });
    expect(fr.text).to.include('12,34\u00a0€');
    expect(fr.text).to.include('10:30');
    expect(en.text).to.include('€12.34');
    expect(en.text).to.include('10:30');
    expect(Object.keys(TEMPLATES)).to.have.length(NOTIFICATION_EVENTS.length);
  });
});
