/** Professional categories offered at expert signup (ACC-3); the consultation page shows their label. */
export const EXPERT_CATEGORIES = [
  'therapy',
  'teaching',
  'accounting',
  'law',
  'translation',
  'coaching',
  'it',
  'nutrition',
  'veterinary',
  'consulting',
  'wellbeing',
  'other',
] as const;

export type ExpertCategory = (typeof EXPERT_CATEGORIES)[number];
