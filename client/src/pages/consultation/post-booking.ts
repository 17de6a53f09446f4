import { ApiError, apiCall } from '../../api.ts';
import type { ConsultationView } from './booking-types.ts';

/** BOOK-3: 3-D Secure steps for one booking; a bank that keeps asking after this many has failed it. */
const MAX_AUTHENTICATION_ROUNDS = 3;

/** A 402 `authentication_required` of the booking: the hold waiting for the bank, and its secret for the provider's script. */
export interface AuthenticationChallenge {
  holdRef: string;
  clientSecret: string;
}

/** SPEC §11 `POST /api/consultations`. */
export interface BookingRequest {
  expertSlug: string;
  mode: 'video' | 'phone';
  startAt: string | null;
  budgetCents?: number;
  packageId?: string;
  phoneNumber?: string;
  paymentMethod: string;
  discountCode?: string;
  acceptTerms: true;
  waiveWithdrawal: true;
}

/**
 * BOOK-3: posts the booking; when the bank asks for 3-D Secure, runs its step and posts the same
 * booking again naming the hold, so the server books on the hold the client just authenticated.
 */
export async function postBooking(body: BookingRequest, authenticate: (challenge: AuthenticationChallenge) => Promise<void>): Promise<ConsultationView> {
  let authenticatedHoldRef: string | undefined;
  for (let round = 0; ; round++) {
    try {
      return await apiCall<ConsultationView>('POST', '/api/consultations', { json: authenticatedHoldRef ? { ...body, authenticatedHoldRef } : body });
    } catch (error) {
      const challenge = authenticationChallenge(error);
      if (!challenge || round >= MAX_AUTHENTICATION_ROUNDS) throw error;
      await authenticate(challenge);
      authenticatedHoldRef = challenge.holdRef;
    }
  }
}

function authenticationChallenge(error: unknown): AuthenticationChallenge | undefined {
  if (!(error instanceof ApiError) || error.code !== 'authentication_required') return undefined;
  const { holdRef, clientSecret } = error.details;
  return typeof holdRef === 'string' && typeof clientSecret === 'string' ? { holdRef, clientSecret } : undefined;
}
