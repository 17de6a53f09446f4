import type { ReceiptContent } from './content.ts';
import type { LabelledValue, PrintedDocument, Section } from './document.ts';
import { countryName, formatCents, formatDateTime, formatDuration, type Language } from './format.ts';
import { VAT_EXEMPTION_MENTION } from './vat.ts';

export const PLATFORM_NAME = 'Consulto';

const NBSP = '\u00a0';

type LegalStatus = 'individual' | 'sole_trader' | 'company';

const LEGAL_STATUS: Record<Language, Record<LegalStatus, string>> = {
  fr: { individual: 'Particulier', sole_trader: 'Entrepreneur individuel', company: 'Société' },
  en: { individual: 'Individual', sole_trader: 'Sole trader', company: 'Company' },
};

export function legalStatusLabel(status: string, language: Language): string {
  return LEGAL_STATUS[language][status as LegalStatus] ?? status;
}

/** The wording of a receipt, one entry per language (NOTE: French first, English second). */
const WORDS = {
  fr: {
    title: (number: string) => `Reçu n°${NBSP}${number}`,
    // Art. 289 I-2 CGI: a third party may issue the document in the seller's name under a billing mandate.
    lead: (expert: string) => `Émis par ${PLATFORM_NAME} au nom et pour le compte de ${expert}, en vertu d'un mandat de facturation.`,
    seller: 'Prestataire',
    client: 'Client',
    siret: 'SIRET',
    vatNumber: 'N° TVA intracommunautaire',
    details: 'Détail',
    number: 'Numéro du reçu',
    issuedAt: "Date d'émission",
    consultationDate: 'Date de la consultation',
    service: 'Prestation',
    consultation: { video: 'Consultation vidéo', phone: 'Consultation par téléphone' },
    cancellation: {
      video: "Frais d'annulation tardive ou d'absence (consultation vidéo)",
      phone: "Frais d'annulation tardive ou d'absence (consultation par téléphone)",
    },
    duration: 'Durée facturée',
    rate: 'Tarif',
    perMinute: (amount: string) => `${amount} la minute`,
    package: 'Forfait',
    packageValue: (minutes: number, price: string) => `${minutes}${NBSP}min pour ${price}`,
    discount: 'Remise',
    discountValue: (percent: number) => `${percent}${NBSP}% (déjà déduite du tarif ci-dessus)`,
    oneThirdRule: 'Règle du tiers',
    oneThirdRuleValue: 'appliquée : la consultation a pris fin avant le tiers de la durée du forfait, seul un tiers du prix est facturé.',
    amounts: 'Montants',
    consultationAmount: 'Consultation',
    cancellationAmount: "Frais d'annulation",
    surcharge: 'Supplément téléphonique',
    totalExclVat: 'Total HT',
    vat: (percent: number) => `TVA ${percent}${NBSP}%`,
    totalInclVat: 'Total TTC',
    totalNoVat: 'Total TTC',
    paid: `Réglé par carte bancaire sur ${PLATFORM_NAME}.`,
    parisTime: 'Heures indiquées en heure de Paris.',
    footer: (expert: string) =>
      `${PLATFORM_NAME} agit en qualité de mandataire de facturation : la prestation est fournie et vendue par ${expert}, qui en est seul responsable.`,
  },
  en: {
    title: (number: string) => `Receipt no.${NBSP}${number}`,
    lead: (expert: string) => `Issued by ${PLATFORM_NAME} in the name and on behalf of ${expert}, under a billing mandate.`,
    seller: 'Service provider',
    client: 'Client',
    siret: 'SIRET',
    vatNumber: 'VAT number',
    details: 'Details',
    number: 'Receipt number',
    issuedAt: 'Issue date',
    consultationDate: 'Consultation date',
    service: 'Service',
    consultation: { video: 'Video consultation', phone: 'Phone consultation' },
    cancellation: { video: 'Late cancellation or no-show fee (video consultation)', phone: 'Late cancellation or no-show fee (phone consultation)' },
    duration: 'Billed duration',
    rate: 'Rate',
    perMinute: (amount: string) => `${amount} per minute`,
    package: 'Package',
    packageValue: (minutes: number, price: string) => `${minutes}${NBSP}min for ${price}`,
    discount: 'Discount',
    discountValue: (percent: number) => `${percent}% (already deducted from the price above)`,
    oneThirdRule: 'One-third rule',
    oneThirdRuleValue: 'applied: the consultation ended within the first third of the package time, so one third of the price is charged.',
    amounts: 'Amounts',
    consultationAmount: 'Consultation',
    cancellationAmount: 'Cancellation fee',
    surcharge: 'Phone surcharge',
    totalExclVat: 'Total excl. VAT',
    vat: (percent: number) => `VAT ${percent}%`,
    totalInclVat: 'Total incl. VAT',
    totalNoVat: 'Total',
    paid: `Paid by card on ${PLATFORM_NAME}.`,
    parisTime: 'Times are Paris time.',
    footer: (expert: string) => `${PLATFORM_NAME} acts as billing agent: the service is provided and sold by ${expert}, who alone is responsible for it.`,
  },
} as const;

