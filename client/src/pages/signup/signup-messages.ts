import { defineMessages, type Dictionary } from '../../i18n/index.ts';

const fr = {
  'choice.title': 'Créer un compte',
  'choice.asClient': 'Je suis client',
  'choice.asExpert': 'Je suis expert',
  'client.title': 'Créer un compte client',
  'client.intro': 'Quatre informations suffisent. Vous compléterez votre profil plus tard depuis votre compte.',
  'client.submit': 'Créer mon compte',
  'client.expertLink': 'Vous êtes un expert ? Inscrivez-vous comme expert',
  'expert.title': 'Devenir expert sur Consulto',
  'expert.intro': 'L’inscription est gratuite. Ces informations figurent sur les reçus de vos clients et permettent de vérifier votre identité.',
  'expert.sponsored': 'Vous vous inscrivez grâce au lien de parrainage de {sponsor}.',
  'expert.sponsorUnknown': 'Ce lien de parrainage ne correspond à aucun expert actif.',
  'expert.withoutSponsor': 'S’inscrire sans parrain',
  'expert.submit': 'Créer mon compte expert',
  'expert.photoFailed': 'Votre compte est créé, mais la photo n’a pas pu être enregistrée ({reason}). Ajoutez-la ci-dessous.',
  'code.alreadyVerified': 'Votre adresse e-mail est déjà vérifiée.',
  'code.format': 'Saisissez les 6 chiffres du code, par exemple 123456.',
  'code.later': 'Je vérifierai plus tard',
  'code.laterHint': 'Sans adresse vérifiée, vous ne pourrez pas réserver de consultation.',
} satisfies Dictionary<string>;

export type SignupMessageKey = keyof typeof fr;

/** The sign-up pages' own texts and the ACC-10 code step (also used by the booking flow). */
export const sm = defineMessages<SignupMessageKey>({ fr, en: () => import('./signup-messages.en.ts').then((module) => module.en) });
// French visitors never fetch the English file; an English page waits for it before it is drawn.
await sm.ready;
