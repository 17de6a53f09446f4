/**
 * BOOK-6: every link in every email opens a working page of the web client. There is no page of
 * one consultation: an expert's consultations are in the workspace (`/espace`, where immediate
 * requests are accepted), a client's in the client area (`/compte`); an email that says "join"
 * a video consultation leads straight into its room (`/salle/<id>`).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const WORKSPACE_PATH = '/espace';
export const CLIENT_AREA_PATH = '/compte';
export const WALLET_PATH = '/portefeuille';

export function emailConsultationUrl(publicUrl: string, input: { consultationId: string; recipientRole: string; mode?: string; join?: boolean }): string {
  if (input.join && input.mode === 'video' && UUID.test(input.consultationId)) return `${publicUrl}/salle/${input.consultationId}`;
  return `${publicUrl}${input.recipientRole === 'expert' ? WORKSPACE_PATH : CLIENT_AREA_PATH}`;
}
