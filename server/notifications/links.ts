/**
 * BOOK-6: every link in every email opens a working page of the web client. A consultation's own
 * page (`/consultations/<id>`) serves both parties: where it stands, the expert's Accept / Decline
 * of an immediate request, the way in, the receipt; an email that says "join" a video
 * consultation leads straight into its room (`/salle/<id>`, which opens on the device check).
 * Without a consultation's id, the expert's workspace (`/espace`) or the client's area (`/compte`).
 */
import { consultationPageUrl } from './calendar-identity.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const WORKSPACE_PATH = '/espace';
export const CLIENT_AREA_PATH = '/compte';
export const WALLET_PATH = '/espace/portefeuille';

export function emailConsultationUrl(publicUrl: string, input: { consultationId: string; recipientRole: string; mode?: string; join?: boolean }): string {
  if (!UUID.test(input.consultationId)) return `${publicUrl}${input.recipientRole === 'expert' ? WORKSPACE_PATH : CLIENT_AREA_PATH}`;
  if (input.join && input.mode === 'video') return `${publicUrl}/salle/${input.consultationId}`;
  return consultationPageUrl(publicUrl, input.consultationId);
}
