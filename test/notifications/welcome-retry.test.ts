import { expect } from 'chai';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpExpert } from '../support/fixtures.ts';
import type { ManualClock } from '../../server/platform/clock.ts';
import { fakeSmtpServer, type ReceivedMail } from './fake-smtp.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('EXP-1 welcome email when the SMTP server is down at signup', () => {
  const received: ReceivedMail[] = [];
  let port: number;
  let platform: TestPlatform;
  let smtp: Server | undefined;
  before(async () => {
    port = await freePort();
    platform = await startTestPlatform({ environment: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  });
  after(async () => {
    await platform.close();
    if (smtp) await new Promise((resolve) => smtp!.close(resolve));
  });

  it('signs the expert up anyway, then sends the email once through the job table when SMTP is back', async () => {
    const expert = await signUpExpert(platform.http, { firstName: 'Noé', lastName: 'Garnier' }, { verifyEmail: false });
    expect(expert.user.slug).to.equal('noe-garnier');
    const [job] = await platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE dedupe_key = $1`, [
      `notify:expert_welcome:${expert.user.id}`,
    ]);
    expect(job!.n).to.equal(1);

    smtp = await fakeSmtpServer(received, port);
    // Past any backoff, in case the background worker already tried while the server was down.
    (platform.clock as ManualClock).advance(61 * 60_000);
    await platform.services.jobs.runDueJobs();
    await platform.services.jobs.runDueJobs();
    const mails = received.filter((mail) => mail.to.some((to) => to.includes(expert.user.email)));
    expect(mails).to.have.length(1);
    expect(mails[0]!.data.replace(/=\r\n/g, '')).to.include('/consultation/noe-garnier');
    const [row] = await platform.db.query<{ status: string }>('SELECT status FROM notifications_sent WHERE idempotency_key = $1', [
      `expert_welcome:${expert.user.id}`,
    ]);
    expect(row!.status).to.equal('sent');
  });
});
