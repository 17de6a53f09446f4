import { defineMessages } from '../i18n/index.ts';

/** The texts of the shared components (dialogs, pagers, copy buttons), French first. */
export const ut = defineMessages({
  fr: {
    close: 'Fermer',
    copy: 'Copier',
    copied: 'Copié dans le presse-papiers.',
    copyFailed: 'Copie impossible : sélectionnez le texte et copiez-le.',
    previous: 'Précédent',
    next: 'Suivant',
    pageRange: '{from}–{to} sur {count}',
    pageEmpty: 'Aucun résultat',
    pagination: 'Pagination',
    more: 'Afficher plus',
    loading: 'Chargement…',
    table: 'Tableau : {name}',
  },
  en: {
    close: 'Close',
    copy: 'Copy',
    copied: 'Copied to the clipboard.',
    copyFailed: 'Could not copy: select the text and copy it.',
    previous: 'Previous',
    next: 'Next',
    pageRange: '{from}–{to} of {count}',
    pageEmpty: 'No results',
    pagination: 'Pages',
    more: 'Show more',
    loading: 'Loading…',
    table: 'Table: {name}',
  },
});
