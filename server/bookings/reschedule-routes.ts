import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import { readConsultation } from './view.ts';
import type { RescheduleService } from './reschedule.ts';

const rescheduleBody = z.object({ startAt: z.iso.datetime({ offset: true }) }).strict();
const proposalBody = z.object({ proposalId: z.string().min(1).max(64) }).strict();

/** BOOK-7 over HTTP (SPEC §11 `POST /api/consultations/:id/reschedule` and the client's answer to a proposal). */
export function rescheduleRoutes(api: Api, deps: { db: Database; reschedules: RescheduleService }) {
  const { db, reschedules } = deps;
  const tag = 'consultations';

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/reschedule',
      summary:
        'BOOK-7: move an appointment. More than 48 h before the start: 200, the consultation moved. Within 48 h, the expert only: 202, a proposal waiting for the client. 409 slot_taken',
      tag,
      access: ['client', 'expert'],
      body: rescheduleBody,
    },
    async ({ req, body, user, res }) => {
      const id = String(req.params['id']);
      const result = await reschedules.request(user!, id, body.startAt);
      if (result.outcome === 'proposed') {
        res.status(202).json({ proposal: result.proposal });
        return undefined;
      }
      return readConsultation(db, id, user!);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/consultations/:id/reschedule-proposal',
      summary: "BOOK-7: the expert's open proposal of a new time, or null",
      tag,
      access: ['client', 'expert'],
    },
    async ({ req, user }) => ({ proposal: await reschedules.openProposal(user!, String(req.params['id'])) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/reschedule-proposal/accept',
      summary: "BOOK-7: the client accepts the expert's proposal; the appointment moves (409 slot_taken if the time was taken meanwhile)",
      tag,
      access: ['client'],
      body: proposalBody,
    },
    async ({ req, body, user }) => {
      const id = String(req.params['id']);
      await reschedules.accept(user!.id, id, body.proposalId);
      return readConsultation(db, id, user!);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/reschedule-proposal/refuse',
      summary: "BOOK-7: the client refuses the expert's proposal; the appointment stays as it was",
      tag,
      access: ['client'],
      body: proposalBody,
    },
    async ({ req, body, user }) => ({ proposal: await reschedules.refuse(user!.id, String(req.params['id']), body.proposalId) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/reschedule-proposal/withdraw',
      summary: 'BOOK-7: the expert withdraws their open proposal',
      tag,
      access: ['expert'],
      body: proposalBody,
    },
    async ({ req, body, user }) => ({ proposal: await reschedules.withdraw(user!.id, String(req.params['id']), body.proposalId) }),
  );
}
