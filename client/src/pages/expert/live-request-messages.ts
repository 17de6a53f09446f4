import { defineMessages } from '../../i18n/index.ts';

/** BOOK-4: the live request as the expert meets it, on every workspace section. */
export const liveRequestText = defineMessages({
  fr: {
    tabTitle: { one: '({count}) Demande de consultation – Consulto', other: '({count}) Demandes de consultation – Consulto' },
    notificationTitle: 'Demande de consultation',
    notificationBody: '{name} demande une consultation {mode} maintenant.',
    bannerTitle: { one: 'Une demande de consultation attend votre réponse', other: '{count} demandes de consultation attendent votre réponse' },
    notificationsOn: 'Activer les notifications',
    notificationsHint: 'Pour être prévenu(e) même quand cet onglet n’est pas affiché.',
    notificationsDenied: 'Les notifications sont bloquées dans votre navigateur : le son et le titre de l’onglet vous préviennent.',
  },
  en: {
    tabTitle: { one: '({count}) Consultation request – Consulto', other: '({count}) Consultation requests – Consulto' },
    notificationTitle: 'Consultation request',
    notificationBody: '{name} asks for a {mode} consultation now.',
    bannerTitle: { one: 'A consultation request is waiting for your answer', other: '{count} consultation requests are waiting for your answer' },
    notificationsOn: 'Turn on notifications',
    notificationsHint: 'To hear of requests even when this tab is not shown.',
    notificationsDenied: 'Notifications are blocked in your browser: the sound and the tab title still tell you.',
  },
});
