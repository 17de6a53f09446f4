/**
 * Typed errors thrown by the domain and the routes; the HTTP error handler maps
 * them to the public error shape `{error: {code, message, param?}}` (SPEC §11).
 * Codes are stable strings a client can switch on.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | undefined;

  constructor(status: number, code: string, message: string, param?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param;
  }
}

export const badRequest = (code: string, message: string, param?: string) => new AppError(400, code, message, param);
export const unauthorized = (code: string, message: string) => new AppError(401, code, message);
export const paymentRequired = (code: string, message: string) => new AppError(402, code, message);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string, param?: string) => new AppError(409, code, message, param);
export const tooManyRequests = (code: string, message: string) => new AppError(429, code, message);

/** A 429 that tells the client when to try again (`Retry-After`, in seconds). */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(code: string, message: string, retryAfterSeconds: number) {
    super(429, code, message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
