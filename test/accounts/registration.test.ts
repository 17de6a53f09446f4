import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { clientSignup, expertSignup, signUpExpert } from '../support/fixtures.ts';

describe('accounts: registration', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  const countUsers = async () => (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0]!.n;

  describe('ACC-1 adults only, terms accepted with timestamp and version', () => {
    it('refuses an expert younger than 18 and creates nothing', async () => {
      const before = await countUsers();
      const today = platform.clock.now();
      const seventeen = `${today.getUTCFullYear() - 17}-01-01`;
      const response = await platform.http.post('/api/auth/register/expert', expertSignup({ birthDate: seventeen }));
      expect(response.status).to.equal(400);
      expect(response.body.error).to.include({ code: 'underage', param: 'birthDate' });
      expect(await countUsers()).to.equal(before);
    });

    it('accepts an expert who turns 18 today', async () => {
      const today = platform.clock.now();
      const birthDate = `${today.getUTCFullYear() - 18}-${String(today.getUTCMonth() + 1).padStart(2, '0')}-${String(today.getUTCDate()).padStart(2, '0')}`;
      const response = await platform.http.post('/api/auth/register/expert', expertSignup({ birthDate }));
      expect(response.status).to.equal(201);
    });

    it('refuses an implausible birth date', async () => {
      const response = await platform.http.post('/api/auth/register/expert', expertSignup({ birthDate: '1850-01-01' }));
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('invalid_birth_date');
    });

    it('stores the accepted terms version and time', async () => {
      const response = await platform.http.post('/api/auth/register/client', clientSignup());
      expect(response.status).to.equal(201);
      const me = await platform.http.get('/api/me', response.body.accessToken);
      expect(me.body.termsVersion).to.match(/^\d{4}-\d{2}-\d{2}$/);
      expect(me.body.termsAcceptedAt).to.equal(platform.clock.now().toISOString());
    });

    for (const role of ['client', 'expert'] as const) {
      it(`refuses a ${role} who does not accept the terms`, async () => {
        const before = await countUsers();
        const body = role === 'client' ? clientSignup({ acceptTerms: false }) : expertSignup({ acceptTerms: false });
        const response = await platform.http.post(`/api/auth/register/${role}`, body);
        expect(response.status).to.equal(400);
        expect(response.body.error).to.include({ code: 'invalid_request', param: 'acceptTerms' });
        expect(await countUsers()).to.equal(before);
      });
    }
  });

  describe('ACC-2 client signup', () => {
    it('creates a client with name, email and password and signs them in', async () => {
      const body = clientSignup({ email: 'Marie.Curie@Example.com', language: 'en' });
      const response = await platform.http.post('/api/auth/register/client', body);
      expect(response.status).to.equal(201);
      expect(response.body.user).to.include({ role: 'client', email: 'marie.curie@example.com', firstName: 'Alice', language: 'en' });
      expect(response.body.user).not.to.have.property('slug');
      expect(response.body.accessToken).to.be.a('string');
      expect(response.body.refreshToken).to.be.a('string');
    });

    for (const missing of ['email', 'password', 'firstName', 'lastName', 'acceptTerms']) {
      it(`refuses a signup without ${missing}`, async () => {
        const body: Record<string, unknown> = clientSignup();
        delete body[missing];
        const before = await countUsers();
        const response = await platform.http.post('/api/auth/register/client', body);
        expect(response.status).to.equal(400);
        expect(response.body.error).to.include({ code: 'invalid_request', param: missing });
        expect(await countUsers()).to.equal(before);
      });
    }

    it('refuses wrong types with a 400 naming the field', async () => {
      const response = await platform.http.post('/api/auth/register/client', clientSignup({ firstName: 42 }));
      expect(response.status).to.equal(400);
      expect(response.body.error.param).to.equal('firstName');
    });

    it('lets the client complete the optional fields later in the client area', async () => {
      const { body } = await platform.http.post('/api/auth/register/client', clientSignup());
      const patch = await platform.http.request('PATCH', '/api/me', {
        token: body.accessToken,
        body: {
          civility: 'ms',
          birthDate: '1990-02-03',
          phoneMobile: '06 12 34 56 78',
          address: { line1: '1 place Bellecour', postalCode: '69002', city: 'Lyon', country: 'FR' },
          profession: 'Architecte',
        },
      });
      expect(patch.status).to.equal(200);
      expect(patch.body).to.include({ civility: 'ms', birthDate: '1990-02-03', phoneMobile: '+33612345678', profession: 'Architecte' });
      const bad = await platform.http.request('PATCH', '/api/me', { token: body.accessToken, body: { role: 'admin' } });
      expect(bad.status).to.equal(400);
    });
  });

  describe('ACC-3 expert signup', () => {
    it('creates an expert with every required field, a slug and a consultation URL', async () => {
      const response = await platform.http.post('/api/auth/register/expert', expertSignup({ firstName: 'Hélène', lastName: "D'Argenson" }));
      expect(response.status).to.equal(201);
      expect(response.body.user).to.include({ role: 'expert', slug: 'helene-d-argenson' });
      expect(response.body.user.consultationUrl).to.equal(`${platform.url}/consultation/helene-d-argenson`);
    });

    for (const missing of [
      'birthDate',
      'civility',
      'status',
      'address',
      'phoneLandline',
      'phoneMobile',
      'category',
      'certifyAdult',
      'certifyLiabilityInsurance',
    ]) {
      it(`refuses a signup without ${missing}`, async () => {
        const body: Record<string, unknown> = expertSignup();
        delete body[missing];
        const before = await countUsers();
        const response = await platform.http.post('/api/auth/register/expert', body);
        expect(response.status).to.equal(400);
        expect(response.body.error.param).to.equal(missing);
        expect(await countUsers()).to.equal(before);
      });
    }

    it('refuses an invalid SIRET, VAT number, phone or country', async () => {
      for (const [field, value] of [
        ['siret', '12345678901234'],
        ['vatNumber', 'not a vat'],
        ['phoneMobile', '12'],
        ['address', { line1: 'x', postalCode: '75001', city: 'Paris', country: 'France' }],
      ] as const) {
        const response = await platform.http.post('/api/auth/register/expert', expertSignup({ [field]: value }));
        expect(response.status, field).to.equal(400);
        expect(response.body.error.param, field).to.match(new RegExp(`^${field}`));
      }
    });

    it('accepts an optional SIRET and VAT number', async () => {
      const response = await platform.http.post(
        '/api/auth/register/expert',
        expertSignup({ siret: '732 829 320 00074', vatNumber: 'fr44732829320', status: 'sole_trader' }),
      );
      expect(response.status).to.equal(201);
    });
  });

  describe('ACC-6 one account per email', () => {
    it('refuses a second account with the same email in another case', async () => {
      const body = clientSignup();
      expect((await platform.http.post('/api/auth/register/client', body)).status).to.equal(201);
      const again = await platform.http.post('/api/auth/register/expert', expertSignup({ email: body.email.toUpperCase() }));
      expect(again.status).to.equal(409);
      expect(again.body.error).to.include({ code: 'email_taken', param: 'email' });
    });
  });

  describe('EXP-1 consultation URL slug', () => {
    it('strips accents and numbers collisions -2, -3', async () => {
      const slugs = [];
      for (let index = 0; index < 3; index++) {
        slugs.push((await signUpExpert(platform.http, { firstName: 'Zoé', lastName: 'Lefèvre' })).user.slug);
      }
      expect(slugs).to.deep.equal(['zoe-lefevre', 'zoe-lefevre-2', 'zoe-lefevre-3']);
    });

    it('gives homonyms signing up at the same moment one slug each, and never a 500', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => platform.http.post('/api/auth/register/expert', expertSignup({ firstName: 'Noé', lastName: 'Marchand' }))),
      );
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(8).fill(201));
      const slugs = answers.map((answer) => answer.body.user.slug as string).sort();
      expect(new Set(slugs).size).to.equal(8);
      for (const slug of slugs) expect(slug).to.match(/^noe-marchand(-[2-9])?$/);
    });
  });

  describe('REF-2 sponsor attribution at signup', () => {
    it('records the sponsor given by slug and refuses an unknown one', async () => {
      const sponsor = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Sponsor' });
      const referred = await signUpExpert(platform.http, { sponsorSlug: sponsor.user.slug });
      const [row] = await platform.db.query<{ sponsor_id: string }>('SELECT sponsor_id FROM expert_profiles WHERE user_id = $1', [referred.user.id]);
      expect(row!.sponsor_id).to.equal(sponsor.user.id);
      const unknown = await platform.http.post('/api/auth/register/expert', expertSignup({ sponsorSlug: 'nobody-here' }));
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.code).to.equal('unknown_sponsor');
    });
  });
});
