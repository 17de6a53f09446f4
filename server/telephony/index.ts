import type express from 'express';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Timers } from '../metering/deadline-queue.ts';
import type { ConsultationLifecycle } from './lifecycle.ts';
import { PhoneConsultations } from './phone-consultations.ts';
import { SimulatedTelephony } from './simulator.ts';
import { simulatorRoutes } from './simulator-routes.ts';
import { TwilioTelephony } from './twilio.ts';
import { twilioWebhookRoutes } from './twilio-webhooks.ts';
import type { TelephonyProvider } from './provider.ts';

export { PhoneConsultations } from './phone-consultations.ts';
export { StateMachineLifecycle, type ConsultationLifecycle, type ConsultationStatusOwner, type PhoneEndReason } from './lifecycle.ts';
export { SimulatedTelephony } from './simulator.ts';
export type { CallFact, CallParty, TelephonyProvider } from './provider.ts';

/** SPEC §12: Twilio when its three variables are set, else the local simulator (TEL-4). */
export type TelephonyConfig =
  { provider: 'simulator' } | { provider: 'twilio'; accountSid: string; authToken: string; fromNumber: string; apiUrl: string | undefined };

export interface Telephony {
  phone: PhoneConsultations;
  /** Texts (BOOK-4) go through the same provider as the calls. */
  provider: TelephonyProvider;
  /** Present only with the simulator. */
  simulator: SimulatedTelephony | undefined;
  /** Webhooks (always) and the simulator's development routes (outside production only). */
  routers: express.Router[];
  /** Tests: every callback and decision in flight is done. */
  idle(): Promise<void>;
  /** Tests on a manual clock: the simulator's ring timeouts (TEL-4), then the runner's deadlines. */
  runDue(): Promise<void>;
}

export function createTelephony(deps: {
  config: TelephonyConfig;
  env: 'development' | 'production' | 'test';
  publicUrl: string;
  db: Database;
  clock: Clock;
  logger: Logger;
  lifecycle: ConsultationLifecycle;
  timers?: Timers;
  /** This node's name: the owner written in the leases of the phone sessions it runs. */
  nodeId?: string;
}): Telephony {
  const { config, db, clock, logger } = deps;
  if (config.provider === 'twilio') {
    const provider = new TwilioTelephony({ ...config, publicUrl: deps.publicUrl });
    const phone = new PhoneConsultations({ db, clock, logger, provider, lifecycle: deps.lifecycle, timers: deps.timers, nodeId: deps.nodeId });
    return {
      phone,
      provider,
      simulator: undefined,
      routers: [twilioWebhookRoutes({ authToken: config.authToken, publicUrl: deps.publicUrl, phone, db, logger })],
      idle: () => phone.idle(),
      runDue: () => phone.runDue(),
    };
  }
  const simulator = new SimulatedTelephony({ clock, timers: deps.timers });
  const phone = new PhoneConsultations({ db, clock, logger, provider: simulator, lifecycle: deps.lifecycle, timers: deps.timers, nodeId: deps.nodeId });
  simulator.connect(
    async (fact) => {
      await phone.onFact(fact);
    },
    (input) => phone.admitReturningCaller(input),
  );
  return {
    phone,
    provider: simulator,
    simulator,
    routers: deps.env === 'production' ? [] : [simulatorRoutes({ simulator, phone })],
    idle: async () => {
      // Callbacks start decisions and decisions send callbacks: wait until both are quiet.
      do {
        await simulator.idle();
        await phone.idle();
      } while (simulator.busy || phone.busy);
    },
    runDue: async () => {
      simulator.runDue();
      await simulator.idle();
      await phone.runDue();
    },
  };
}
