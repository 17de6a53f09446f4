/**
 * The one door to the HTTP API (SPEC §11). The access token lives in memory only
 * (a script injected later cannot read it from storage); the refresh token is kept
 * in localStorage so a reload or a new tab stays signed in. A 401 triggers one
 * refresh and one retry, never more.
 */
import type { Language } from './i18n/index.ts';

export type Role = 'client' | 'expert' | 'admin';
export type Civility = 'mr' | 'ms' | 'mx';
export type LegalStatus = 'individual' | 'sole_trader' | 'company';

export interface PostalAddress {
  line1: string;
  postalCode: string;
  city: string;
  country: string;
}

/** `GET /api/me` and `user` of the sign-up answers. */
export interface User {
  id: string;
  role: Role;
  email: string;
  /** ACC-10: the 6-digit code emailed at signup was typed back. */
  emailVerified: boolean;
  firstName: string;
  lastName: string;
  language: Language;
  status: string;
  civility: Civility | null;
  birthDate: string | null;
  phoneLandline: string | null;
  phoneMobile: string | null;
  address: PostalAddress | null;
  profession: string | null;
  createdAt: string;
  slug?: string;
  consultationUrl?: string;
  referralUrl?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface RegisterClientInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  acceptTerms: true;
  language: Language;
}

export interface RegisterExpertInput extends Omit<RegisterClientInput, 'acceptTerms'> {
  birthDate: string;
  civility: Civility;
  status: LegalStatus;
  address: PostalAddress;
  phoneLandline: string;
  phoneMobile: string;
  category: string;
  certifyAdult: true;
  certifyLiabilityInsurance: true;
  acceptTerms: true;
  vatNumber?: string;
  siret?: string;
  sponsorSlug?: string;
}

export type ProfileUpdate = Partial<{
  language: Language;
  civility: Civility | null;
  birthDate: string | null;
  phoneLandline: string | null;
  phoneMobile: string | null;
  address: PostalAddress | null;
  profession: string | null;
}>;

/** The API's error shape `{error: {code, message, param?}}`; status 0 means the network failed. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | undefined;
  /** The error's other fields, e.g. the `holdRef` and `clientSecret` of a 3-D Secure step (BOOK-3). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, code: string, message: string, param?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.param = param;
    this.details = details;
  }
}

const REFRESH_TOKEN_KEY = 'consulto.refreshToken';
/** Tabs share one refresh token; rotating it from two tabs at once would look like token theft. */
const REFRESH_LOCK_NAME = 'consulto.refresh';
const REQUEST_TIMEOUT_MS = 30_000;

let accessToken: string | undefined;
let refreshing: Promise<boolean> | undefined;
const sessionListeners = new Set<() => void>();

export function isSignedIn(): boolean {
  return readRefreshToken() !== undefined;
}

/** Called when the user signs in or out, here or in another tab. */
export function onSessionChange(listener: () => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

window.addEventListener('storage', (event) => {
  if (event.key !== REFRESH_TOKEN_KEY) return;
  if (event.newValue === null) accessToken = undefined;
  notifySessionChange();
});

export async function registerClient(input: RegisterClientInput): Promise<User> {
  const answer = await call<TokenPair & { user: User }>('POST', '/api/auth/register/client', { json: input, auth: false });
  keepTokens(answer);
  return answer.user;
}

export async function registerExpert(input: RegisterExpertInput): Promise<User> {
  const answer = await call<TokenPair & { user: User }>('POST', '/api/auth/register/expert', { json: input, auth: false });
  keepTokens(answer);
  return answer.user;
}

export async function login(email: string, password: string): Promise<void> {
  keepTokens(await call<TokenPair>('POST', '/api/auth/login', { json: { email, password }, auth: false }));
}

/** Ends the session on the server when it can, and forgets the tokens in any case. */
export async function logout(): Promise<void> {
  try {
    if (isSignedIn()) await call<void>('POST', '/api/auth/logout');
  } catch {
    // an expired session or no network: forgetting the tokens below still signs this browser out
  } finally {
    forgetTokens();
  }
}

/** ACC-10: the 6-digit code emailed at signup. */
export async function verifyEmail(code: string): Promise<void> {
  await call<{ emailVerified: true }>('POST', '/api/auth/verify-email', { json: { code } });
}

/** ACC-10: a new code by email (at most one a minute). */
export async function resendEmailCode(): Promise<void> {
  await call<{ sent: true }>('POST', '/api/auth/verify-email/resend');
}

export function getMe(): Promise<User> {
  return call<User>('GET', '/api/me');
}

export function updateMe(update: ProfileUpdate): Promise<User> {
  return call<User>('PATCH', '/api/me', { json: update });
}

/**
 * ACC-5: the server signs every session out, this one included; sign in again with the new
 * password. The new tokens replace the old ones in one step, so the pages never see this
 * browser signed out in between.
 */
export async function changePassword(email: string, currentPassword: string, newPassword: string): Promise<void> {
  await call<void>('POST', '/api/me/password', { json: { currentPassword, newPassword } });
  accessToken = undefined;
  await login(email, newPassword);
}

export function uploadPhoto(photo: Blob): Promise<void> {
  return call<void>('PUT', '/api/experts/me/photo', { body: photo, contentType: photo.type });
}

interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  /** Sends the access token and refreshes it on a 401; false for the public sign-in routes. */
  auth?: boolean;
  /** Extra headers, e.g. `Idempotency-Key` on a payout (BILL-14). */
  headers?: Record<string, string>;
}

