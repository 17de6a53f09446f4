import type { NotificationEvent } from './notifier.ts';
import { dateTime, modeLabel, money, number, text, type Language, type NotificationData } from './format.ts';
import { CLIENT_AREA_PATH, WALLET_PATH, emailConsultationUrl } from './links.ts';

/**
 * §10: one template per event and language. The compiler checks the table is complete
 * (`satisfies Record<NotificationEvent, …>`): adding an event to the union without its French
 * and English templates does not build. docs/notifications.md lists the events and their data.
 */
export interface TemplateInput {
  language: Language;
  publicUrl: string;
  recipient: { firstName: string; lastName: string };
  data: NotificationData;
}

export interface RenderedTemplate {
  subject: string;
  paragraphs: string[];
  /** The one thing the reader should do next, shown as a button in HTML. */
  action?: { label: string; url: string };
}

type Template = (input: TemplateInput) => RenderedTemplate;

const minutesText = (minutes: number | undefined, language: Language) =>
  minutes === undefined ? '' : language === 'fr' ? `${minutes} minutes` : `${minutes} minutes`;

/** "le …, 30 minutes, en vidéo" from startAt, durationMinutes and mode, with whatever the data carries. */
function appointment(input: TemplateInput): string {
  const { data, language } = input;
  const parts: string[] = [];
  const startAt = text(data, 'startAt');
  if (startAt) parts.push(dateTime(startAt, language, text(data, 'timeZone') || undefined));
  const duration = minutesText(number(data, 'durationMinutes'), language);
  if (duration) parts.push(duration);
  parts.push(modeLabel(data['mode'], language));
  return parts.join(', ');
}

/** BOOK-6: the consultation's own page, or its room when the email says to join by video. */
const consultationLink = (input: TemplateInput, label: string, purpose: 'see' | 'join' = 'see') => {
  const url =
    text(input.data, 'url') ||
    emailConsultationUrl(input.publicUrl, {
      consultationId: text(input.data, 'consultationId'),
      recipientRole: text(input.data, 'recipientRole'),
      mode: text(input.data, 'mode'),
      join: purpose === 'join',
    });
  return { label, url };
};

const expertName = (data: NotificationData, language: Language) => text(data, 'expertName', language === 'fr' ? 'votre expert' : 'your expert');
const clientName = (data: NotificationData, language: Language) => text(data, 'clientName', language === 'fr' ? 'un client' : 'a client');
/** The other party of a consultation, whoever receives the email. */
const counterpart = (data: NotificationData, language: Language) =>
  text(data, 'counterpartName') || (text(data, 'recipientRole') === 'expert' ? clientName(data, language) : expertName(data, language));

const cents = (data: NotificationData, key: string) => number(data, key) ?? 0;

/** TEL-5: how to come back to a phone consultation after hanging up (only phone bookings carry a code). */
const phoneReturn = (data: NotificationData, language: Language): string[] => {
  const code = text(data, 'phoneReturnCode');
  if (!code) return [];
  return language === 'fr'
    ? [
        `Par téléphone, si vous raccrochez, vous pouvez revenir dans les 2 minutes en rappelant le numéro qui vous a appelé ; d’un autre téléphone, tapez le code ${code}.`,
      ]
    : [`By phone, if you hang up you may come back within 2 minutes by calling back the number that called you; from another phone, type the code ${code}.`];
};

