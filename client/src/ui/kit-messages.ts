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
    downloadSvg: 'QR code en SVG (impression)',
    downloadPng: 'QR code en PNG',
    shownOf: { one: '{shown} sur {count} affiché', other: '{shown} sur {count} affichés' },
  },
  en: {
    retry: 'Try again',
    copied: 'Copied to the clipboard.',
    copyManually: 'The text is selected: copy it with Ctrl+C (⌘+C on a Mac).',
    close: 'Close',
    more: 'Show more',
    loadingMore: 'Loading…',
    downloadSvg: 'QR code as SVG (print)',
    downloadPng: 'QR code as PNG',
    shownOf: { one: '{shown} of {count} shown', other: '{shown} of {count} shown' },
  },
});
