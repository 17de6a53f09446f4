/**
 * EXP-1: `firstname-lastname`, lowercased, accents stripped; collisions get `-2`, `-3`…
 * The database's unique constraint on the slug is the final judge (see registration).
 */
export function baseSlug(firstName: string, lastName: string): string {
  const slug = `${firstName} ${lastName}`
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[æ]/g, 'ae')
    .replace(/[œ]/g, 'oe')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'expert-consulto';
}

/** The first free slug given the slugs already taken that start with the same base. */
export function firstFreeSlug(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}-${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}
