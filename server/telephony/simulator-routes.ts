import express from 'express';
import { z } from 'zod';
import { normalisePhoneNumber } from '../platform/phone.ts';
import { AppError } from '../platform/errors.ts';
import { ID_PARAM } from '../platform/path-params.ts';
import type { PhoneConsultations } from './phone-consultations.ts';
import type { SimulatedTelephony, SimulatorAction } from './simulator.ts';

const ACTIONS: readonly SimulatorAction[] = ['answer', 'hangup', 'drop', 'call-platform'];
/** TEL-5: what a phone may send when calling the platform: its number and, maybe, the keypad code. */
const callPlatformBody = z
  .object({
    from: z.string().max(32).optional(),
    code: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .strict();

/**
 * TEL-4, development only (never mounted when NODE_ENV=production): drive each simulated phone
 * as its owner would. `GET /dev/telephony/calls` lists the phones and the live meters;
 * `POST /dev/telephony/calls/:callId/answer|hangup|drop|call-platform` acts on one (call-platform:
 * that phone calls the platform's number back, TEL-5, optionally with `{code}`), and
 * `POST /dev/telephony/call-platform {from, code?}` is any phone calling the platform. Each
 * answers once the phone runner has decided what the action means. The page /simulateur-telephone uses these.
 */
export function simulatorRoutes(deps: { simulator: SimulatedTelephony; phone: PhoneConsultations }): express.Router {
  const router = express.Router();
  const noStore = (res: express.Response) => res.set('Cache-Control', 'no-store');

  router.get('/dev/telephony/calls', (_req, res) => {
    const calls = deps.simulator.calls();
    const consultationIds = [...new Set(calls.map((call) => call.consultationId))];
    const meters = consultationIds.map((id) => deps.phone.view(id)).filter((view) => view !== undefined);
    noStore(res).json({ calls, meters: meters.map(({ legs: _legs, ...meter }) => meter) });
  });

  /** BOOK-4: the texts the simulated phones received (the expert's SMS for an immediate request). */
  router.get('/dev/telephony/messages', (_req, res) => {
    noStore(res).json({ messages: deps.simulator.messages() });
  });

  router.post('/dev/telephony/calls/:callId/:action', async (req, res) => {
    const action = req.params['action'] as SimulatorAction;
    if (!ACTIONS.includes(action)) throw new AppError(404, 'not_found', 'No such route.');
    const body = parseBody(req.body);
    const call = await deps.simulator.act(String(req.params['callId']), action, body.code);
    await deps.phone.idle();
    noStore(res).json({ call });
  });

  router.post('/dev/telephony/call-platform', async (req, res) => {
    const body = parseBody(req.body);
    const from = body.from === undefined ? undefined : normalisePhoneNumber(body.from);
    if (!from) throw new AppError(400, 'invalid_phone_number', 'from must be the calling phone number.', 'from');
    const call = await deps.simulator.callPlatform({ from, code: body.code });
    await deps.phone.idle();
    noStore(res).json({ call });
  });

  /** Starts calling for a phone consultation by hand (the booking state machine does it otherwise). */
  router.post('/dev/telephony/consultations/:consultationId/start', async (req, res) => {
    const consultationId = String(req.params['consultationId']);
    if (!ID_PARAM.safeParse(consultationId).success) throw new AppError(404, 'not_found', 'No such consultation.');
    await deps.phone.start(consultationId);
    await deps.phone.idle();
    await deps.simulator.idle();
    await deps.phone.idle();
    noStore(res).status(202).json({ started: true });
  });

  return router;
}

function parseBody(body: unknown): z.infer<typeof callPlatformBody> {
  const parsed = callPlatformBody.safeParse(body ?? {});
  if (!parsed.success) throw new AppError(400, 'invalid_request', 'Expected {from?, code?: six digits}.', String(parsed.error.issues[0]?.path[0] ?? ''));
  return parsed.data;
}
