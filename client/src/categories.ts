import { EXPERT_CATEGORIES, type ExpertCategory } from '../../server/experts/categories.ts';
import { t } from './i18n/index.ts';

/**
 * The professional categories come from the API's own list (ACC-3), so the select
 * can never offer one the API refuses; each needs a label in every dictionary.
 */
export function categoryOptions(): { value: ExpertCategory; label: string }[] {
  return EXPERT_CATEGORIES.map((category) => ({ value: category, label: t(`category.${category}`) }));
}
