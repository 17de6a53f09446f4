/**
 * Serving the built web client (§13 phone arrival): files compressed at build time (brotli, else
 * gzip) chosen by the browser's Accept-Encoding, hashed files (`/assets/*`) cached for a year and
 * never revalidated, and the HTML never served stale. Every address the client routes itself gets
 * the same HTML, with the link-preview tags its page deserves in the head.
 */
import express, { type Request, type Response } from 'express';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Hashed file names change with their content: a browser may keep them forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The HTML names the current hashed files: it is revalidated at every visit. */
const REVALIDATE = 'no-cache';
const HASHED_PREFIX = '/assets/';
/** What the build precompresses (client/precompress.ts), in order of preference. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
type Encoding = (typeof ENCODINGS)[number];
/** The HTML is made per request (link previews): a quick brotli level, it is a couple of kilobytes. */
const HTML_BROTLI_QUALITY = 5;

export interface WebClientOptions {
  distDir: string;
  /** The head tags of an address (title, description, link preview), made by the caller. */
  headFor: (path: string) => Promise<string>;
}

export function webClientRouter({ distDir, headFor }: WebClientOptions): express.Router {
  const router = express.Router();
  const variants = precompressedFiles(distDir);

  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const encoding = variants.has(req.path) ? acceptedEncoding(req, (candidate) => variants.get(req.path)!.has(candidate.name)) : undefined;
    if (variants.has(req.path)) res.vary('Accept-Encoding');
    if (!encoding) return next();
    // The file's own type and the variant's bytes: express.static keeps a Content-Type already set.
    res.type(extname(req.path));
    res.setHeader('Content-Encoding', encoding.name);
    req.url = req.path + encoding.suffix + req.url.slice(req.path.length);
    next();
  });
  router.use(
    express.static(distDir, {
      index: false,
      setHeaders: (res, path) =>
        res.setHeader('Cache-Control', `/${relative(distDir, path).split(sep).join('/')}`.startsWith(HASHED_PREFIX) ? IMMUTABLE : REVALIDATE),
    }),
  );
  // A missing hashed file is a 404, not the HTML: a browser holding an old page must not run HTML as a script.
  router.use(HASHED_PREFIX, (_req, res) => void res.status(404).type('text/plain').setHeader('Cache-Control', REVALIDATE).send('Not found'));

  let template: { mtimeMs: number; html: string } | undefined;
  const readTemplate = async (): Promise<string> => {
    const path = join(distDir, 'index.html');
    const { mtimeMs } = await stat(path);
    if (template?.mtimeMs !== mtimeMs) template = { mtimeMs, html: await readFile(path, 'utf8') };
    return template.html;
  };

  // The web client routes itself (/consultation/<slug>, /inscription/<slug>, …). No route pattern
  // here: nothing is decoded, so a mistyped address (`/consultation/%E0`) is the client's "not found".
  router.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    try {
      const [html, head] = await Promise.all([readTemplate(), headFor(req.path)]);
      sendHtml(req, res, withHead(html, head));
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** The built page's own title and description make way for the address's tags. */
function withHead(html: string, head: string): string {
  return html
    .replace(/\s*<title>[^<]*<\/title>/, '')
    .replace(/\s*<meta name="description"[^>]*>/, '')
    .replace('</head>', `  ${head}\n  </head>`);
}

function sendHtml(req: Request, res: Response, html: string): void {
  res.setHeader('Cache-Control', REVALIDATE);
  res.vary('Accept-Encoding');
  res.type('html');
  const encoding = acceptedEncoding(req, () => true);
  if (!encoding) return void res.send(html);
  const body = encoding.name === 'br' ? brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: HTML_BROTLI_QUALITY } }) : gzipSync(html);
  res.setHeader('Content-Encoding', encoding.name);
  res.send(body);
}

/** The first of our encodings the browser accepts (`q=0` refuses one; `*` accepts the others). */
function acceptedEncoding(req: Request, available: (encoding: Encoding) => boolean): Encoding | undefined {
  const accepted = new Map<string, number>();
  for (const part of String(req.headers['accept-encoding'] ?? '').split(',')) {
    const [name, ...parameters] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const wildcard = accepted.get('*');
  return ENCODINGS.find((encoding) => {
    const q = accepted.get(encoding.name) ?? wildcard ?? 0;
    return q > 0 && available(encoding);
  });
}

/** `/assets/app.js` → the encodings written beside it at build time. */
function precompressedFiles(distDir: string): Map<string, Set<string>> {
  const variants = new Map<string, Set<string>>();
  if (!existsSync(distDir)) return variants;
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) {
        if (name !== '.vite') walk(path);
        continue;
      }
      const encoding = ENCODINGS.find((candidate) => name.endsWith(candidate.suffix));
      if (!encoding) continue;
      const original = `/${relative(distDir, path.slice(0, -encoding.suffix.length)).split(sep).join('/')}`;
      if (!existsSync(join(distDir, original))) continue;
      if (!variants.has(original)) variants.set(original, new Set());
      variants.get(original)!.add(encoding.name);
    }
  };
  walk(distDir);
  return variants;
}
