import { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * §11: one schema for the path parameters of every route, applied by `Api.route` before the
 * handler (and before authentication reads the database): a parameter named `id` or ending in
 * `Id` is a UUID, anything else is a bounded token. An id that cannot exist is answered like an
 * id that does not: 404, so a malformed one never reaches PostgreSQL (`invalid input syntax for
 * type uuid`) and the answer tells a prober nothing.
 */
export const ID_PARAM = z.uuid();
/** Slugs, provider references, months: far below this; a longer value cannot name anything. */
export const TOKEN_PARAM_MAX_LENGTH = 200;

const PARAM_NAME = /:([A-Za-z_$][A-Za-z0-9_$]*)/g;

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(PARAM_NAME)].map((match) => match[1]!);
}

export function isIdParam(name: string): boolean {
  return name === 'id' || name.endsWith('Id');
}

/** The OpenAPI schema of a path parameter, from the same rule. */
export function pathParamSchema(name: string): object {
  return isIdParam(name) ? { type: 'string', format: 'uuid' } : { type: 'string', minLength: 1, maxLength: TOKEN_PARAM_MAX_LENGTH };
}

export function checkPathParams(names: readonly string[], params: Record<string, unknown>): void {
  for (const name of names) {
    const value = params[name];
    const valid =
      typeof value === 'string' && (isIdParam(name) ? ID_PARAM.safeParse(value).success : value.length > 0 && value.length <= TOKEN_PARAM_MAX_LENGTH);
    if (!valid) throw new AppError(404, 'not_found', `No such ${name}.`, name);
  }
}
