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

/** Sends it as `res.json` would (Express answers 304 to a matching If-None-Match), without serialising or hashing it again. */
export function sendJsonBody(res: Response, body: JsonBody): void {
  res.setHeader('ETag', body.etag);
  res.type('json').send(body.text);
}
