import { signal } from '@preact/signals';
import type { MessageKey } from './fr.ts';
import type { Dictionary, Message, PluralForms } from './types.ts';

export type { MessageKey } from './fr.ts';
export type Language = 'fr' | 'en';

export type { Dictionary, Message, PluralForms } from './types.ts';
export type MessageValues = Record<string, string | number>;

const STORAGE_KEY = 'consulto.language';
/** The reference market is France: French unless the visitor chose English. */
const DEFAULT_LANGUAGE: Language = 'fr';
const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

/**
 * The interface language. Components that call `t` during their render read this
 * signal and are drawn again when it changes: switching language is a re-render, never
 * a DOM patch-up, so what people typed and chose stays where it is.
 */
export const currentLanguage = signal<Language>(readStoredLanguage());

function readStoredLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'en' || stored === 'fr' ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE; // storage disabled: the default still works
  }
}

export function language(): Language {
  return currentLanguage.value;
}

export function locale(): string {
  return LOCALES[currentLanguage.value];
}

/**
 * Each language's shared dictionary is its own file, fetched when that language is first shown:
 * a visitor downloads one language, not both (SPEC §13, phone arrival).
 */
const DICTIONARY_LOADERS: Record<Language, () => Promise<Dictionary<MessageKey>>> = {
  fr: () => import('./fr.ts').then((module) => module.fr),
  en: () => import('./en.ts').then((module) => module.en),
};
const dictionaries: Partial<Record<Language, Dictionary<MessageKey>>> = {};
const loadingDictionaries: Partial<Record<Language, Promise<void>>> = {};

/** Fetches a language's shared dictionary once; the app renders after the current one is in. */
export function loadDictionary(wanted: Language): Promise<void> {
  loadingDictionaries[wanted] ??= DICTIONARY_LOADERS[wanted]().then(
    (dictionary) => {
      dictionaries[wanted] = dictionary;
    },
    (error: unknown) => {
      // Offline for a moment: the next attempt fetches it again.
      delete loadingDictionaries[wanted];
      throw error;
    },
  );
  return loadingDictionaries[wanted];
}

/**
 * Remembers the choice, updates `<html lang>` (screen readers switch voice) and re-renders,
 * once the new language's texts are in, shared and features' (until then the page stays in the old language).
 */
export async function setLanguage(next: Language): Promise<void> {
  await Promise.all([loadDictionary(next), ...(next === 'en' ? [...englishLoaders].map((load) => load()) : [])]);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  currentLanguage.value = next;
}

/** For code outside components (the call object, document titles) that must follow the language. */
export function onLanguageChange(listener: (language: Language) => void): () => void {
  let first = true;
  return currentLanguage.subscribe((next) => {
    if (first) {
      first = false;
      return;
    }
    listener(next);
  });
}

/** Features whose English is a file of its own: each is fetched when English is first shown. */
const englishLoaders = new Set<() => Promise<void>>();

export interface FeatureMessages<Key extends string> {
  (key: Key, values?: MessageValues): string;
  /** Settles once the current language's texts are in (at once unless English must be fetched). */
  ready: Promise<void>;
}

/**
 * A feature's own messages, French first, English with exactly the same keys: pages keep
 * their texts next to them instead of in one shared file. English may be a loader of its own
 * file, so a French visitor (the reference market) never downloads it; a module then awaits
 * `ready` before its page is drawn, and `setLanguage('en')` fetches it before switching.
 */
export function defineMessages<Key extends string>(dictionaries: {
  fr: Dictionary<Key>;
  en: NoInfer<Dictionary<Key>> | (() => Promise<NoInfer<Dictionary<Key>>>);
}): FeatureMessages<Key> {
  const source = dictionaries.en;
  let english = typeof source === 'function' ? undefined : source;
  let loadingEnglish: Promise<void> | undefined;
  const loadEnglish = (): Promise<void> => {
    if (english || typeof source !== 'function') return Promise.resolve();
    loadingEnglish ??= source().then(
      (loaded) => {
        english = loaded;
      },
      (error: unknown) => {
        loadingEnglish = undefined;
        throw error;
      },
    );
    return loadingEnglish;
  };
  if (typeof source === 'function') englishLoaders.add(loadEnglish);
  const messages = (key: Key, values: MessageValues = {}): string => {
    // Until its English is in (a failed fetch), a feature shows its French rather than nothing.
    const dictionary = currentLanguage.value === 'en' && english ? english : dictionaries.fr;
    return format(dictionary[key], values);
  };
  return Object.assign(messages, { ready: currentLanguage.value === 'en' ? loadEnglish().catch(() => undefined) : Promise.resolve() });
}

/** A shared message in the current language, with `{name}` placeholders filled in (the key itself before its dictionary is in). */
export const t = (key: MessageKey, values: MessageValues = {}): string => {
  const dictionary = dictionaries[currentLanguage.value];
  return dictionary ? format(dictionary[key], values) : key;
};

function format(message: Message, values: MessageValues): string {
  const text = typeof message === 'string' ? message : pluralForm(message, values['count']);
  return text.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) return match;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

function pluralForm(forms: PluralForms, count: string | number | undefined): string {
  const category = new Intl.PluralRules(locale()).select(Number(count ?? 0));
  return forms[category] ?? forms.other;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale()).format(value);
}

/** Euro cents as people read them: 1 234,50 € / €1,234.50. */
export function formatMoney(amountCents: number): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(amountCents / 100);
}

export function formatDate(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone }).format(new Date(iso));
}

/** Date and time in the reader's zone (or the one given), with the zone's short name so nobody guesses. */
export function formatDateTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(new Date(iso));
}

export function formatTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

/**
 * A length of time in words: "1 h 5 min", "45 s" in French; "1 hour 5 minutes", "45 seconds" in
 * English, whose short units ("45 secs", "1 hr") read like shorthand on a receipt.
 */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const unitDisplay = currentLanguage.value === 'en' ? 'long' : 'short';
  const unit = (value: number, name: 'hour' | 'minute' | 'second') => new Intl.NumberFormat(locale(), { style: 'unit', unit: name, unitDisplay }).format(value);
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
  if (minutes > 0) return rest > 0 ? `${unit(minutes, 'minute')} ${unit(rest, 'second')}` : unit(minutes, 'minute');
  return unit(rest, 'second');
}

/** Country names in the current language, from the browser's own data (no list to translate). */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames([currentLanguage.value], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
