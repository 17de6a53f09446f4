import express, { type Request, type Response } from 'express';
import type { Database } from '../platform/database.ts';
import type { Logger } from '../platform/logger.ts';
import type { PhoneConsultations } from './phone-consultations.ts';
import type { CallFact, CallParty, CallStatus } from './provider.ts';
import {
  announcementTwiml,
  conferenceTwiml,
  gatherReturnCodeTwiml,
  hangupTwiml,
  notRecognisedTwiml,
  RETURN_CODE_DIGITS,
  TWILIO_INBOUND_PATH,
  TWILIO_STATUS_PATH,
  TWILIO_VOICE_PATH,
  validTwilioSignature,
} from './twilio.ts';
import { announcementFromQuery } from './announcements.ts';
import { normalisePhoneNumber } from '../platform/phone.ts';

/** Twilio's callbacks are a few hundred bytes of form fields. */
const WEBHOOK_BODY_LIMIT = '32kb';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** One query parameter we put in the callback URL; anything else (absent, repeated) reads as empty. */
function queryText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const SID = /^[A-Z]{2}[0-9a-zA-Z]{32}$/;
/** TEL-5: a caller not recognised by their number may type the code this many times. */
const RETURN_CODE_ATTEMPTS = 2;
const RETURN_CODE = new RegExp(`^\\d{${RETURN_CODE_DIGITS}}$`);

const CALL_STATUSES: Record<string, CallStatus> = {
  queued: 'initiated',
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'canceled',
};

/**
 * TEL-2: `POST /webhooks/twilio/voice`, `POST /webhooks/twilio/status` and (TEL-5) the Voice URL
 * of the platform's number, `POST /webhooks/twilio/inbound`, form-encoded and
 * verified with Twilio's signature over PUBLIC_URL + path + query and the form fields. An
 * unsigned or badly signed request is 403 and changes nothing; a valid one is turned into a
 * fact and handed to the phone runner, which records it once (replays are no-ops).
 */
export function twilioWebhookRoutes(deps: { authToken: string; publicUrl: string; phone: PhoneConsultations; db: Database; logger: Logger }): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: WEBHOOK_BODY_LIMIT });

  const verified = (req: Request, res: Response): Record<string, string> | undefined => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!validTwilioSignature(deps.authToken, req.header('x-twilio-signature'), deps.publicUrl + req.originalUrl, params)) {
      res.status(403).json({ error: { code: 'invalid_signature', message: 'The Twilio signature is missing or wrong.' } });
      return undefined;
    }
    return params;
  };

  router.post(TWILIO_VOICE_PATH, form, async (req, res) => {
    const params = verified(req, res);
    if (!params) return;
    res.type('text/xml');
    const announcement = announcementFromQuery(req.query);
    if (announcement) {
      res.send(announcementTwiml(announcement));
      return;
    }
    const consultationId = queryText(req.query['consultation']);
    const party = queryText(req.query['party']);
    if (!UUID.test(consultationId) || (party !== 'expert' && party !== 'client') || !(await deps.phone.isOnThePhone(consultationId))) {
      // A leg answered after the consultation ended (or a URL we never gave out) is hung up.
      res.send(hangupTwiml());
      return;
    }
    res.send(
      conferenceTwiml({
        conferenceName: `consulto-${consultationId}`,
        statusCallback: `${deps.publicUrl}${TWILIO_STATUS_PATH}?${new URLSearchParams({ consultation: consultationId })}`,
      }),
    );
  });

  /**
   * TEL-5: a call to TWILIO_FROM_NUMBER. A party who left a live consultation is recognised by
   * the number calling (their number on file) and goes straight back into the conference;
   * otherwise the caller is asked for the consultation's code (`<Gather>`), twice at most.
   */
  router.post(TWILIO_INBOUND_PATH, form, async (req, res) => {
    const params = verified(req, res);
    if (!params) return;
    res.type('text/xml');
    const callId = params['CallSid'] ?? '';
    const attempt = Number(req.query['attempt'] ?? 0);
    if (!SID.test(callId) || !Number.isInteger(attempt) || attempt < 0 || attempt > RETURN_CODE_ATTEMPTS) {
      res.send(notRecognisedTwiml());
      return;
    }
    const from = params['From'] ? normalisePhoneNumber(params['From']) : undefined;
    const digits = params['Digits'];
    const admitted = await deps.phone.admitReturningCaller({
      callId,
      from: attempt === 0 ? from : undefined,
      code: digits !== undefined && RETURN_CODE.test(digits) ? digits : undefined,
    });
    if (admitted) {
      res.send(
        conferenceTwiml({
          conferenceName: admitted.conferenceName,
          statusCallback: `${deps.publicUrl}${TWILIO_STATUS_PATH}?${new URLSearchParams({ consultation: admitted.consultationId })}`,
        }),
      );
      return;
    }
    if (attempt < RETURN_CODE_ATTEMPTS) {
      res.send(gatherReturnCodeTwiml(`${deps.publicUrl}${TWILIO_INBOUND_PATH}?${new URLSearchParams({ attempt: String(attempt + 1) })}`, attempt > 0));
      return;
    }
    res.send(notRecognisedTwiml());
  });

  router.post(TWILIO_STATUS_PATH, form, async (req, res) => {
    const params = verified(req, res);
    if (!params) return;
    const consultationId = queryText(req.query['consultation']);
    if (!UUID.test(consultationId)) {
      res.status(400).json({ error: { code: 'invalid_request', message: 'Unknown consultation in the callback URL.' } });
      return;
    }
    const fact = await toFact(deps.db, consultationId, queryText(req.query['party']), params);
    if (!fact) {
      // Conference start/end, or a leg we never placed: nothing for the runner.
      res.status(204).end();
      return;
    }
    await deps.phone.onFact(fact);
    res.status(204).end();
  });

  return router;
}

async function toFact(db: Database, consultationId: string, partyParam: string, params: Record<string, string>): Promise<CallFact | undefined> {
  const callId = params['CallSid'];
  if (!callId || !SID.test(callId)) return undefined;
  const event = params['StatusCallbackEvent'];
  if (event === 'participant-join' || event === 'participant-leave') {
    const conferenceId = params['ConferenceSid'] ?? '';
    // The conference's callback URL is shared by both legs: the party comes from the legs we placed.
    const [call] = await db.query<{ party: CallParty }>('SELECT party FROM phone_calls WHERE call_id = $1 AND consultation_id = $2', [callId, consultationId]);
    if (!call || !SID.test(conferenceId)) return undefined;
    return {
      kind: event === 'participant-join' ? 'conference_joined' : 'conference_left',
      factId: `twilio:${conferenceId}:${event}:${callId}:${params['SequenceNumber'] ?? ''}`,
      consultationId,
      party: call.party,
      callId,
      conferenceId,
    };
  }
  if (event !== undefined) return undefined;
  const status = CALL_STATUSES[params['CallStatus'] ?? ''];
  if (!status || (partyParam !== 'expert' && partyParam !== 'client')) return undefined;
  return {
    kind: 'call_status',
    factId: `twilio:${callId}:${params['CallStatus']}:${params['SequenceNumber'] ?? ''}`,
    consultationId,
    party: partyParam,
    callId,
    status,
  };
}