export const TEMPLATES = {
  expert_welcome: {
    fr: ({ data }) => ({
      subject: 'Bienvenue sur Consulto : votre adresse de consultation',
      paragraphs: [
        'Votre espace expert est créé. Voici votre adresse de consultation, à partager avec vos clients (site, réseaux, signature d’email) :',
        text(data, 'consultationUrl'),
        'Votre page est publiée dès que votre photo et au moins un tarif ou un forfait sont renseignés. Votre QR code et votre bannière sont dans votre espace.',
        ...(text(data, 'signupUrl') ? [`Pour parrainer d’autres experts, partagez : ${text(data, 'signupUrl')}`] : []),
      ],
      action: { label: 'Ouvrir ma page de consultation', url: text(data, 'consultationUrl') },
    }),
    en: ({ data }) => ({
      subject: 'Welcome to Consulto: your consultation URL',
      paragraphs: [
        'Your expert workspace is ready. Here is your consultation URL, to share with your clients (website, social networks, email signature):',
        text(data, 'consultationUrl'),
        'Your page is published once your photo and at least one rate or package are set. Your QR code and banner are in your workspace.',
        ...(text(data, 'signupUrl') ? [`To refer other experts, share: ${text(data, 'signupUrl')}`] : []),
      ],
      action: { label: 'Open my consultation page', url: text(data, 'consultationUrl') },
    }),
  },
  booking_confirmed_client: {
    fr: (input) => ({
      subject: `Consultation confirmée avec ${expertName(input.data, 'fr')}`,
      paragraphs: [
        `Votre consultation avec ${expertName(input.data, 'fr')} est confirmée : ${appointment(input)}.`,
        ...(text(input.data, 'startAt') ? ['Le fichier joint (.ics) l’ajoute à votre agenda. Vous recevrez un rappel 24 h et 15 min avant.'] : []),
        ...phoneReturn(input.data, 'fr'),
        'Annulation gratuite jusqu’à 48 heures avant le début ; au-delà, des frais d’annulation s’appliquent.',
      ],
      action: consultationLink(input, 'Voir ma consultation'),
    }),
    en: (input) => ({
      subject: `Consultation confirmed with ${expertName(input.data, 'en')}`,
      paragraphs: [
        `Your consultation with ${expertName(input.data, 'en')} is confirmed: ${appointment(input)}.`,
        ...(text(input.data, 'startAt') ? ['The attached file (.ics) adds it to your calendar. You will get a reminder 24 h and 15 min before.'] : []),
        ...phoneReturn(input.data, 'en'),
        'Free cancellation up to 48 hours before the start; later, a cancellation fee applies.',
      ],
      action: consultationLink(input, 'See my consultation'),
    }),
  },
  booking_confirmed_expert: {
    fr: (input) => ({
      subject: `Nouveau rendez-vous avec ${clientName(input.data, 'fr')}`,
      paragraphs: [
        `${clientName(input.data, 'fr')} a réservé une consultation : ${appointment(input)}.`,
        ...(text(input.data, 'startAt') ? ['Le fichier joint (.ics) l’ajoute à votre agenda.'] : []),
        ...phoneReturn(input.data, 'fr'),
      ],
      action: consultationLink(input, 'Voir le rendez-vous'),
    }),
    en: (input) => ({
      subject: `New appointment with ${clientName(input.data, 'en')}`,
      paragraphs: [
        `${clientName(input.data, 'en')} booked a consultation: ${appointment(input)}.`,
        ...(text(input.data, 'startAt') ? ['The attached file (.ics) adds it to your calendar.'] : []),
        ...phoneReturn(input.data, 'en'),
      ],
      action: consultationLink(input, 'See the appointment'),
    }),
  },
  immediate_request_expert: {
    fr: (input) => ({
      subject: `${clientName(input.data, 'fr')} demande une consultation maintenant`,
      paragraphs: [
        `${clientName(input.data, 'fr')} demande une consultation immédiate ${modeLabel(input.data['mode'], 'fr')}.`,
        `Vous avez ${number(input.data, 'minutesToJoin') ?? 5} minutes pour la rejoindre ; sinon la demande expire sans frais pour personne.`,
      ],
      action: consultationLink(input, 'Rejoindre la consultation', 'join'),
    }),
    en: (input) => ({
      subject: `${clientName(input.data, 'en')} asks for a consultation now`,
      paragraphs: [
        `${clientName(input.data, 'en')} asks for an immediate consultation ${modeLabel(input.data['mode'], 'en')}.`,
        `You have ${number(input.data, 'minutesToJoin') ?? 5} minutes to join; otherwise the request expires at no cost to anyone.`,
      ],
      action: consultationLink(input, 'Join the consultation', 'join'),
    }),
  },
  immediate_request_expired: {
    fr: (input) => ({
      subject: 'Votre demande de consultation a expiré',
      paragraphs: [
        `${expertName(input.data, 'fr')} n’a pas rejoint la consultation à temps. Rien ne vous est facturé et l’autorisation sur votre carte est levée.`,
        'Vous pouvez réserver un créneau sur sa page de consultation.',
      ],
      ...(text(input.data, 'consultationUrl') ? { action: { label: 'Réserver un créneau', url: text(input.data, 'consultationUrl') } } : {}),
    }),
    en: (input) => ({
      subject: 'Your consultation request expired',
      paragraphs: [
        `${expertName(input.data, 'en')} did not join in time. You are charged nothing and the hold on your card is released.`,
        'You can book a slot on their consultation page.',
      ],
      ...(text(input.data, 'consultationUrl') ? { action: { label: 'Book a slot', url: text(input.data, 'consultationUrl') } } : {}),
    }),
  },
  immediate_request_declined: {
    fr: (input) => ({
      subject: `${expertName(input.data, 'fr')} n’a pas pu accepter votre demande`,
      paragraphs: [
        `${expertName(input.data, 'fr')} n’est pas disponible pour votre demande de consultation immédiate. Rien ne vous est facturé et l’autorisation sur votre carte est levée.`,
        'Vous pouvez réserver un créneau sur sa page de consultation.',
      ],
      ...(text(input.data, 'consultationUrl') ? { action: { label: 'Réserver un créneau', url: text(input.data, 'consultationUrl') } } : {}),
    }),
    en: (input) => ({
      subject: `${expertName(input.data, 'en')} could not take your request`,
      paragraphs: [
        `${expertName(input.data, 'en')} is not available for your immediate consultation request. You are charged nothing and the hold on your card is released.`,
        'You can book a slot on their consultation page.',
      ],
      ...(text(input.data, 'consultationUrl') ? { action: { label: 'Book a slot', url: text(input.data, 'consultationUrl') } } : {}),
    }),
  },
  appointment_reminder_24h: {
    fr: (input) => ({
      subject: `Rappel : consultation demain avec ${counterpart(input.data, 'fr')}`,
      paragraphs: [`Rappel de votre consultation avec ${counterpart(input.data, 'fr')} : ${appointment(input)}.`],
      action: consultationLink(input, 'Voir la consultation'),
    }),
    en: (input) => ({
      subject: `Reminder: consultation tomorrow with ${counterpart(input.data, 'en')}`,
      paragraphs: [`A reminder of your consultation with ${counterpart(input.data, 'en')}: ${appointment(input)}.`],
      action: consultationLink(input, 'See the consultation'),
    }),
  },
  appointment_reminder_15min: {
    fr: (input) => ({
      subject: `Votre consultation avec ${counterpart(input.data, 'fr')} commence dans 15 minutes`,
      paragraphs: [`Votre consultation avec ${counterpart(input.data, 'fr')} commence bientôt : ${appointment(input)}.`],
      action: consultationLink(input, 'Rejoindre la consultation', 'join'),
    }),
    en: (input) => ({
      subject: `Your consultation with ${counterpart(input.data, 'en')} starts in 15 minutes`,
      paragraphs: [`Your consultation with ${counterpart(input.data, 'en')} starts soon: ${appointment(input)}.`],
      action: consultationLink(input, 'Join the consultation', 'join'),
    }),
  },
  consultation_cancelled: {
    fr: (input) => {
      const by = text(input.data, 'cancelledBy');
      const who = by === 'platform' ? 'Consulto' : by === text(input.data, 'recipientRole') ? 'vous' : counterpart(input.data, 'fr');
      const charge = cents(input.data, 'cancellationChargeCents');
      return {
        subject: 'Consultation annulée',
        paragraphs: [
          `La consultation ${appointment(input)} a été annulée par ${who}.`,
          charge > 0 ? `Frais d’annulation : ${money(charge, 'fr')}.` : 'Aucuns frais ne sont facturés.',
        ],
        action: consultationLink(input, 'Voir le détail'),
      };
    },
    en: (input) => {
      const by = text(input.data, 'cancelledBy');
      const who = by === 'platform' ? 'Consulto' : by === text(input.data, 'recipientRole') ? 'you' : counterpart(input.data, 'en');
      const charge = cents(input.data, 'cancellationChargeCents');
      return {
        subject: 'Consultation cancelled',
        paragraphs: [
          `The consultation ${appointment(input)} was cancelled by ${who}.`,
          charge > 0 ? `Cancellation fee: ${money(charge, 'en')}.` : 'No fee is charged.',
        ],
        action: consultationLink(input, 'See the details'),
      };
    },
  },
  no_show: {
    fr: (input) => {
      const absent = text(input.data, 'absentParty') === 'expert' ? expertName(input.data, 'fr') : clientName(input.data, 'fr');
      const you = text(input.data, 'absentParty') === text(input.data, 'recipientRole');
      const charge = cents(input.data, 'chargeCents');
      const penalty = cents(input.data, 'penaltyCents');
      return {
        subject: 'Consultation non honorée',
        paragraphs: [
          `${you ? 'Vous ne vous êtes pas présenté(e)' : `${absent} ne s’est pas présenté(e)`} à la consultation ${appointment(input)}.`,
          ...(charge > 0 ? [`Montant facturé : ${money(charge, 'fr')}.`] : []),
          ...(penalty > 0 ? [`Frais de fonctionnement dus à la plateforme, débités de votre portefeuille : ${money(penalty, 'fr')}.`] : []),
          ...(charge === 0 && penalty === 0 ? ['Rien ne vous est facturé.'] : []),
        ],
        action: consultationLink(input, 'Voir le détail'),
      };
    },
    en: (input) => {
      const absent = text(input.data, 'absentParty') === 'expert' ? expertName(input.data, 'en') : clientName(input.data, 'en');
      const you = text(input.data, 'absentParty') === text(input.data, 'recipientRole');
      const charge = cents(input.data, 'chargeCents');
      const penalty = cents(input.data, 'penaltyCents');
      return {
        subject: 'Missed consultation',
        paragraphs: [
          `${you ? 'You did not attend' : `${absent} did not attend`} the consultation ${appointment(input)}.`,
          ...(charge > 0 ? [`Amount charged: ${money(charge, 'en')}.`] : []),
          ...(penalty > 0 ? [`Operating fee owed to the platform, debited from your wallet: ${money(penalty, 'en')}.`] : []),
          ...(charge === 0 && penalty === 0 ? ['You are charged nothing.'] : []),
        ],
        action: consultationLink(input, 'See the details'),
      };
    },
  },
  payment_hold_failed: {
    fr: (input) => ({
      subject: 'Action requise : votre carte a été refusée',
      paragraphs: [
        `L’autorisation de paiement pour votre consultation avec ${expertName(input.data, 'fr')} (${appointment(input)}) a été refusée.`,
        `Mettez à jour votre moyen de paiement avant le ${dateTime(text(input.data, 'fixBefore'), 'fr')}, sinon le rendez-vous sera annulé sans frais.`,
      ],
      action: consultationLink(input, 'Mettre à jour ma carte'),
    }),
    en: (input) => ({
      subject: 'Action needed: your card was declined',
      paragraphs: [
        `The payment authorisation for your consultation with ${expertName(input.data, 'en')} (${appointment(input)}) was declined.`,
        `Update your payment method before ${dateTime(text(input.data, 'fixBefore'), 'en')}, otherwise the appointment is cancelled at no cost.`,
      ],
      action: consultationLink(input, 'Update my card'),
    }),
  },
  consultation_rescheduled: {
    fr: (input) => {
      const by = text(input.data, 'rescheduledBy');
      const who = by === text(input.data, 'recipientRole') ? 'vous' : counterpart(input.data, 'fr');
      const previous = text(input.data, 'previousStartAt');
      return {
        subject: `Consultation déplacée avec ${counterpart(input.data, 'fr')}`,
        paragraphs: [
          `La consultation${previous ? ` prévue le ${dateTime(previous, 'fr')}` : ''} a été déplacée par ${who}. Nouvel horaire : ${appointment(input)}.`,
          'Le fichier joint (.ics) met à jour votre agenda. Les conditions et le paiement restent les mêmes.',
        ],
        action: consultationLink(input, 'Voir la consultation'),
      };
    },
    en: (input) => {
      const by = text(input.data, 'rescheduledBy');
      const who = by === text(input.data, 'recipientRole') ? 'you' : counterpart(input.data, 'en');
      const previous = text(input.data, 'previousStartAt');
      return {
        subject: `Consultation moved with ${counterpart(input.data, 'en')}`,
        paragraphs: [
          `The consultation${previous ? ` planned for ${dateTime(previous, 'en')}` : ''} was moved by ${who}. New time: ${appointment(input)}.`,
          'The attached file (.ics) updates your calendar. The terms and the payment stay the same.',
        ],
        action: consultationLink(input, 'See the consultation'),
      };
    },
  },
  reschedule_proposed: {
    fr: (input) => ({
      subject: `${expertName(input.data, 'fr')} vous propose un nouvel horaire`,
      paragraphs: [
        `${expertName(input.data, 'fr')} propose de déplacer votre consultation du ${dateTime(text(input.data, 'startAt'), 'fr')} au ${dateTime(text(input.data, 'proposedStartAt'), 'fr')}.`,
        `Acceptez ou refusez avant le ${dateTime(text(input.data, 'expiresAt'), 'fr')}. Sans réponse, ou si vous refusez, le rendez-vous reste à l’horaire prévu.`,
      ],
      action: consultationLink(input, 'Répondre à la proposition'),
    }),
    en: (input) => ({
      subject: `${expertName(input.data, 'en')} proposes a new time`,
      paragraphs: [
        `${expertName(input.data, 'en')} proposes to move your consultation from ${dateTime(text(input.data, 'startAt'), 'en')} to ${dateTime(text(input.data, 'proposedStartAt'), 'en')}.`,
        `Accept or refuse before ${dateTime(text(input.data, 'expiresAt'), 'en')}. Without an answer, or if you refuse, the appointment stays at its planned time.`,
      ],
      action: consultationLink(input, 'Answer the proposal'),
    }),
  },
  reschedule_refused: {
    fr: (input) => ({
      subject: 'Nouvel horaire refusé',
      paragraphs: [
        `${clientName(input.data, 'fr')} a refusé de déplacer la consultation au ${dateTime(text(input.data, 'proposedStartAt'), 'fr')}.`,
        `Le rendez-vous reste le ${dateTime(text(input.data, 'startAt'), 'fr')}.`,
      ],
      action: consultationLink(input, 'Voir le rendez-vous'),
    }),
    en: (input) => ({
      subject: 'New time refused',
      paragraphs: [
        `${clientName(input.data, 'en')} refused to move the consultation to ${dateTime(text(input.data, 'proposedStartAt'), 'en')}.`,
        `The appointment stays on ${dateTime(text(input.data, 'startAt'), 'en')}.`,
      ],
      action: consultationLink(input, 'See the appointment'),
    }),
  },
  reschedule_proposal_expired: {
    fr: (input) => ({
      subject: 'Proposition de nouvel horaire sans réponse',
      paragraphs: [
        `${clientName(input.data, 'fr')} n’a pas répondu à temps à votre proposition de déplacer la consultation au ${dateTime(text(input.data, 'proposedStartAt'), 'fr')}.`,
        `Le rendez-vous reste le ${dateTime(text(input.data, 'startAt'), 'fr')}.`,
      ],
      action: consultationLink(input, 'Voir le rendez-vous'),
    }),
    en: (input) => ({
      subject: 'Proposed new time not answered',
      paragraphs: [
        `${clientName(input.data, 'en')} did not answer in time your proposal to move the consultation to ${dateTime(text(input.data, 'proposedStartAt'), 'en')}.`,
        `The appointment stays on ${dateTime(text(input.data, 'startAt'), 'en')}.`,
      ],
      action: consultationLink(input, 'See the appointment'),
    }),
  },
  receipt_issued: {
    fr: ({ data, publicUrl }) => ({
      subject: `Votre reçu ${text(data, 'receiptNumber')}`,
      paragraphs: [`Merci. Le reçu n° ${text(data, 'receiptNumber')} de ${money(cents(data, 'amountCents'), 'fr')} est disponible (HTML et PDF).`],
      action: { label: 'Voir le reçu', url: text(data, 'receiptUrl') || `${publicUrl}${CLIENT_AREA_PATH}` },
    }),
    en: ({ data, publicUrl }) => ({
      subject: `Your receipt ${text(data, 'receiptNumber')}`,
      paragraphs: [`Thank you. Receipt no. ${text(data, 'receiptNumber')} for ${money(cents(data, 'amountCents'), 'en')} is available (HTML and PDF).`],
      action: { label: 'See the receipt', url: text(data, 'receiptUrl') || `${publicUrl}${CLIENT_AREA_PATH}` },
    }),
  },
  kyc_status_changed: {
    fr: ({ data, publicUrl }) => {
      const status = text(data, 'status');
      const line =
        status === 'validated'
          ? 'Vos justificatifs d’identité sont validés : vous pouvez demander un virement.'
          : status === 'refused'
            ? `Vos justificatifs d’identité sont refusés${text(data, 'reason') ? ` : ${text(data, 'reason')}` : ''}. Déposez de nouveaux documents.`
            : 'Vos justificatifs d’identité sont en cours de vérification (48 h en général).';
      return {
        subject: 'Vérification d’identité : nouveau statut',
        paragraphs: [line],
        action: { label: 'Voir mon portefeuille', url: `${publicUrl}${WALLET_PATH}` },
      };
    },
    en: ({ data, publicUrl }) => {
      const status = text(data, 'status');
      const line =
        status === 'validated'
          ? 'Your identity documents are validated: you can now order a payout.'
          : status === 'refused'
            ? `Your identity documents were refused${text(data, 'reason') ? `: ${text(data, 'reason')}` : ''}. Please upload new documents.`
            : 'Your identity documents are being checked (usually within 48 h).';
      return { subject: 'Identity check: new status', paragraphs: [line], action: { label: 'See my wallet', url: `${publicUrl}${WALLET_PATH}` } };
    },
  },
  payout_paid: {
    fr: ({ data }) => ({
      subject: 'Virement effectué',
      paragraphs: [`Votre virement de ${money(cents(data, 'amountCents'), 'fr')} a été effectué vers votre compte bancaire.`],
    }),
    en: ({ data }) => ({ subject: 'Payout sent', paragraphs: [`Your payout of ${money(cents(data, 'amountCents'), 'en')} was sent to your bank account.`] }),
  },
  payout_failed: {
    fr: ({ data, publicUrl }) => ({
      subject: 'Échec du virement',
      paragraphs: [
        `Votre virement de ${money(cents(data, 'amountCents'), 'fr')} a échoué${text(data, 'reason') ? ` (${text(data, 'reason')})` : ''}. Le montant est de nouveau disponible dans votre portefeuille.`,
      ],
      action: { label: 'Vérifier mes coordonnées bancaires', url: `${publicUrl}${WALLET_PATH}` },
    }),
    en: ({ data, publicUrl }) => ({
      subject: 'Payout failed',
      paragraphs: [
        `Your payout of ${money(cents(data, 'amountCents'), 'en')} failed${text(data, 'reason') ? ` (${text(data, 'reason')})` : ''}. The amount is available in your wallet again.`,
      ],
      action: { label: 'Check my bank details', url: `${publicUrl}${WALLET_PATH}` },
    }),
  },
  complaint_filed: {
    fr: (input) => ({
      subject: 'Réclamation sur une consultation',
      paragraphs: [
        `${clientName(input.data, 'fr')} a déposé une réclamation sur la consultation ${appointment(input)}.`,
        `Vous avez jusqu’au ${dateTime(text(input.data, 'answerBefore'), 'fr')} pour répondre (remboursement total, partiel ou refus motivé) ; sans réponse, elle sera transmise à l’équipe Consulto.`,
      ],
      action: consultationLink(input, 'Répondre'),
    }),
    en: (input) => ({
      subject: 'Complaint about a consultation',
      paragraphs: [
        `${clientName(input.data, 'en')} filed a complaint about the consultation ${appointment(input)}.`,
        `You have until ${dateTime(text(input.data, 'answerBefore'), 'en')} to answer (full refund, partial refund or a reasoned rejection); without an answer it goes to the Consulto team.`,
      ],
      action: consultationLink(input, 'Answer'),
    }),
  },
  complaint_answered: {
    fr: ({ data }) => {
      const resolution = text(data, 'resolution');
      const line =
        resolution === 'full_refund' || resolution === 'partial_refund'
          ? `Votre réclamation a été acceptée : ${money(cents(data, 'refundCents'), 'fr')} vous seront remboursés.`
          : `Votre réclamation a été refusée${text(data, 'reply') ? ` : « ${text(data, 'reply')} »` : ''}. Vous pouvez saisir gratuitement un médiateur de la consommation${text(data, 'mediatorUrl') ? ` : ${text(data, 'mediatorUrl')}` : ''}.`;
      return { subject: 'Réponse à votre réclamation', paragraphs: [line] };
    },
    en: ({ data }) => {
      const resolution = text(data, 'resolution');
      const line =
        resolution === 'full_refund' || resolution === 'partial_refund'
          ? `Your complaint was accepted: ${money(cents(data, 'refundCents'), 'en')} will be refunded to you.`
          : `Your complaint was rejected${text(data, 'reply') ? `: “${text(data, 'reply')}”` : ''}. You can refer it to a consumer mediator free of charge${text(data, 'mediatorUrl') ? `: ${text(data, 'mediatorUrl')}` : ''}.`;
      return { subject: 'Answer to your complaint', paragraphs: [line] };
    },
  },
  complaint_escalated: {
    fr: () => ({
      subject: 'Réclamation transmise à l’équipe Consulto',
      paragraphs: ['Faute de réponse dans les 14 jours, la réclamation est transmise à l’équipe Consulto, qui reviendra vers vous.'],
    }),
    en: () => ({
      subject: 'Complaint passed on to the Consulto team',
      paragraphs: ['Without an answer within 14 days, the complaint has been passed on to the Consulto team, who will get back to you.'],
    }),
  },
  account_moderated: {
    fr: ({ data }) => {
      const labels: Record<string, string> = {
        suspended: 'Votre compte est suspendu.',
        reinstated: 'Votre compte est rétabli.',
        content_removed: 'Un contenu de votre profil a été retiré.',
        photo_removed: 'Votre photo de profil a été retirée.',
        wallet_blocked: 'Votre portefeuille est bloqué : les virements sont suspendus.',
        wallet_unblocked: 'Votre portefeuille est débloqué.',
        terminated: 'Votre compte a été fermé.',
      };
      return {
        subject: 'Décision de modération sur votre compte',
        paragraphs: [
          labels[text(data, 'action')] ?? 'Une décision de modération concerne votre compte.',
          ...(text(data, 'reason') ? [`Motif : ${text(data, 'reason')}`] : []),
        ],
      };
    },
    en: ({ data }) => {
      const labels: Record<string, string> = {
        suspended: 'Your account is suspended.',
        reinstated: 'Your account is reinstated.',
        content_removed: 'Some content of your profile was removed.',
        photo_removed: 'Your profile photo was removed.',
        wallet_blocked: 'Your wallet is blocked: payouts are on hold.',
        wallet_unblocked: 'Your wallet is unblocked.',
        terminated: 'Your account was closed.',
      };
      return {
        subject: 'Moderation decision about your account',
        paragraphs: [
          labels[text(data, 'action')] ?? 'A moderation decision concerns your account.',
          ...(text(data, 'reason') ? [`Reason: ${text(data, 'reason')}`] : []),
        ],
      };
    },
  },
  fee_schedule_changed: {
    fr: ({ data }) => ({
      subject: 'Évolution des frais de fonctionnement',
      paragraphs: [
        `À partir du ${dateTime(text(data, 'effectiveFrom'), 'fr')}, les frais de fonctionnement seront de ${money(cents(data, 'feePerMinuteCents'), 'fr')} TTC par minute.`,
        'Les consultations réservées avant cette date gardent les conditions en vigueur lors de leur réservation.',
      ],
    }),
    en: ({ data }) => ({
      subject: 'Change of the operating fee',
      paragraphs: [
        `From ${dateTime(text(data, 'effectiveFrom'), 'en')}, the operating fee will be ${money(cents(data, 'feePerMinuteCents'), 'en')} per minute, VAT included.`,
        'Consultations booked before that date keep the terms in force when they were booked.',
      ],
    }),
  },
  complaint_received: {
    fr: ({ data }) => ({
      subject: 'Votre réclamation est enregistrée',
      paragraphs: [
        text(data, 'kind') === 'platform'
          ? 'Votre réclamation sur le fonctionnement de Consulto est enregistrée. L’équipe Consulto vous répondra au plus tard le ' +
            dateTime(text(data, 'answerBefore'), 'fr') +
            '.'
          : 'Votre réclamation sur la consultation est enregistrée et transmise à l’expert, qui a jusqu’au ' +
            dateTime(text(data, 'answerBefore'), 'fr') +
            ' pour répondre. Sans réponse, elle sera transmise à l’équipe Consulto.',
      ],
    }),
    en: ({ data }) => ({
      subject: 'Your complaint is registered',
      paragraphs: [
        text(data, 'kind') === 'platform'
          ? 'Your complaint about the Consulto platform is registered. The Consulto team will answer by ' + dateTime(text(data, 'answerBefore'), 'en') + '.'
          : 'Your complaint about the consultation is registered and sent to the expert, who has until ' +
            dateTime(text(data, 'answerBefore'), 'en') +
            ' to answer. Without an answer it goes to the Consulto team.',
      ],
    }),
  },
  platform_complaint_answered: {
    fr: ({ data }) => ({
      subject: 'Réponse de l’équipe Consulto à votre réclamation',
      paragraphs: [text(data, 'reply') ? `« ${text(data, 'reply')} »` : 'L’équipe Consulto a répondu à votre réclamation.'],
    }),
    en: ({ data }) => ({
      subject: 'The Consulto team answered your complaint',
      paragraphs: [text(data, 'reply') ? `“${text(data, 'reply')}”` : 'The Consulto team answered your complaint.'],
    }),
  },
  complaint_resolved_by_admin: {
    fr: ({ data }) => {
      const resolution = text(data, 'resolution');
      return {
        subject: 'Décision de l’équipe Consulto sur une réclamation',
        paragraphs: [
          resolution === 'rejected'
            ? 'L’équipe Consulto a rejeté la réclamation transmise faute de réponse dans les 14 jours.'
            : `L’équipe Consulto a accordé au client un remboursement de ${money(cents(data, 'refundCents'), 'fr')} ; il est repris de vos honoraires en proportion.`,
        ],
      };
    },
    en: ({ data }) => {
      const resolution = text(data, 'resolution');
      return {
        subject: 'The Consulto team decided on a complaint',
        paragraphs: [
          resolution === 'rejected'
            ? 'The Consulto team rejected the complaint passed on after 14 days without an answer.'
            : `The Consulto team granted the client a refund of ${money(cents(data, 'refundCents'), 'en')}; it is taken back from your fees in proportion.`,
        ],
      };
    },
  },
  account_deregistered: {
    fr: () => ({
      subject: 'Votre compte Consulto est fermé',
      paragraphs: [
        'Votre demande de désinscription est acceptée : votre compte est fermé et vos données personnelles sont effacées ou anonymisées.',
        'Les pièces comptables (reçus, écritures) sont conservées dix ans sous forme anonymisée, comme la loi l’exige.',
      ],
    }),
    en: () => ({
      subject: 'Your Consulto account is closed',
      paragraphs: [
        'Your deregistration is accepted: your account is closed and your personal data is erased or anonymised.',
        'Accounting records (receipts, ledger entries) are kept for ten years in anonymised form, as the law requires.',
      ],
    }),
  },
  email_verification: {
    fr: ({ data }) => ({
      subject: `${text(data, 'code')} est votre code de vérification Consulto`,
      paragraphs: [
        'Pour vérifier votre adresse e-mail, saisissez ce code sur la page d’inscription :',
        text(data, 'code'),
        `Il est valable ${number(data, 'minutes') ?? 15} minutes. Si vous n’avez pas créé de compte Consulto, ignorez ce message.`,
      ],
    }),
    en: ({ data }) => ({
      subject: `${text(data, 'code')} is your Consulto verification code`,
      paragraphs: [
        'To verify your email address, type this code on the sign-up page:',
        text(data, 'code'),
        `It is valid for ${number(data, 'minutes') ?? 15} minutes. If you did not create a Consulto account, ignore this message.`,
      ],
    }),
  },
} satisfies Record<NotificationEvent, Record<Language, Template>>;

export const NOTIFICATION_EVENTS = Object.keys(TEMPLATES) as NotificationEvent[];
export const LANGUAGES: readonly Language[] = ['fr', 'en'];
