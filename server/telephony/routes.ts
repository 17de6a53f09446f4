import type { Database } from '../platform/database.ts';
import type { Api } from '../platform/http.ts';
import { notFound } from '../platform/errors.ts';
import { settleConsultation, type ConsultationTerms } from '../billing/index.ts';
import type { PhoneConsultations } from './phone-consultations.ts';

/**
 * BILL-3: the live display of a phone consultation for its parties (a page open next to the
 * phone): elapsed connected time and running cost, computed by the settlement code from the
 * frozen terms, so the display and the bill cannot disagree.
 */
export function phoneRoutes(api: Api, deps: { db: Database; phone: PhoneConsultations }): void {
  api.route(
    {
      method: 'get',
      path: '/api/consultations/:id/phone',
      summary: 'Live state of a phone consultation (BILL-3): connected seconds, seconds left and running cost',
      tag: 'telephony',
      access: 'user',
    },
    async ({ req, user }) => {
      const id = String(req.params['id']);
      const [row] = await deps.db.query<{ client_id: string; expert_id: string; mode: string; status: string; terms: ConsultationTerms; connected_seconds: number }>(
        'SELECT client_id, expert_id, mode, status, terms, connected_seconds FROM consultations WHERE id = $1',
        [id],
      );
      const party = row && (row.client_id === user!.id || row.expert_id === user!.id || user!.role === 'admin');
      if (!row || !party || row.mode !== 'phone') throw notFound('Consultation');
      const view = deps.phone.view(id);
      const connectedSeconds = view?.connectedSeconds ?? row.connected_seconds;
      const quote = settleConsultation(row.terms, connectedSeconds);
      return {
        consultationId: id,
        status: row.status,
        onThePhone: view !== undefined,
        meterRunning: view?.running ?? false,
        connectedSeconds,
        maxSeconds: quote.maxSeconds,
        secondsLeft: Math.max(0, quote.maxSeconds - connectedSeconds),
        chargeCents: quote.chargeCents,
      };
    },
  );
}
