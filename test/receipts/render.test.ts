import { expect } from 'chai';
import { receiptContent, type ReceiptContent } from '../../server/receipts/content.ts';
import { renderReceiptHtml, renderReceiptPdf } from '../../server/receipts/render.ts';
import { freeRateVideoTerms, packageTerms } from '../support/consultations.ts';
import { pdfText } from './pdf-text.ts';

const NBSP = '\u00a0';

function sampleContent(overrides: { vatNumber?: string | null; name?: string; oneThird?: boolean; phone?: boolean } = {}): ReceiptContent {
  const vatNumber = overrides.vatNumber === undefined ? 'FR44732829320' : overrides.vatNumber;
  const oneThird = overrides.oneThird ?? false;
  return receiptContent({
    number: 'R000042-0A1B2C3D',
    issuedAt: new Date('2026-11-23T09:00:00.000Z'),
    parties: {
      expert: {
        name: overrides.name ?? 'Camille Dubois',
        legalStatus: 'sole_trader',
        address: { line1: '12 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
        siret: '73282932000074',
        vatNumber,
      },
      clientName: 'Alice Bernard',
    },
    consultationId: '3f1e0c1e-8d0a-4d55-9d8e-3f6c2b1a0e11',
    consultationDate: new Date('2026-11-23T08:40:00.000Z'),
    terms: oneThird ? packageTerms() : freeRateVideoTerms(overrides.phone ? { mode: 'phone', surchargePerMinuteCents: 20, discountPercent: 10 } : {}),
    outcome: oneThird
      ? {
          kind: 'consultation',
          chargeCents: 2500,
          feeCents: 75,
          surchargeCents: 0,
          expertEarningsCents: 2425,
          expertPenaltyCents: 0,
          billedSeconds: 240,
          oneThirdRuleApplied: true,
        }
      : overrides.phone
        ? {
            kind: 'consultation',
            chargeCents: 417,
            feeCents: 31,
            surchargeCents: 42,
            expertEarningsCents: 344,
            expertPenaltyCents: 0,
            billedSeconds: 125,
            oneThirdRuleApplied: false,
          }
        : {
            kind: 'consultation',
            chargeCents: 417,
            feeCents: 31,
            surchargeCents: 0,
            expertEarningsCents: 386,
            expertPenaltyCents: 0,
            billedSeconds: 125,
            oneThirdRuleApplied: false,
          },
  });
}

describe('BILL-9 receipt rendering (HTML and PDF from the frozen content)', () => {
  it('is a complete, self-contained page: no script, no external resource', () => {
    const html = renderReceiptHtml(sampleContent(), 'fr');
    expect(html).to.match(/^<!DOCTYPE html>\n<html lang="fr">/);
    expect(html).to.include('<meta charset="utf-8">').and.include('</html>');
    expect(html).not.to.match(/<script|<link|<img|src=|href=|url\(|@import/i);
  });

  it('escapes every string taken from the content', () => {
    const html = renderReceiptHtml(sampleContent({ name: '<script>alert("x")</script> & Co' }), 'en');
    expect(html).not.to.include('<script>');
    expect(html).to.include('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
  });

  it('words the receipt in French: mandate, identity, duration, rate, HT + TVA = TTC', () => {
    const html = renderReceiptHtml(sampleContent(), 'fr');
    expect(html).to.include(`Reçu n°${NBSP}R000042-0A1B2C3D`);
    expect(html).to.include('au nom et pour le compte de Camille Dubois').and.include('mandat de facturation');
    expect(html).to.include('Entrepreneur individuel').and.include('73282932000074').and.include('FR44732829320');
    expect(html).to.include('Alice Bernard');
    expect(html).to.include('23/11/2026 à 10:00'); // issued 09:00 UTC = 10:00 in Paris
    expect(html).to.include('23/11/2026 à 09:40');
    expect(html).to.include('Consultation vidéo').and.include('>02:05<');
    expect(html).to.include(`2,00${NBSP}€ la minute`);
    expect(html).to.include(`<td>Total HT</td><td class="num">3,48${NBSP}€</td>`);
    expect(html).to.include(`<td>TVA 20${NBSP}%</td><td class="num">0,69${NBSP}€</td>`);
    expect(html).to.include(`<td>Total TTC</td><td class="num">4,17${NBSP}€</td>`);
    expect(html).not.to.include('293 B');
  });

  it('words the receipt in English with English amounts', () => {
    const html = renderReceiptHtml(sampleContent(), 'en');
    expect(html).to.include('<html lang="en">').and.include('in the name and on behalf of Camille Dubois');
    expect(html).to.include('Sole trader').and.include('Video consultation').and.include('€2.00 per minute');
    expect(html).to.include('<td>Total excl. VAT</td><td class="num">€3.48</td>');
    expect(html).to.include('<td>VAT 20%</td><td class="num">€0.69</td>');
    expect(html).to.include('<td>Total incl. VAT</td><td class="num">€4.17</td>');
  });

  it('prints the exemption mention and no VAT line for an expert without VAT number', () => {
    for (const language of ['fr', 'en'] as const) {
      const html = renderReceiptHtml(sampleContent({ vatNumber: null }), language);
      expect(html).to.include('TVA non applicable, art. 293 B du CGI');
      expect(html).not.to.match(/Total HT|TVA 20|VAT 20/);
    }
  });

  it('shows the phone surcharge and the discount, and the one-third rule with the package', () => {
    const phone = renderReceiptHtml(sampleContent({ phone: true }), 'fr');
    expect(phone).to.include('Consultation par téléphone').and.include(`Remise</th><td>10${NBSP}%`);
    expect(phone).to.include(`1,80${NBSP}€ la minute`); // the rate after the 10 % discount
    expect(phone).to.include(`<td>Consultation</td><td class="num">3,75${NBSP}€</td>`);
    expect(phone).to.include(`<td>Supplément téléphonique</td><td class="num">0,42${NBSP}€</td>`);
    const oneThird = renderReceiptHtml(sampleContent({ oneThird: true }), 'en');
    expect(oneThird).to.include('One-third rule').and.include(`15${NBSP}min for €75.00`).and.include('>04:00<');
    expect(oneThird).to.include('<td>Total incl. VAT</td><td class="num">€25.00</td>');
  });

  it('renders a PDF whose text holds the number, the mandate and the amounts', async () => {
    const pdf = await renderReceiptPdf(sampleContent(), 'fr');
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    const text = pdfText(pdf);
    expect(text).to.include(`Reçu n°${NBSP}R000042-0A1B2C3D`);
    expect(text).to.include('au nom et pour le compte de Camille Dubois');
    expect(text).to.include(`3,48${NBSP}€`).and.include(`0,69${NBSP}€`).and.include(`4,17${NBSP}€`);
    const exempt = pdfText(await renderReceiptPdf(sampleContent({ vatNumber: null }), 'en', { compress: false }));
    expect(exempt).to.include('TVA non applicable, art. 293 B du CGI').and.include('€4.17');
  });

  it('renders the same bytes for the same content (dates come from the content, not the clock)', async () => {
    const first = await renderReceiptPdf(sampleContent(), 'fr');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await renderReceiptPdf(sampleContent(), 'fr');
    expect(first.equals(second)).to.equal(true);
    expect(first.toString('latin1')).to.include('(D:20261123090000Z)');
    expect(renderReceiptHtml(sampleContent(), 'en')).to.equal(renderReceiptHtml(sampleContent(), 'en'));
  });
});
