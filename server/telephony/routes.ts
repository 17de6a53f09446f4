import type { Database } from '../platform/database.ts';
import type { Api } from '../platform/http.ts';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { parsePhoneNumber } from '../platform/phone.ts';
import { surchargeZoneForCountry } from '../billing/index.ts';
import { readConsultation } from '../bookings/view.ts';
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
      const [row] = await deps.db.query<{
        client_id: string;
        expert_id: string;
        mode: string;
        status: string;
        terms: ConsultationTerms;
        connected_seconds: number;
      }>('SELECT client_id, expert_id, mode, status, terms, connected_seconds FROM consultations WHERE id = $1', [id]);
      const party = row && (row.client_id === user!.id || row.expert_id === user!.id || user!.role === 'admin');
      if (!row || !party || row.mode !== 'phone') throw notFound('Consultation');
      // Scale out: the session may run on another API node; then its recorded facts tell the same time.
      const view = deps.phone.view(id) ?? (row.status === 'live' ? await deps.phone.viewElsewhere(id, settleConsultation(row.terms, 0).maxSeconds) : undefined);
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

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/end',
      summary: 'The expert ends a live phone consultation from the workspace (TEL-5): both calls are hung up, the connected time is billed',
      tag: 'telephony',
      access: ['expert'],
    },
    async ({ req, user }) => {
      const id = String(req.params['id']);
      const [row] = await deps.db.query<{ expert_id: string; mode: string; status: string }>(
        'SELECT expert_id, mode, status FROM consultations WHERE id = $1',
        [id],
      );
      if (!row || row.expert_id !== user!.id) throw notFound('Consultation');
      if (row.mode !== 'phone') throw conflict('not_a_phone_consultation', 'A video consultation ends from the room.');
      if (row.status !== 'live' || !(await deps.phone.endByExpert(id))) throw conflict('not_on_the_phone', 'This consultation is not on the phone now.');
      return readConsultation(deps.db, id, user!);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/phone-numbers/lookup',
      summary: 'TEL-6: a phone number parsed and validated (libphonenumber-js): E.164 form, country and BILL-8 surcharge tier; 400 invalid_phone_number',
      tag: 'telephony',
      access: 'public',
      query: z.object({ number: z.string().min(1).max(40) }),
    },
    ({ query }) => {
      const parsed = parsePhoneNumber(query.number);
      if (!parsed) throw badRequest('invalid_phone_number', 'This is not a valid phone number, e.g. +33612345678.', 'number');
      return { e164: parsed.e164, country: parsed.country, surchargeZone: surchargeZoneForCountry(parsed.country) };
    },
  );
}
