import { expect } from 'chai';
import type { Server, AddressInfo } from 'node:net';
import { fakeSmtpServer, type ReceivedMail } from './fake-smtp.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpExpert } from '../support/fixtures.ts';

describe('§10 SMTP transport (SMTP_URL set)', () => {
  const received: ReceivedMail[] = [];
  let smtp: Server;
  let platform: TestPlatform;
  before(async () => {
    smtp = await fakeSmtpServer(received);
    const { port } = smtp.address() as AddressInfo;
    platform = await startTestPlatform({ environment: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Consulto <hello@consulto.example>' } });
  });
  after(async () => {
    await platform.close();
    await new Promise((resolve) => smtp.close(resolve));
  });

  it('EXP-1 sends the welcome email with the consultation URL through the SMTP server, from MAIL_FROM', async () => {
    const expert = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Émile' }, { verifyEmail: false });
    const mail = received.find((m) => m.to.some((to) => to.includes(expert.user.email)));
    expect(mail, 'an SMTP transaction for the new expert').not.to.equal(undefined);
    expect(mail!.from).to.include('hello@consulto.example');
    const unfolded = mail!.data.replace(/=\r\n/g, '');
    expect(unfolded).to.include(`/consultation/paul-emile`);
    expect(mail!.data).to.match(/^Message-ID: <[0-9a-f]{32}@localhost>/im);
  });

  it('has no development mailbox when SMTP is configured', async () => {
    expect((await platform.http.get('/dev/mailbox.json')).status).to.equal(404);
  });
});
