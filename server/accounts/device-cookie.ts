import type { Request, Response } from 'express';

/**
 * ACC-4: the browser keeps a random device token in an HttpOnly cookie scoped to the sign-in
 * routes; a device that signed an account in before is known to it and is not slowed down by a
 * stranger's guesses. API clients without cookies are recognised by their address only.
 */
export const DEVICE_COOKIE = 'consulto_device';
const DEVICE_COOKIE_MAX_AGE_MS = 180 * 24 * 60 * 60 * 1000;
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export function deviceTokenOf(req: Request): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === DEVICE_COOKIE && value && DEVICE_TOKEN.test(value)) return value;
  }
  return undefined;
}

export function setDeviceCookie(res: Response, deviceToken: string, publicUrl: string): void {
  res.cookie(DEVICE_COOKIE, deviceToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: publicUrl.startsWith('https:'),
    path: '/api/auth',
    maxAge: DEVICE_COOKIE_MAX_AGE_MS,
  });
}
