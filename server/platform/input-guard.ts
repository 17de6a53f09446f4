import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors.ts';

/**
 * §11: PostgreSQL text cannot hold a NUL byte (`invalid byte sequence for encoding "UTF8": 0x00`),
 * and no field of ours has a use for one. They are refused here, at the edge, for every route:
 * in the path and the query (percent-encoded `%00`, the only way a NUL can reach a URL) and in
 * the strings and keys of a JSON body. Raw bodies (photos, documents) are bytes and left alone.
 */
const ENCODED_NUL = /%00/i;

export function refuseNulBytes(req: Request, _res: Response, next: NextFunction): void {
  if (ENCODED_NUL.test(req.originalUrl) || req.originalUrl.includes('\u0000')) {
    throw new AppError(400, 'invalid_characters', 'The URL contains a NUL byte (%00).');
  }
  const where = nulPathIn(req.body);
  if (where !== undefined) throw new AppError(400, 'invalid_characters', `The body contains a NUL byte${where ? ` in '${where}'` : ''}.`, where || undefined);
  next();
}

/**
 * Where a NUL byte sits in a parsed JSON value ('' for the root), or undefined. Iterative: a
 * body nested a hundred thousand levels deep must not overflow the stack (a 5xx).
 */
export function nulPathIn(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return typeof value === 'string' && value.includes('\u0000') ? '' : undefined;
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return path;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return path;
      pending.push({ value: child, path: childPath });
    }
  }
  return undefined;
}
