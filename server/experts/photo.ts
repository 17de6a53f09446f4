import { badRequest } from '../platform/errors.ts';

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTO_CONTENT_TYPES = ['image/png', 'image/jpeg'] as const;
export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** The declared type must match the bytes: a photo is shown on third-party sites (EXP-3). */
export function assertPhoto(bytes: unknown, contentType: string | undefined): { bytes: Buffer; contentType: PhotoContentType } {
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
    throw badRequest('invalid_photo', 'Send the photo as the raw body with Content-Type image/png or image/jpeg.');
  }
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  const signature = type === 'image/png' ? PNG_SIGNATURE : type === 'image/jpeg' ? JPEG_SIGNATURE : undefined;
  if (!signature || !bytes.subarray(0, signature.length).equals(signature)) {
    throw badRequest('invalid_photo', 'The photo must be a PNG or JPEG image matching its Content-Type.');
  }
  return { bytes, contentType: type as PhotoContentType };
}
