import express from 'express';
import { AppError } from '../platform/errors.ts';
import type { PhoneConsultations } from './phone-consultations.ts';
import type { SimulatedTelephony, SimulatorAction } from './simulator.ts';

const ACTIONS: readonly SimulatorAction[] = ['answer', 'hangup', 'drop', 'reconnect'];

/**
 * TEL-4, development only (never mounted when NODE_ENV=production): drive each simulated phone
 * as its owner would. `GET /dev/telephony/calls` lists the phones and the live meters;
 * `POST /dev/telephony/calls/:callId/answer|hangup|drop|reconnect` acts on one, and answers once
 * the phone runner has decided what that means. The client page /dev/phones uses these.
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
    const call = await deps.simulator.act(String(req.params['callId']), action);
    await deps.phone.idle();
    noStore(res).json({ call });
  });

  /** Starts calling for a phone consultation by hand (the booking state machine does it otherwise). */
  router.post('/dev/telephony/consultations/:consultationId/start', async (req, res) => {
    await deps.phone.start(String(req.params['consultationId']));
    await deps.phone.idle();
    await deps.simulator.idle();
    await deps.phone.idle();
    noStore(res).status(202).json({ started: true });
  });

  return router;
}
