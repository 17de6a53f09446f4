import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Logger } from '../platform/logger.ts';
import { notFound } from '../platform/errors.ts';
import type { ConsultationStateMachine } from './state-machine.ts';
import { readConsultation, type ConsultationView } from './view.ts';

/**
 * BOOK-4, SPEC §11: the expert answers an immediate request. Accept: by video the expert goes
 * straight into the room (`/salle/<id>`, their arrival makes it live), by phone the calls start
 * at once. Decline: the request ends as `expired`, nothing is charged, the client is told at once.
 * Both are safe to repeat.
 */
export function requestRoutes(
  api: Api,
  deps: { db: Database; consultations: ConsultationStateMachine; startPhoneCalls: (consultationId: string) => Promise<void>; logger: Logger },
): void {
  const { db, consultations } = deps;
  const tag = 'consultations';

  /** Only the consultation's own expert; anyone else learns nothing of it. */
  const ownRequest = async (id: string, user: { id: string; role: string }): Promise<ConsultationView> => {
    const view = await readConsultation(db, id, user);
    if (!view || view.expert.id !== user.id) throw notFound('Consultation');
    return view;
  };

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/accept',
      summary: 'BOOK-4: the expert accepts an immediate request: the consultation, joinable at once (by phone, the calls start)',
      tag,
      access: ['expert'],
    },
    async ({ req, user }) => {
      const id = String(req.params['id']);
      const view = await ownRequest(id, user!);
      await consultations.acceptRequest(id);
      if (view.mode === 'phone') {
        // TEL-1: the expert's phone rings now; already ringing (the request started the calls), nothing more happens.
        await deps
          .startPhoneCalls(id)
          .catch((error: unknown) => deps.logger.error({ err: error, consultationId: id }, 'starting the calls of an accepted request failed'));
      }
      return readConsultation(db, id, user!);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/decline',
      summary: 'BOOK-4: the expert declines an immediate request: status expired, the hold released, nothing charged',
      tag,
      access: ['expert'],
    },
    async ({ req, user }) => {
      const id = String(req.params['id']);
      await ownRequest(id, user!);
      await consultations.declineRequest(id);
      return readConsultation(db, id, user!);
    },
  );
}
