/**
 * The shapes the expert workspace reads, taken from the server's own types so the pages and
 * the API cannot drift apart (type-only imports: no server code reaches the browser).
 */
import type { readAgenda } from '../../../../server/experts/agenda.ts';

export type { ExpertDashboard, ExpertAppointment, ChecklistItem, ChecklistKey } from '../../../../server/experts/dashboard.ts';
export type { AgendaAppointment, AgendaDay } from '../../../../server/experts/agenda.ts';
export type { PricingBreakdown, PackageBreakdown, RateBreakdown } from '../../../../server/pricing/breakdown.ts';
export type { RescheduleProposal } from '../../../../server/bookings/reschedule.ts';
export type { WalletView, WalletMovement } from '../../../../server/wallet/wallet.ts';
export type { KycView } from '../../../../server/wallet/kyc.ts';
export type { Payout } from '../../../../server/wallet/payouts.ts';
export type { Availability, AvailabilityException, WeeklyHours } from '../../../../server/availability/schedule.ts';
export type { PublicExpertProfile } from '../../../../server/experts/public-profile.ts';
export type { MonthEarnings } from '../../../../server/experts/workspace-earnings.ts';

export type Agenda = Awaited<ReturnType<typeof readAgenda>>;