/** The VAT-exemption mention is a legal French wording: English receipts print it too, explained. */
function vatMentionLines(mention: string, language: Language): string[] {
  if (language === 'fr') return [mention];
  const explained = mention === VAT_EXEMPTION_MENTION ? ' (VAT not applicable, article 293 B of the French General Tax Code)' : '';
  return [`${mention}${explained}`];
}

/** Pure: a receipt's printed form (BILL-9), worded in the reader's language, from its frozen content only. */
export function receiptDocument(content: ReceiptContent, language: Language): PrintedDocument {
  const w = WORDS[language];
  const money = (cents: number) => formatCents(cents, language);
  const { expert, consultation, amounts } = content;

  const expertLines = [expert.name, legalStatusLabel(expert.legalStatus, language)];
  if (expert.address) {
    expertLines.push(expert.address.line1, `${expert.address.postalCode} ${expert.address.city}`, countryName(expert.address.country, language));
  }
  const colon = language === 'fr' ? `${NBSP}:` : ':';
  if (expert.siret) expertLines.push(`${w.siret}${colon} ${expert.siret}`);
  if (expert.vatNumber) expertLines.push(`${w.vatNumber}${colon} ${expert.vatNumber}`);

  const facts: LabelledValue[] = [
    { label: w.number, value: content.number },
    { label: w.issuedAt, value: formatDateTime(content.issuedAt, language) },
    { label: w.consultationDate, value: formatDateTime(consultation.date, language) },
    { label: w.service, value: (consultation.kind === 'consultation' ? w.consultation : w.cancellation)[consultation.mode] },
  ];
  if (consultation.kind === 'consultation') facts.push({ label: w.duration, value: formatDuration(consultation.billedSeconds) });
  if (consultation.pricing === 'free_rate' && consultation.ratePerMinuteCents !== null) {
    facts.push({ label: w.rate, value: w.perMinute(money(consultation.ratePerMinuteCents)) });
  }
  if (consultation.pricing === 'package' && consultation.packageMinutes !== null && consultation.packagePriceCents !== null) {
    facts.push({ label: w.package, value: w.packageValue(consultation.packageMinutes, money(consultation.packagePriceCents)) });
  }
  if (consultation.discountPercent > 0) facts.push({ label: w.discount, value: w.discountValue(consultation.discountPercent) });
  if (consultation.oneThirdRuleApplied) facts.push({ label: w.oneThirdRule, value: w.oneThirdRuleValue });

  const amountRows: LabelledValue[] = [
    {
      label: consultation.kind === 'consultation' ? w.consultationAmount : w.cancellationAmount,
      value: money(amounts.totalInclVatCents - amounts.surchargeCents),
    },
  ];
  if (amounts.surchargeCents > 0) amountRows.push({ label: w.surcharge, value: money(amounts.surchargeCents) });
  if (amounts.vat) {
    amountRows.push(
      { label: w.totalExclVat, value: money(amounts.vat.amountExclVatCents) },
      { label: w.vat(amounts.vat.ratePercent), value: money(amounts.vat.vatCents) },
      { label: w.totalInclVat, value: money(amounts.totalInclVatCents), strong: true },
    );
  } else {
    amountRows.push({ label: w.totalNoVat, value: money(amounts.totalInclVatCents), strong: true });
  }

  const notes = [...(amounts.vatMention ? vatMentionLines(amounts.vatMention, language) : []), w.paid, w.parisTime];
  const sections: Section[] = [
    {
      kind: 'parties',
      parties: [
        { heading: w.seller, lines: expertLines },
        { heading: w.client, lines: [content.client.name] },
      ],
    },
    { kind: 'facts', heading: w.details, rows: facts },
    { kind: 'amounts', heading: w.amounts, rows: amountRows },
    { kind: 'notes', lines: notes },
  ];
  return {
    language,
    title: w.title(content.number),
    lead: [w.lead(expert.name)],
    datedAt: content.issuedAt,
    fileName: `${language === 'fr' ? 'recu' : 'receipt'}-${content.number}`,
    sections,
    footer: [w.footer(expert.name)],
  };
}
