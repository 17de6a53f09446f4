/**
 * A message is a text with `{name}` placeholders, or its plural forms chosen by
 * `Intl.PluralRules` from the `count` value ("1 avis", "2 avis"; "1 review", "2 reviews").
 */
export type Message = string | PluralForms;

export interface PluralForms {
  one: string;
  other: string;
  zero?: string;
  two?: string;
  few?: string;
  many?: string;
}

export type Dictionary<Key extends string> = Record<Key, Message>;
