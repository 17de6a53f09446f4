import { fr, type MessageKey } from './fr.ts';
import { en } from './en.ts';

export type { MessageKey } from './fr.ts';
export type Language = 'fr' | 'en';

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'consulto.language';
/** The reference market is France: French unless the visitor chose English. */
const DEFAULT_LANGUAGE: Language = 'fr';

let current: Language = readStoredLanguage();
const listeners = new Set<(language: Language) => void>();

function readStoredLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'en' || stored === 'fr' ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE; // storage disabled: the default still works
  }
}

export function language(): Language {
  return current;
}

/** Remembers the choice, updates `<html lang>` (screen readers switch voice) and tells the listeners. */
export function setLanguage(next: Language): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

export function onLanguageChange(listener: (language: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The message in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return DICTIONARIES[current][key].replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(current === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' }).format(new Date(iso));
}

/** Country names in the current language, from the browser's own data (no list to translate). */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames([current], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
