/**
 * §10: every email the platform sends goes through this interface. The domain says *what*
 * happened to *whom*; the notifications module picks the template in the user's language
 * (fr/en), renders it, attaches what the event needs (an .ics for appointments, BOOK-6) and
 * hands it to the mail transport (SMTP, or the local mailbox in development).
 */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** The events that send an email. Each has one template per language (docs/notifications.md). */
export type NotificationEvent =
  | 'expert_welcome'
  | 'booking_confirmed_client'
  | 'booking_confirmed_expert'
  | 'immediate_request_expert'
  | 'immediate_request_expired'
  | 'immediate_request_declined'
  | 'appointment_reminder_24h'
  | 'appointment_reminder_15min'
  | 'consultation_cancelled'
  | 'no_show'
  | 'payment_hold_failed'
  | 'receipt_issued'
  // Added for the rest of §10 (KYC, payouts, complaints, moderation, BILL-13 fee changes).
  | 'kyc_status_changed'
  | 'payout_paid'
  | 'payout_failed'
  | 'complaint_filed'
  | 'complaint_answered'
  | 'complaint_escalated'
  | 'account_moderated'
  | 'fee_schedule_changed'
  // Trust and operations (issue 8): acknowledgements, admin answers, ACC-8.
  | 'complaint_received'
  | 'platform_complaint_answered'
  | 'complaint_resolved_by_admin'
  | 'account_deregistered'
  // BOOK-7 rescheduling.
  | 'consultation_rescheduled'
  | 'reschedule_proposed'
  | 'reschedule_refused'
  | 'reschedule_proposal_expired'
  // ACC-10: the 6-digit code typed back at signup.
  | 'email_verification';

export interface Notification {
  event: NotificationEvent;
  /** The recipient; their email and language are read by the notifications module. */
  userId: string;
  /** Event facts for the template: ids, ISO times, amounts in cents, URLs. */
  data: Record<string, string | number | boolean | null>;
  /**
   * Makes sending idempotent: a job retried after a crash does not send the same email twice.
   * E.g. `booking_confirmed_client:<consultationId>`.
   */
  idempotencyKey: string;
}
