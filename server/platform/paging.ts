import { z } from 'zod';
import { badRequest } from './errors.ts';

/**
 * Every list of the API is paged (STYLE: a limit on everything). Two forms: page numbers for
 * lists sorted in several ways (the admin console), opaque cursors for long lists read newest
 * first (the client area). A bad page, limit or cursor is a 400, never an empty page.
 */

/** Page numbers stop here: past it, a filter or a search is the way to find something. */
export const MAX_PAGE_NUMBER = 10_000;

export function pageQuery(maxLimit: number, defaultLimit: number) {
  return z.object({
    page: z.coerce.number().int().min(1).max(MAX_PAGE_NUMBER).default(1),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  });
}

export interface PageInfo {
  page: number;
  limit: number;
  total: number;
  hasMore: boolean;
}

export function pageInfo(page: { page: number; limit: number }, total: number): PageInfo {
  return { page: page.page, limit: page.limit, total, hasMore: page.page * page.limit < total };
}

export const offsetOf = (page: { page: number; limit: number }) => (page.page - 1) * page.limit;

/** A cursor is the sort key of the last item seen, opaque to clients (base64url of its parts). */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, check: (parts: string[]) => boolean): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string') || !check(parts)) {
    throw badRequest('invalid_cursor', 'This page cursor is not one the API gave.', 'before');
  }
  return parts;
}
