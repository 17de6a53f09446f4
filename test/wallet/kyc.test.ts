import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import type { ManualClock } from '../../server/platform/clock.ts';
import { DocumentIntegrityError, decryptDocument, encryptDocument } from '../../server/wallet/documents.ts';
import { isValidIban } from '../../server/wallet/bank-details.ts';
import { requiredDocuments } from '../../server/wallet/kyc-rules.ts';
import { BIC, GOOD_IBAN, JPEG, pdf, submitKyc, upload } from './support.ts';

const KYC_DELAY_SECONDS = 60;

describe('PAY-4 identity checks (KYC)', () => {
  let platform: TestPlatform;
  let clock: ManualClock;

  before(async () => {
    platform = await startTestPlatform({ environment: { KYC_AUTO_VALIDATE_SECONDS: String(KYC_DELAY_SECONDS) } });
    clock = platform.clock as ManualClock;
  });
  after(() => platform.close());

  const kyc = async (expert: SignedUp) => (await platform.http.get('/api/wallet/kyc', expert.accessToken)).body;
  const documentRows = async (userId: string) => (await platform.db.query('SELECT id FROM kyc_documents WHERE user_id = $1', [userId])).length;

  describe('documents required by legal status', () => {
    it('asks an individual for an ID and a proof of address', async () => {
      const expert = await signUpExpert(platform.http, { status: 'individual' });
      expect(await kyc(expert)).to.deep.include({
        status: 'not_submitted',
        legalStatus: 'individual',
        requiredDocuments: ['id_document', 'proof_of_address'],
        companyNameRequired: false,
        missing: ['id_document', 'proof_of_address', 'bank_details'],
      });
    });

    it('asks a sole trader also for the INSEE certificate / registry extract and a trade name', async () => {
      const expert = await signUpExpert(platform.http, { status: 'sole_trader', siret: '73282932000074' });
      const view = await kyc(expert);
      expect(view.requiredDocuments).to.deep.equal(['id_document', 'proof_of_address', 'registry_extract']);
      expect(view.missing).to.include.members(['registry_extract', 'bank_details', 'company_name']);
    });

    it('asks a company also for the articles of association and the company name', async () => {
      expect(requiredDocuments('company')).to.deep.equal(['id_document', 'proof_of_address', 'registry_extract', 'articles_of_association']);
      const expert = await signUpExpert(platform.http, { status: 'company', siret: '73282932000074' });
      expect((await kyc(expert)).missing).to.deep.equal([
        'id_document',
        'proof_of_address',
        'registry_extract',
        'articles_of_association',
        'bank_details',
        'company_name',
      ]);
    });

    it('refuses a document the status does not ask for (400 document_not_required)', async () => {
      const expert = await signUpExpert(platform.http, { status: 'individual' });
      const response = await upload(platform, expert.accessToken, 'articles_of_association');
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('document_not_required');
      expect(await documentRows(expert.user.id)).to.equal(0);
    });
  });

  describe('upload validation', () => {
    let expert: SignedUp;
    before(async () => {
      expert = await signUpExpert(platform.http);
    });

    it('accepts a PDF and a JPEG, typed from their bytes', async () => {
      const first = await upload(platform, expert.accessToken, 'id_document');
      expect(first.status).to.equal(201);
      expect(first.body).to.include({ kind: 'id_document', contentType: 'application/pdf', fileName: 'id_document.pdf' });
      const second = await upload(platform, expert.accessToken, 'proof_of_address', {
        bytes: JPEG,
        contentType: 'application/octet-stream',
        fileName: 'bill.jpg',
      });
      expect(second.status).to.equal(201);
      expect(second.body.contentType).to.equal('image/jpeg');
    });

    it('refuses other bytes (415), other declared types (415) and more than 10 MB (413), storing nothing', async () => {
      const before = await documentRows(expert.user.id);
      const text = await upload(platform, expert.accessToken, 'id_document', { bytes: Buffer.from('not a document'), contentType: 'application/pdf' });
      expect(text.status).to.equal(415);
      expect(text.body.error.code).to.equal('unsupported_document_type');
      const gif = await upload(platform, expert.accessToken, 'id_document', { bytes: Buffer.from('GIF89a....'), contentType: 'image/gif' });
      expect(gif.status).to.equal(415);
      const huge = Buffer.concat([pdf(), Buffer.alloc(10 * 1024 * 1024)]);
      const tooBig = await upload(platform, expert.accessToken, 'id_document', { bytes: huge });
      expect(tooBig.status).to.equal(413);
      expect(tooBig.body.error.code).to.equal('payload_too_large');
      expect(await documentRows(expert.user.id)).to.equal(before);
    });

    it('refuses a proof of address older than 3 months, or without its date (400)', async () => {
      const old = new Date(clock.now().getTime() - 100 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      const tooOld = await upload(platform, expert.accessToken, 'proof_of_address', { issuedOn: old });
      expect(tooOld.status).to.equal(400);
      expect(tooOld.body.error.code).to.equal('document_too_old');
      const undated = await upload(platform, expert.accessToken, 'proof_of_address', { issuedOn: null });
      expect(undated.body.error.code).to.equal('issued_on_required');
      const unknownType = await upload(platform, expert.accessToken, 'selfie');
      expect(unknownType.status).to.equal(400);
      expect(unknownType.body.error).to.include({ code: 'invalid_request', param: 'type' });
    });

    it('checks the IBAN checksum and the BIC (400 invalid_iban / invalid_bic)', async () => {
      expect(isValidIban(GOOD_IBAN)).to.equal(true);
      const badIban = await platform.http.put('/api/wallet/kyc/details', { iban: 'FR1520041010050500013M02606', bic: BIC }, expert.accessToken);
      expect(badIban.status).to.equal(400);
      expect(badIban.body.error).to.include({ code: 'invalid_iban', param: 'iban' });
      const badBic = await platform.http.put('/api/wallet/kyc/details', { iban: GOOD_IBAN, bic: 'BNP' + '1FRPP' }, expert.accessToken);
      expect(badBic.body.error).to.include({ code: 'invalid_bic', param: 'bic' });
      expect((await kyc(expert)).bankDetails).to.equal(null);
      const ok = await platform.http.put('/api/wallet/kyc/details', { iban: 'fr14 2004 1010 0505 0001 3M02 606', bic: 'bnpafrpp' }, expert.accessToken);
      expect(ok.status).to.equal(200);
      expect(ok.body.bankDetails).to.deep.equal({ ibanLast4: '2606', bic: 'BNPAFRPP' });
    });

    it('refuses to submit an incomplete file (409 kyc_incomplete naming what is missing)', async () => {
      const fresh = await signUpExpert(platform.http);
      await upload(platform, fresh.accessToken, 'id_document');
      const response = await platform.http.post('/api/wallet/kyc/submit', undefined, fresh.accessToken);
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal('kyc_incomplete');
      expect(response.body.error.param).to.equal('proof_of_address,bank_details');
      expect((await kyc(fresh)).status).to.equal('not_submitted');
    });
  });

  describe('encryption at rest (AES-256-GCM)', () => {
    it('stores no plaintext on disk, and the owner reads back the original bytes', async () => {
      const expert = await signUpExpert(platform.http);
      const marker = `secret-${randomBytes(8).toString('hex')}`;
      const uploaded = await upload(platform, expert.accessToken, 'id_document', { bytes: pdf(marker) });
      const [row] = await platform.db.query<{ storage_path: string }>('SELECT storage_path FROM kyc_documents WHERE id = $1', [uploaded.body.id]);
      const onDisk = readFileSync(`${platform.config.dataDir}/documents/${row!.storage_path}`);
      expect(onDisk.includes(Buffer.from(marker))).to.equal(false);
      expect(onDisk.includes(Buffer.from('%PDF'))).to.equal(false);
      const read = await platform.http.get(`/api/wallet/kyc/documents/${uploaded.body.id}`, expert.accessToken);
      expect(read.status).to.equal(200);
      expect(read.headers.get('content-type')).to.match(/^application\/pdf/);
      expect(read.body).to.include(marker);
    });

    it("detects a tampered file: one flipped byte, or another document's file swapped in", async () => {
      const key = randomBytes(32);
      const sealed = encryptDocument(key, 'doc-1', pdf());
      expect(decryptDocument(key, 'doc-1', sealed).equals(pdf())).to.equal(true);
      const flipped = Buffer.from(sealed);
      flipped[flipped.length - 3]! ^= 0x01;
      expect(() => decryptDocument(key, 'doc-1', flipped)).to.throw(DocumentIntegrityError);
      expect(() => decryptDocument(key, 'doc-2', sealed)).to.throw(DocumentIntegrityError);
      expect(() => decryptDocument(randomBytes(32), 'doc-1', sealed)).to.throw(DocumentIntegrityError);

      const expert = await signUpExpert(platform.http);
      const uploaded = await upload(platform, expert.accessToken, 'id_document');
      const [row] = await platform.db.query<{ storage_path: string }>('SELECT storage_path FROM kyc_documents WHERE id = $1', [uploaded.body.id]);
      const path = `${platform.config.dataDir}/documents/${row!.storage_path}`;
      const bytes = readFileSync(path);
      bytes[bytes.length - 1]! ^= 0xff;
      writeFileSync(path, bytes);
      const read = await platform.http.get(`/api/wallet/kyc/documents/${uploaded.body.id}`, expert.accessToken);
      expect(read.status).to.equal(500);
      expect(read.body.error.code).to.equal('document_integrity_failed');
    });
  });

  describe('access: the owner and admins only', () => {
    it('answers 404 to another expert, 403 to a client, and the document to an admin', async () => {
      const owner = await signUpExpert(platform.http);
      const other = await signUpExpert(platform.http);
      const client = await signUpClient(platform.http);
      const admin = await signUpClient(platform.http);
      await platform.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);
      const uploaded = await upload(platform, owner.accessToken, 'id_document', { bytes: pdf('owner-only') });
      const path = `/api/wallet/kyc/documents/${uploaded.body.id}`;
      expect((await platform.http.get(path, other.accessToken)).status).to.equal(404);
      expect((await platform.http.get(`/api/wallet/kyc/documents/${randomBytes(4).toString('hex')}`, owner.accessToken)).status).to.equal(404);
      expect((await platform.http.get(path, client.accessToken)).status).to.equal(403);
      expect((await platform.http.get(path)).status).to.equal(401);
      const asAdmin = await platform.http.get(path, admin.accessToken);
      expect(asAdmin.status).to.equal(200);
      expect(asAdmin.body).to.include('owner-only');
      const view = await platform.http.get(`/api/admin/users/${owner.user.id}/kyc`, admin.accessToken);
      expect(view.body.documents.map((d: { id: string }) => d.id)).to.deep.equal([uploaded.body.id]);
      expect((await platform.http.get(`/api/admin/users/${owner.user.id}/kyc`, other.accessToken)).status).to.equal(403);
    });
  });

  describe('status machine not_submitted → pending → validated | refused (PAY-6 local verdicts)', () => {
    it('validates after the configured delay, not before', async () => {
      const expert = await signUpExpert(platform.http);
      const submitted = await submitKyc(platform, expert);
      expect(submitted.status).to.equal('pending');
      expect((await platform.http.post('/api/wallet/kyc/submit', undefined, expert.accessToken)).body.error.code).to.equal('kyc_pending');
      expect((await upload(platform, expert.accessToken, 'id_document')).body.error.code).to.equal('kyc_pending');
      clock.advance((KYC_DELAY_SECONDS - 1) * 1000);
      await platform.services.wallet.tick();
      expect((await kyc(expert)).status).to.equal('pending');
      clock.advance(2000);
      await platform.services.wallet.tick();
      await platform.services.wallet.tick();
      expect(await kyc(expert)).to.include({ status: 'validated', refusalReason: null });
      expect((await platform.http.get('/api/wallet', expert.accessToken)).body.kycStatus).to.equal('validated');
      const events = await platform.db.query(`SELECT event_id FROM payment_provider_events WHERE type = 'local.kyc.validated'`);
      expect(events.length).to.be.greaterThan(0);
    });

    it('refuses with a reason when a file name contains "refuse", and a corrected file can be submitted again', async () => {
      const expert = await signUpExpert(platform.http);
      await submitKyc(platform, expert, { refuse: true });
      clock.advance((KYC_DELAY_SECONDS + 1) * 1000);
      await platform.services.wallet.tick();
      const refused = await kyc(expert);
      expect(refused.status).to.equal('refused');
      expect(refused.refusalReason).to.be.a('string').and.not.empty;
      await signInAgainIfNeeded(expert);
      expect((await upload(platform, expert.accessToken, 'id_document', { fileName: 'passport.pdf' })).status).to.equal(201);
      expect((await platform.http.post('/api/wallet/kyc/submit', undefined, expert.accessToken)).body.status).to.equal('pending');
      clock.advance((KYC_DELAY_SECONDS + 1) * 1000);
      await platform.services.wallet.tick();
      expect(await kyc(expert)).to.include({ status: 'validated', refusalReason: null });
    });

    it('sends an email on each change (pending, then the verdict)', async () => {
      const expert = await signUpExpert(platform.http);
      await submitKyc(platform, expert);
      clock.advance((KYC_DELAY_SECONDS + 1) * 1000);
      await platform.services.wallet.tick();
      expect(await kycMails(expert.user.id)).to.deep.equal(['sent', 'sent']);
    });
  });

  async function signInAgainIfNeeded(expert: SignedUp) {
    const { signInAgain } = await import('./support.ts');
    await signInAgain(platform, expert);
  }

  /** §10: the KYC emails recorded by the notifier (one row per idempotency key). */
  async function kycMails(userId: string): Promise<string[]> {
    const rows = await platform.db.query<{ idempotency_key: string; status: string }>(
      `SELECT idempotency_key, status FROM notifications_sent WHERE user_id = $1 AND event = 'kyc_status_changed' ORDER BY created_at`,
      [userId],
    );
    return rows.map((row) => row.status);
  }
});
