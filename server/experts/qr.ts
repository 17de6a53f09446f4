import QRCode from 'qrcode';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { z } from 'zod';

/** EXP-2 / REF-1: PNG side in pixels; large enough to print, small enough to stay a few kB. */
export const QR_PNG_DEFAULT_PIXELS = 512;
export const QR_PNG_MIN_PIXELS = 128;
export const QR_PNG_MAX_PIXELS = 2048;
/** Medium error correction survives a small logo or a smudge on a printed flyer. */
const ERROR_CORRECTION = 'M';
const QUIET_ZONE_MODULES = 4;
const CACHE_SECONDS = 3600;

export const consultationUrlOf = (publicUrl: string, slug: string) => `${publicUrl}/consultation/${slug}`;
export const signupUrlOf = (publicUrl: string, slug: string) => `${publicUrl}/inscription/${slug}`;

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: ERROR_CORRECTION, margin: QUIET_ZONE_MODULES });
}

export function qrPng(url: string, pixels: number = QR_PNG_DEFAULT_PIXELS): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: ERROR_CORRECTION, margin: QUIET_ZONE_MODULES, width: pixels });
}

/** `?download=1` asks the browser to save the file instead of showing it (a plain link cannot, cross-origin). */
const download = z.enum(['0', '1']).optional();
const svgQuery = z.object({ download }).strict();
const pngQuery = z.object({ size: z.coerce.number().int().min(QR_PNG_MIN_PIXELS).max(QR_PNG_MAX_PIXELS).default(QR_PNG_DEFAULT_PIXELS), download }).strict();

/**
 * EXP-2: QR code of the consultation URL; REF-1: QR code of the signup URL. Public (they are
 * printed on flyers and business cards) and embeddable from other sites.
 */
export function qrRoutes(api: Api, deps: { db: Database; publicUrl: string }) {
  const { db, publicUrl } = deps;
  const tag = 'experts';
  const activeSlug = async (slug: string): Promise<string> => {
    const [row] = await db.query<{ slug: string }>(
      `SELECT e.slug FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.slug = $1 AND u.status = 'active'`,
      [slug],
    );
    if (!row) throw notFound('Expert');
    return row.slug;
  };
  const variants = [
    { suffix: 'qr', what: 'consultation URL (EXP-2)', urlOf: consultationUrlOf },
    { suffix: 'signup-qr', what: 'referral signup URL (REF-1)', urlOf: signupUrlOf },
  ] as const;
  for (const variant of variants) {
    api.route(
      {
        method: 'get',
        path: `/api/experts/:slug/${variant.suffix}.svg`,
        summary: `QR code of the ${variant.what}, SVG`,
        tag,
        access: 'public',
        query: svgQuery,
      },
      async ({ req, res, query }) => {
        const slug = await activeSlug(String(req.params['slug']));
        const svg = await qrSvg(variant.urlOf(publicUrl, slug));
        qrHeaders(res, `consulto-${slug}-${variant.suffix}.svg`, query.download === '1')
          .type('image/svg+xml')
          .send(svg);
      },
    );
    api.route(
      {
        method: 'get',
        path: `/api/experts/:slug/${variant.suffix}.png`,
        summary: `QR code of the ${variant.what}, PNG`,
        tag,
        access: 'public',
        query: pngQuery,
      },
      async ({ req, res, query }) => {
        const slug = await activeSlug(String(req.params['slug']));
        const png = await qrPng(variant.urlOf(publicUrl, slug), query.size);
        qrHeaders(res, `consulto-${slug}-${variant.suffix}.png`, query.download === '1')
          .type('image/png')
          .send(png);
      },
    );
  }
}

function qrHeaders<R extends { set(field: string, value: string): R }>(res: R, filename: string, attachment: boolean): R {
  return res
    .set('Cache-Control', `public, max-age=${CACHE_SECONDS}`)
    .set('Cross-Origin-Resource-Policy', 'cross-origin')
    .set('Content-Disposition', `${attachment ? 'attachment' : 'inline'}; filename="${filename}"`);
}
