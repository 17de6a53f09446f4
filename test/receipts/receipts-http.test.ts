import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { pdfText } from './pdf-text.ts';

const NBSP = '\u00a0';

/** `3,48 €` → 348: reads back an amount printed the French way. */
const frenchCents = (printed: string) => Number(printed.replace(/[\s\u00a0€]/g, '').replace(',', ''));

describe('BILL-9 receipts over HTTP', () => {
  let platform: TestPlatform;
  const clock = new ManualClock('2026-11-23T09:00:00.000Z');
  let vatExpert: SignedUp;
  let exemptExpert: SignedUp;
  let client: SignedUp;
  let englishClient: SignedUp;
  let otherClient: SignedUp;
  let admin: SignedUp;
  let vatConsultationId: string;
  let exemptConsultationId: string;

  before(async () => {
    platform = await startTestPlatform({ clock });
    vatExpert = await signUpExpert(platform.http, {
      vatNumber: 'FR44732829320',
      siret: '73282932000074',
      status: 'sole_trader',
      firstName: 'Héloïse',
      lastName: "O'Brien",
    });
    exemptExpert = await signUpExpert(platform.http, { firstName: 'Marc', lastName: 'Petit' });
    client = await signUpClient(platform.http);
    englishClient = await signUpClient(platform.http, { language: 'en', firstName: 'John', lastName: 'Smith' });
    otherClient = await signUpClient(platform.http);
    admin = await signUpClient(platform.http);
    await platform.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);

    // BILL-2: round(200 × 125 / 60) = 417 cents.
    vatConsultationId = await insertFinishedConsultation(platform, {
      expertId: vatExpert.user.id,
      clientId: client.user.id,
      terms: freeRateVideoTerms(),
      connectedSeconds: 125,
    });
    await platform.services.settlements.settle(vatConsultationId);
    // BILL-5 one-third rule: 15 min for 75.00 €, 4 min used → 25.00 €.
    exemptConsultationId = await insertFinishedConsultation(platform, {
      expertId: exemptExpert.user.id,
      clientId: englishClient.user.id,
      terms: packageTerms(),
      connectedSeconds: 240,
    });
    await platform.services.settlements.settle(exemptConsultationId);
  });
  after(() => platform.close());

  const rawGet = async (path: string, token?: string) => {
    const response = await fetch(platform.http.baseUrl + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('gives the receipt as JSON: number, issue time and the frozen content', async () => {
    const response = await platform.http.get(`/api/consultations/${vatConsultationId}/receipt`, client.accessToken);
    expect(response.status).to.equal(200);
    expect(response.body.number).to.match(/^R000001-[0-9A-F]{8}$/);
    expect(response.body.issuedAt).to.equal('2026-11-23T09:00:00.000Z');
    expect(response.body.content.number).to.equal(response.body.number);
    expect(response.body.content.amounts).to.deep.include({ totalInclVatCents: 417, surchargeCents: 0, vatMention: null });
    expect(response.body.content.amounts.vat).to.deep.equal({ ratePercent: 20, amountExclVatCents: 348, vatCents: 69 });
  });

  it('prints HT + TVA = TTC for a VAT-registered expert, with the expert identity (HTML, French)', async () => {
    const response = await platform.http.get(`/api/consultations/${vatConsultationId}/receipt.html`, client.accessToken);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html; charset=utf-8/);
    const html: string = response.body;
    expect(html).to.include('<html lang="fr">');
    expect(html).to.include('Héloïse O&#39;Brien').and.include('Entrepreneur individuel');
    expect(html).to.include('SIRET').and.include('73282932000074').and.include('FR44732829320');
    expect(html).to.include('Alice Bernard').and.include('mandat de facturation');
    const amount = (label: string) => {
      const match = new RegExp(`<td>${label}</td><td class="num">([^<]+)</td>`).exec(html);
      expect(match, label).to.not.equal(null);
      return frenchCents(match![1]!);
    };
    const exclVat = amount('Total HT');
    const vat = amount(`TVA 20${NBSP}%`);
    const inclVat = amount('Total TTC');
    expect({ exclVat, vat, inclVat }).to.deep.equal({ exclVat: 348, vat: 69, inclVat: 417 });
    expect(exclVat + vat).to.equal(inclVat);
    expect(html).not.to.include('293 B');
  });

  it("prints the exemption mention for an expert without VAT number, in the reader's language (English)", async () => {
    const response = await platform.http.get(`/api/consultations/${exemptConsultationId}/receipt.html`, englishClient.accessToken);
    expect(response.status).to.equal(200);
    const html: string = response.body;
    expect(html).to.include('<html lang="en">').and.include('TVA non applicable, art. 293 B du CGI');
    expect(html).to.include('One-third rule').and.include('<td>Total</td><td class="num">€25.00</td>');
    expect(html).not.to.match(/Total excl\. VAT|VAT 20%/);
    // The expert reads the same receipt in French, their language.
    const expertView = await platform.http.get(`/api/consultations/${exemptConsultationId}/receipt.html`, exemptExpert.accessToken);
    expect(expertView.body).to.include('<html lang="fr">').and.include(`<td>Total TTC</td><td class="num">25,00${NBSP}€</td>`);
  });

  it('downloads the receipt as a PDF holding its number and total', async () => {
    const [json, response] = await Promise.all([
      platform.http.get(`/api/consultations/${vatConsultationId}/receipt`, client.accessToken),
      rawGet(`/api/consultations/${vatConsultationId}/receipt.pdf`, client.accessToken),
    ]);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/pdf');
    expect(response.headers.get('content-disposition')).to.equal(`attachment; filename="recu-${json.body.number}.pdf"`);
    expect(response.bytes.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    const text = pdfText(response.bytes);
    expect(text).to.include(json.body.number);
    expect(text).to.include(`4,17${NBSP}€`).and.include(`3,48${NBSP}€`).and.include(`0,69${NBSP}€`);
    // Same content, same bytes: a second download is identical.
    const again = await rawGet(`/api/consultations/${vatConsultationId}/receipt.pdf`, client.accessToken);
    expect(again.bytes.equals(response.bytes)).to.equal(true);
  });

  it('keeps printing what was frozen at issue when the expert later changes their profile', async () => {
    const renamed = await platform.http.request('PATCH', '/api/me', { token: vatExpert.accessToken, body: { firstName: 'Renamed' } });
    expect(renamed.status).to.equal(200);
    const html: string = (await platform.http.get(`/api/consultations/${vatConsultationId}/receipt.html`, client.accessToken)).body;
    expect(html).to.include('Héloïse O&#39;Brien').and.not.include('Renamed');
  });

  describe('access: the client, the expert and admins only', () => {
    const suffixes = ['', '.html', '.pdf'];

    it("lets the consultation's client, its expert and an admin read it", async () => {
      for (const suffix of suffixes) {
        for (const reader of [client, vatExpert, admin]) {
          const response = await rawGet(`/api/consultations/${vatConsultationId}/receipt${suffix}`, reader.accessToken);
          expect(response.status, `${reader.user.role} ${suffix}`).to.equal(200);
        }
      }
    });

    it('answers 404 to another client or expert, exactly as for a consultation that does not exist', async () => {
      for (const suffix of suffixes) {
        for (const stranger of [otherClient, exemptExpert]) {
          const response = await platform.http.get(`/api/consultations/${vatConsultationId}/receipt${suffix}`, stranger.accessToken);
          expect(response.status).to.equal(404);
          expect(response.body).to.deep.equal({ error: { code: 'not_found', message: 'Consultation not found.' } });
        }
        const unknown = await platform.http.get(`/api/consultations/00000000-0000-4000-8000-000000000000/receipt${suffix}`, client.accessToken);
        expect(unknown.status).to.equal(404);
        expect(unknown.body.error.code).to.equal('not_found');
        const notAnId = await platform.http.get(`/api/consultations/not-a-uuid/receipt${suffix}`, client.accessToken);
        expect(notAnId.status).to.equal(404);
      }
    });

    it('answers 401 without a token', async () => {
      for (const suffix of suffixes) {
        const response = await platform.http.get(`/api/consultations/${vatConsultationId}/receipt${suffix}`);
        expect(response.status).to.equal(401);
        expect(response.body.error.code).to.equal('missing_token');
      }
    });

    it('answers 404 receipt_not_found to a party while nothing has been charged', async () => {
      const unsettled = await insertFinishedConsultation(platform, {
        expertId: vatExpert.user.id,
        clientId: client.user.id,
        terms: freeRateVideoTerms(),
        connectedSeconds: 60,
      });
      for (const suffix of suffixes) {
        const response = await platform.http.get(`/api/consultations/${unsettled}/receipt${suffix}`, client.accessToken);
        expect(response.status).to.equal(404);
        expect(response.body.error.code).to.equal('receipt_not_found');
        expect(response.body.error.message).to.be.a('string');
      }
      // A stranger still learns nothing about it.
      const stranger = await platform.http.get(`/api/consultations/${unsettled}/receipt`, otherClient.accessToken);
      expect(stranger.body.error.code).to.equal('not_found');
    });
  });
});
