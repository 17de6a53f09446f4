import { expect } from 'chai';
import { createServer, type Server, type AddressInfo } from 'node:net';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpExpert } from '../support/fixtures.ts';

interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

/** Just enough of an SMTP server (RFC 5321, no TLS, no auth) to receive what nodemailer sends. */
function fakeSmtpServer(received: ReceivedMail[]): Promise<Server> {
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let current: ReceivedMail = { from: '', to: [], data: '' };
    socket.write('220 fake-smtp ready\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          received.push(current);
          current = { from: '', to: [], data: '' };
          inData = false;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const lineEnd = buffer.indexOf('\r\n');
        if (lineEnd < 0) return;
        const line = buffer.slice(0, lineEnd);
        buffer = buffer.slice(lineEnd + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-fake-smtp\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') (current.from = line), socket.write('250 2.1.0 ok\r\n');
        else if (verb === 'RCPT') current.to.push(line), socket.write('250 2.1.5 ok\r\n');
        else if (verb === 'DATA') (inData = true), socket.write('354 go ahead\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

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
    const expert = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Émile' });
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
