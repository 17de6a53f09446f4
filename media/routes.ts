import { z } from 'zod';
import type { Api } from '../server/platform/http.ts';
import type { Database } from '../server/platform/database.ts';
import type { Clock } from '../server/platform/clock.ts';
import { conflict, notFound } from '../server/platform/errors.ts';
import { readMediaConsultation, type MediaConsultation } from './store.ts';
import type { JoinPurpose, JoinTokens } from './join-tokens.ts';
import { pickProbeNode, placeRoom } from './cluster/node-registry.ts';
import { SIGNALING_PATH, type Party } from './signaling/messages.ts';

/**
 * MEDIA-1 / BOOK-4 / BOOK-5: who may enter a consultation's room, and when. Only its two
 * parties; an immediate request as soon as it is made (the expert's arrival accepts it), an
 * appointment from its start time; never a consultation that is over or not by video.
 */
export function joiningParty(consultation: MediaConsultation | undefined, userId: string, now: Date): Party {
  const party = consultation?.expertId === userId ? 'expert' : consultation?.clientId === userId ? 'client' : undefined;
  // A third party learns nothing, not even that the consultation exists.
  if (!consultation || !party) throw notFound('Consultation');
  if (consultation.mode !== 'video') throw conflict('not_a_video_consultation', 'This consultation is not by video.');
  if (consultation.status === 'scheduled' && consultation.startAt && now < consultation.startAt) {
    throw conflict('not_started', 'The consultation room opens at the start time (BOOK-5).');
  }
  if (!['requested', 'scheduled', 'live'].includes(consultation.status)) {
    throw conflict('consultation_over', `This consultation is over (${consultation.status}).`);
  }
  return party;
}

/**
 * MEDIA-5: who may test their connection before entering: the two parties of a video
 * consultation that is not over, also before an appointment's start (that is when people check).
 */
export function probingParty(consultation: MediaConsultation | undefined, userId: string): Party {
  const party = consultation?.expertId === userId ? 'expert' : consultation?.clientId === userId ? 'client' : undefined;
  if (!consultation || !party) throw notFound('Consultation');
  if (consultation.mode !== 'video') throw conflict('not_a_video_consultation', 'This consultation is not by video.');
  if (!['requested', 'scheduled', 'live'].includes(consultation.status)) {
    throw conflict('consultation_over', `This consultation is over (${consultation.status}).`);
  }
  return party;
}

const joinTokenBody = z.object({ purpose: z.enum(['join', 'probe']).default('join') }).strict();

export function mediaRoutes(api: Api, deps: { db: Database; clock: Clock; joinTokens: JoinTokens }): void {
  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/join-token',
      summary:
        'MEDIA-1: a short-lived token to join the video room, for a party of the consultation, from its start, with the signaling URL of the media node holding the room (placed at the first join); with purpose "probe", for the device check\'s connection test (MEDIA-5), also before the start',
      tag: 'consultations',
      access: ['client', 'expert'],
      body: joinTokenBody,
    },
    async ({ req, user, body }) => {
      const consultationId = String(req.params['id']);
      if (!/^[0-9a-f-]{36}$/i.test(consultationId)) throw notFound('Consultation');
      const consultation = await readMediaConsultation(deps.db, consultationId);
      const purpose: JoinPurpose = body.purpose;
      const party = purpose === 'probe' ? probingParty(consultation, user!.id) : joiningParty(consultation, user!.id, deps.clock.now());
      // The room's node is decided here, once for both parties; the browser connects to it directly.
      const node = purpose === 'probe' ? await pickProbeNode(deps.db) : await placeRoom(deps.db, consultationId);
      const { token, expiresAt } = deps.joinTokens.issue({ consultationId, userId: user!.id, party, purpose, nodeId: node.nodeId });
      return { token, expiresAt: expiresAt.toISOString(), party, purpose, signalingPath: SIGNALING_PATH, signalingUrl: node.signalingUrl };
    },
  );
}
