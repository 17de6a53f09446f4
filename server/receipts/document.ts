import type { Language } from './format.ts';

/**
 * What a printed money document says, already worded in one language: the receipt and the
 * statement are built once as this model and drawn twice (HTML and PDF), so the two formats
 * can never say different things.
 */
export interface PrintedDocument {
  language: Language;
  title: string;
  /** Printed under the title: who issues the document and for whom. */
  lead: readonly string[];
  /** ISO time the document is dated: the PDF's metadata dates come from it, never from the clock. */
  datedAt: string;
  /** Stable name for the file (no extension). */
  fileName: string;
  sections: readonly Section[];
  footer: readonly string[];
}

export interface LabelledValue {
  label: string;
  value: string;
  strong?: boolean;
}

export interface Column {
  label: string;
  align: 'left' | 'right';
  /** Relative width, for the PDF's fixed layout. */
  weight: number;
}

export type Section =
  | { kind: 'parties'; parties: readonly { heading: string; lines: readonly string[] }[] }
  | { kind: 'facts'; heading: string; rows: readonly LabelledValue[] }
  | { kind: 'amounts'; heading: string; rows: readonly LabelledValue[] }
  | { kind: 'table'; heading: string; columns: readonly Column[]; rows: readonly (readonly string[])[]; totals: readonly string[] | null; empty: string }
  | { kind: 'notes'; lines: readonly string[] };
