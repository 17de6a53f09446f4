import type { Request } from 'express';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import type { AccountService, RequestSource } from './service.ts';
import type { Sessions } from './sessions.ts';
import type { EmailVerification } from './email-verification.ts';
import { deviceTokenOf, setDeviceCookie } from './device-cookie.ts';
import { changePasswordBody, loginBody, refreshBody, registerClientBody, registerExpertBody, updateMeBody, verifyEmailBody } from './schemas.ts';
import { findUserById, toUserView } from './users.ts';

export function accountRoutes(
  api: Api,
  deps: { db: Database; accounts: AccountService; sessions: Sessions; emailVerification: EmailVerification; publicUrl: string },
) {
  const { db, accounts, sessions, emailVerification, publicUrl } = deps;
  const tag = 'accounts';
  const sourceOf = (req: Request): RequestSource => ({ address: req.ip ?? 'unknown', deviceToken: deviceTokenOf(req) });

  api.route(
    {
      method: 'post',
      path: '/api/auth/register/client',
      summary: 'Sign up as a client (ACC-2); the ACC-10 code is emailed',
      tag,
      access: 'public',
      body: registerClientBody,
      successStatus: 201,
    },
    async ({ body, req, res }) => {
      const { user, tokens, deviceToken } = await accounts.registerClient(body, sourceOf(req));
      setDeviceCookie(res, deviceToken, publicUrl);
      await emailVerification.sendFirstCode(user.id);
      return { user: toUserView(user, publicUrl), ...tokens };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/register/expert',
      summary: 'Sign up as an expert (ACC-3); the ACC-10 code is emailed',
      tag,
      access: 'public',
      body: registerExpertBody,
      successStatus: 201,
    },
    async ({ body, req, res }) => {
      const { user, tokens, deviceToken } = await accounts.registerExpert(body, sourceOf(req));
      setDeviceCookie(res, deviceToken, publicUrl);
      await emailVerification.sendFirstCode(user.id);
      return { user: toUserView(user, publicUrl), ...tokens };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in (ACC-4: throttled per account and source, never against a known device)',
      tag,
      access: 'public',
      body: loginBody,
    },
    async ({ body, req, res }) => {
      const { tokens, deviceToken } = await accounts.login(body.email, body.password, sourceOf(req));
      setDeviceCookie(res, deviceToken, publicUrl);
      return tokens;
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/verify-email',
      summary: 'Type the 6-digit code emailed at signup (ACC-10): 400 invalid_code, 429 after 5 tries',
      tag,
      access: 'user',
      body: verifyEmailBody,
    },
    async ({ body, user }) => {
      await emailVerification.verify(user!.id, body.code);
      return { emailVerified: true };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/verify-email/resend',
      summary: 'Email a new ACC-10 code (at most one a minute, five an hour)',
      tag,
      access: 'user',
      successStatus: 202,
    },
    async ({ user }) => {
      await emailVerification.sendNewCode(user!.id);
      return { sent: true };
    },
  );

  api.route({ method: 'post', path: '/api/auth/refresh', summary: 'Rotate the refresh token (ACC-5)', tag, access: 'public', body: refreshBody }, ({ body }) =>
    sessions.refresh(body.refreshToken),
  );

  api.route({ method: 'post', path: '/api/auth/logout', summary: 'End this session (ACC-5)', tag, access: 'user' }, async ({ user }) => {
    await sessions.revoke(user!.sessionId, 'logout');
  });

  api.route({ method: 'get', path: '/api/me', summary: 'My profile', tag, access: 'user' }, async ({ user }) => {
    const row = await findUserById(db, user!.id);
    if (!row) throw notFound('User');
    return toUserView(row, publicUrl);
  });

  api.route(
    { method: 'patch', path: '/api/me', summary: 'Correct my profile (ACC-2, ACC-9)', tag, access: 'user', body: updateMeBody },
    async ({ user, body }) => {
      const columns: Record<string, unknown> = {
        first_name: body.firstName,
        last_name: body.lastName,
        language: body.language,
        civility: body.civility,
        birth_date: body.birthDate,
        phone_landline: body.phoneLandline,
        phone_mobile: body.phoneMobile,
        address: body.address === undefined ? undefined : body.address === null ? null : JSON.stringify(body.address),
        profession: body.profession,
      };
      const changed = Object.entries(columns).filter(([, value]) => value !== undefined);
      if (changed.length > 0) {
        await db.query(`UPDATE users SET ${changed.map(([column], index) => `${column} = $${index + 2}`).join(', ')} WHERE id = $1`, [
          user!.id,
          ...changed.map(([, value]) => value),
        ]);
      }
      return toUserView((await findUserById(db, user!.id))!, publicUrl);
    },
  );

  api.route(
    { method: 'post', path: '/api/me/password', summary: 'Change my password; signs out every session (ACC-5)', tag, access: 'user', body: changePasswordBody },
    async ({ user, body }) => {
      await accounts.changePassword(user!.id, body.currentPassword, body.newPassword);
    },
  );
}
