import { AppError, unauthorized } from './errors.ts';
import { BillingRuleError } from '../billing/errors.ts';

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; param?: string } };
}

/** The public answer to an expected error (§11 error shape), or undefined for a bug (a 5xx). */
export function errorAnswer(error: unknown): ErrorAnswer | undefined {
  const known = toAppError(error);
  if (!known) return undefined;
  return { status: known.status, body: { error: { code: known.code, message: known.message, ...(known.param ? { param: known.param } : {}) } } };
}

/** Express's own refusals (a bad percent-encoding in the path, a static file request it cannot read) carry a 4xx status. */
const EXPRESS_CLIENT_ERROR_MESSAGES: Record<number, string> = {
  400: 'The request is malformed.',
  403: 'This path is not allowed.',
  404: 'No such route.',
  405: 'This method is not allowed here.',
  406: 'This representation is not available.',
  412: 'A precondition failed.',
  413: 'The request is too large.',
  414: 'The URL is too long.',
  415: 'This content type is not supported.',
  416: 'This range cannot be satisfied.',
};

function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof BillingRuleError) return new AppError(400, error.code, error.message, error.param);
  const bodyParserType = (error as { type?: string }).type;
  if (bodyParserType === 'entity.parse.failed') return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
  if (bodyParserType === 'entity.too.large') return new AppError(413, 'payload_too_large', 'The request body is too large.');
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported') {
    return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
  }
  if ((error as { name?: string }).name === 'JsonWebTokenError' || (error as { name?: string }).name === 'TokenExpiredError') {
    return unauthorized('invalid_token', 'The access token is invalid or expired.');
  }
  // §11: a bare `%` or `%zz` in the path makes the router's decodeURIComponent throw a URIError with status 400.
  if (error instanceof URIError) return new AppError(400, 'malformed_url', 'The URL has a malformed percent-encoding.');
  const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, status === 404 ? 'not_found' : 'invalid_request', EXPRESS_CLIENT_ERROR_MESSAGES[status] ?? 'The request was refused.');
  }
  return undefined;
}