async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  if (auth && accessToken === undefined && isSignedIn()) await refreshOnce();
  let response = await send(method, path, options, auth);
  if (response.status === 401 && auth && isSignedIn()) {
    const refreshed = await refreshOnce();
    if (refreshed) response = await send(method, path, options, auth);
  }
  if (response.status === 401 && auth) {
    forgetTokens();
    throw new ApiError(401, 'session_expired', 'The session has ended.');
  }
  return readAnswer<T>(response);
}

async function send(method: string, path: string, options: CallOptions, auth: boolean): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (auth && accessToken) headers['authorization'] = `Bearer ${accessToken}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) {
    headers['content-type'] = options.contentType;
  }
  try {
    return await fetch(path, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached.');
  }
}

async function readAnswer<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string; param?: string; [field: string]: unknown } } | undefined)?.error;
  const { code, message, param, ...details } = error ?? {};
  throw new ApiError(response.status, code ?? 'http_error', message ?? response.statusText, param, details);
}

/** Concurrent callers share one refresh; tabs take turns through a Web Lock when the browser has them. */
function refreshOnce(): Promise<boolean> {
  refreshing ??= withRefreshLock(rotateRefreshToken).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function rotateRefreshToken(): Promise<boolean> {
  // Read inside the lock: another tab may have rotated the token while we waited.
  const refreshToken = readRefreshToken();
  if (!refreshToken) return false;
  const response = await send('POST', '/api/auth/refresh', { json: { refreshToken } }, false);
  if (!response.ok) {
    if (response.status === 401 || response.status === 400) forgetTokens();
    return false;
  }
  keepTokens(await readAnswer<TokenPair>(response));
  return true;
}

async function withRefreshLock(work: () => Promise<boolean>): Promise<boolean> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? await locks.request(REFRESH_LOCK_NAME, work) : await work();
}

function keepTokens(pair: TokenPair): void {
  const wasSignedIn = isSignedIn();
  accessToken = pair.accessToken;
  try {
    localStorage.setItem(REFRESH_TOKEN_KEY, pair.refreshToken);
  } catch {
    // storage disabled: the session lasts until the access token expires
  }
  if (!wasSignedIn) notifySessionChange();
}

function forgetTokens(): void {
  const wasSignedIn = isSignedIn();
  accessToken = undefined;
  try {
    localStorage.removeItem(REFRESH_TOKEN_KEY);
  } catch {
    // nothing stored
  }
  if (wasSignedIn) notifySessionChange();
}

function readRefreshToken(): string | undefined {
  try {
    return localStorage.getItem(REFRESH_TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function notifySessionChange(): void {
  for (const listener of sessionListeners) listener();
}

/** The same authenticated call (refresh included) for pages that own their API shapes, e.g. the wallet. */
export function apiCall<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  return call<T>(method, path, options);
}

/** A signed-in GET of a document that is not JSON (a receipt's HTML), as a Blob. */
export async function apiDocument(path: string): Promise<Blob> {
  if (accessToken === undefined && isSignedIn()) await refreshOnce();
  let response = await send('GET', path, {}, true);
  if (response.status === 401 && isSignedIn() && (await refreshOnce())) response = await send('GET', path, {}, true);
  if (!response.ok) return readAnswer<never>(response);
  return response.blob();
}

/**
 * BOOK-4: the live channel (`GET /api/events`), signed in like every call, as a streaming Response
 * for client/src/live/consultation-events.ts. No timeout: the stream stays open until the server
 * or `signal` ends it.
 */
export async function apiEventStream(path: string, signal: AbortSignal): Promise<Response> {
  if (accessToken === undefined && isSignedIn()) await refreshOnce();
  const open = () =>
    fetch(path, { headers: { accept: 'text/event-stream', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) }, signal, cache: 'no-store' });
  let response = await open();
  if (response.status === 401 && isSignedIn() && (await refreshOnce())) response = await open();
  if (!response.ok) return readAnswer<never>(response);
  return response;
}
