import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** A JSON answer serialised once, with its entity tag, for an answer sent many times unchanged. */
export interface JsonBody {
  text: string;
  etag: string;
}

export function jsonBody(value: unknown): JsonBody {
  const text = JSON.stringify(value);
  return { text, etag: `W/"${createHash('sha1').update(text).digest('base64url')}"` };
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Sends it as `res.json` would (Express answers 304 to a matching If-None-Match), without serialising or hashing it again. */
export function sendJsonBody(res: Response, body: JsonBody): void {
  res.setHeader('ETag', body.etag);
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.send(body.text);
}

/**
 * An answer computed for this request only (a quote for these seconds and this budget): not to be
 * stored, so it carries no entity tag, which would cost a hash of every answer for nothing.
 */
export function sendUncachedJson(res: Response, value: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.end(JSON.stringify(value));
}
