/**
 * BOOK-4: how an open workspace catches the expert's attention for a new immediate request: a
 * short chime generated with Web Audio (nothing to download), and the browser's notification when
 * the expert allowed it (asked through a button, never on load). The tab title is the page's.
 */

/** Two rising notes, short and not alarming: the expert may be with someone. */
const CHIME_TONES_HZ = [784, 1047] as const;
const CHIME_TONE_SECONDS = 0.18;
const CHIME_GAIN = 0.25;

export function playRequestChime(): void {
  try {
    const context = new AudioContext();
    const start = context.currentTime;
    CHIME_TONES_HZ.forEach((frequency, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      const from = start + index * CHIME_TONE_SECONDS;
      // A soft attack and decay: no click at the start or end of each note.
      gain.gain.setValueAtTime(0, from);
      gain.gain.linearRampToValueAtTime(CHIME_GAIN, from + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.001, from + CHIME_TONE_SECONDS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(from);
      oscillator.stop(from + CHIME_TONE_SECONDS);
    });
    window.setTimeout(() => void context.close().catch(() => undefined), (CHIME_TONES_HZ.length * CHIME_TONE_SECONDS + 0.2) * 1000);
  } catch {
    // No audio here (a browser without Web Audio): the title and the card still say it.
  }
}

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Shows the browser's notification when allowed; a click brings the tab forward. */
export function showRequestNotification(title: string, body: string, tag: string): void {
  if (!notificationsSupported() || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag });
    notification.addEventListener('click', () => {
      window.focus();
      notification.close();
    });
  } catch {
    // Some browsers only allow notifications from a service worker (Android): the page says it anyway.
  }
}
