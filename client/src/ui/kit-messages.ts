import { defineMessages } from '../i18n/index.ts';

/** The words of the small components of `ui/` (copy fields, dialogs, tables, paging). */
export const kitText = defineMessages({
  fr: {
    retry: 'Réessayer',
    copied: 'Copié dans le presse-papiers.',
    copyManually: 'Le texte est sélectionné : copiez-le avec Ctrl+C (⌘+C sur Mac).',
    close: 'Fermer',
    more: 'Voir plus',
    loadingMore: 'Chargement…',
    downloadSvg: 'Télécharger le QR code (SVG, pour l’impression)',
    downloadPng: 'Télécharger le QR code (PNG)',
    snippetPreview: 'Aperçu',
    shownOf: { one: '{shown} sur {count} affiché', other: '{shown} sur {count} affichés' },
  },
  en: {
    retry: 'Try again',
    copied: 'Copied to the clipboard.',
    copyManually: 'The text is selected: copy it with Ctrl+C (⌘+C on a Mac).',
    close: 'Close',
    more: 'Show more',
    loadingMore: 'Loading…',
    downloadSvg: 'Download the QR code (SVG, for print)',
    downloadPng: 'Download the QR code (PNG)',
    snippetPreview: 'Preview',
    shownOf: { one: '{shown} of {count} shown', other: '{shown} of {count} shown' },
  },
});
