import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { Page } from '../router.ts';
import { link, pageLayout } from './layout.ts';

export const notFoundPage: Page = () =>
  pageLayout(t('notFound.title'), undefined, h('p', {}, t('notFound.text')), h('p', {}, link('/', t('notFound.home'))));
