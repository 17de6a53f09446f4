import { useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { defineMessages, formatDate } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { DataTable } from '../../ui/data-table.tsx';
import { apiErrorMessage } from '../../ui/errors.ts';
import { CheckboxField, Form, TextField, useForm, type FieldError } from '../../ui/form.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { dashboard } from './dashboard-store.ts';
import { wallClockToIso } from './expert-time.ts';
import { WorkspacePage } from './workspace-layout.tsx';

/** The API's rules (server/experts/discount-codes.ts). */
const DISCOUNT_CODE_PATTERN = /^[A-Za-z0-9_-]{3,32}$/;
const MAX_USES_TEXT = /^[1-9]\d{0,4}$/;
/** Codes listed at first; "show more" adds as many again. */
const CODES_PAGE_SIZE = 20;

const text = defineMessages({
  fr: {
    title: 'Codes de réduction',
    intro: 'Un code réduit le prix payé par le client et votre part, jamais les frais de service de la plateforme.',
    list: 'Vos codes de réduction',
    none: 'Aucun code de réduction.',
    code: 'Code',
    percent: 'Réduction',
    expiry: 'Fin de validité',
    uses: 'Utilisations',
    status: 'Statut',
    action: 'Action',
    noExpiry: 'sans date de fin',
    firstOnlyShort: '1re consultation',
    disable: 'Désactiver',
    disableCode: 'Désactiver le code {code}',
    disabled: 'Le code {code} est désactivé.',
    'status.active': 'actif',
    'status.disabled': 'désactivé',
    'status.expired': 'expiré',
    'status.used_up': 'épuisé',
    create: 'Créer un code de réduction',
    codeHint: '3 à 32 lettres, chiffres, _ ou -, par exemple BIENVENUE10.',
    percentOff: 'Réduction (%)',
    percentHint: 'Un nombre entier de 1 à 100.',
    expiresAt: 'Valable jusqu’au',
    expiresHint: 'Inclus. Laissez vide pour un code sans date de fin.',
    maxUses: 'Nombre maximal d’utilisations',
    firstOnly: 'Réservé à la première consultation d’un client',
    submit: 'Créer le code',
    created: 'Code de réduction créé.',
    'error.code': '3 à 32 lettres, chiffres, _ ou -.',
    'error.taken': 'Vous avez déjà un code avec ce texte.',
    'error.percent': 'Indiquez un nombre entier de 1 à 100.',
    'error.maxUses': 'Indiquez un nombre entier positif.',
    'error.tooMany': 'Vous avez déjà 100 codes actifs : désactivez-en avant d’en créer un autre.',
  },
  en: {
    title: 'Discount codes',
    intro: 'A code lowers the price the client pays and your share, never the platform’s operating fee.',
    list: 'Your discount codes',
    none: 'No discount code.',
    code: 'Code',
    percent: 'Discount',
    expiry: 'Valid until',
    uses: 'Uses',
    status: 'Status',
    action: 'Action',
    noExpiry: 'no end date',
    firstOnlyShort: '1st consultation',
    disable: 'Disable',
    disableCode: 'Disable the code {code}',
    disabled: 'The code {code} is disabled.',
    'status.active': 'active',
    'status.disabled': 'disabled',
    'status.expired': 'expired',
    'status.used_up': 'used up',
    create: 'Create a discount code',
    codeHint: '3 to 32 letters, digits, _ or -, for example WELCOME10.',
    percentOff: 'Discount (%)',
    percentHint: 'A whole number from 1 to 100.',
    expiresAt: 'Valid until',
    expiresHint: 'Included. Leave empty for a code with no end date.',
    maxUses: 'Maximum number of uses',
    firstOnly: 'Only for a client’s first consultation',
    submit: 'Create the code',
    created: 'Discount code created.',
    'error.code': '3 to 32 letters, digits, _ or -.',
    'error.taken': 'You already have a code with this text.',
    'error.percent': 'Enter a whole number from 1 to 100.',
    'error.maxUses': 'Enter a whole positive number.',
    'error.tooMany': 'You already have 100 active codes: disable some before creating another.',
  },
});

interface DiscountCode {
  id: string;
  code: string;
  percentOff: number;
  expiresAt: string | null;
  maxUses: number | null;
  firstConsultationOnly: boolean;
  usesCount: number;
  status: 'active' | 'disabled' | 'expired' | 'used_up';
}

/** `/espace/codes` (EXP-7): the expert's discount codes and a form to create one. */
export default function DiscountCodesPage({ notice }: PageProps) {
  const codes = useResource(() => apiCall<{ discountCodes: DiscountCode[] }>('GET', '/api/experts/me/discount-codes'), []);
  return (
    <WorkspacePage section="discounts" title={text('title')} notice={notice}>
      <p class="ws-intro">{text('intro')}</p>
      <section class="card" aria-labelledby="codes-title">
        <h2 id="codes-title">{text('list')}</h2>
        {codes.state === 'ready' ? (
          <CodeList codes={codes.data.discountCodes} onChanged={codes.reload} />
        ) : codes.state === 'failed' ? (
          <LoadFailed error={codes.error} onRetry={codes.reload} />
        ) : (
          <Loading />
        )}
      </section>
      <section class="card" aria-labelledby="new-code-title">
        <h2 id="new-code-title">{text('create')}</h2>
        <NewCode onCreated={codes.reload} />
      </section>
    </WorkspacePage>
  );
}

function CodeList({ codes, onChanged }: { codes: DiscountCode[]; onChanged: () => void }) {
  const [shown, setShown] = useState(CODES_PAGE_SIZE);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const zone = dashboard.value?.timeZone;
  if (codes.length === 0) return <p class="empty">{text('none')}</p>;
  const disable = (code: DiscountCode) => {
    setBusy(code.id);
    apiCall('POST', `/api/experts/me/discount-codes/${code.id}/disable`)
      .then(
        () => {
          setStatus(text('disabled', { code: code.code }));
          onChanged();
        },
        (error: unknown) => setStatus(apiErrorMessage(error)),
      )
      .finally(() => setBusy(undefined));
  };
  return (
    <>
      <DataTable
        caption={text('list')}
        captionHidden
        testId="discount-codes"
        columns={[
          { label: text('code') },
          { label: text('percent'), numeric: true },
          { label: text('expiry') },
          { label: text('uses'), numeric: true },
          { label: text('status') },
          { label: text('action') },
        ]}
        rows={codes.slice(0, shown).map((code) => ({
          key: code.id,
          cells: [
            <span class="code-text">{code.code}</span>,
            `${code.percentOff} %`,
            code.expiresAt ? formatDate(code.expiresAt, zone) : text('noExpiry'),
            `${code.usesCount}${code.maxUses === null ? '' : ` / ${code.maxUses}`}${code.firstConsultationOnly ? ` (${text('firstOnlyShort')})` : ''}`,
            text(`status.${code.status}`),
            code.status === 'active' ? (
              <button
                type="button"
                class="button button-secondary button-small"
                disabled={busy === code.id}
                aria-label={text('disableCode', { code: code.code })}
                onClick={() => disable(code)}
              >
                {text('disable')}
              </button>
            ) : (
              '—'
            ),
          ],
        }))}
      />
      {codes.length > shown ? (
        <div class="list-more">
          <p class="hint">{kitText('shownOf', { shown, count: codes.length })}</p>
          <button type="button" class="button button-secondary" onClick={() => setShown(shown + CODES_PAGE_SIZE)}>
            {kitText('more')}
          </button>
        </div>
      ) : null}
      <p class="form-status" role="status">
        {status}
      </p>
    </>
  );
}

function NewCode({ onCreated }: { onCreated: () => void }) {
  const initial = { code: '', percentOff: '', expiresAt: '', maxUses: '', firstConsultationOnly: false };
  const form = useForm(initial);
  const validate = (values: typeof initial): FieldError[] => {
    const errors: FieldError[] = [];
    if (values.code && !DISCOUNT_CODE_PATTERN.test(values.code)) errors.push({ name: 'code', message: text('error.code') });
    const percent = Number(values.percentOff);
    if (values.percentOff && !(/^\d{1,3}$/.test(values.percentOff) && percent >= 1 && percent <= 100))
      errors.push({ name: 'percentOff', message: text('error.percent') });
    if (values.maxUses && !MAX_USES_TEXT.test(values.maxUses)) errors.push({ name: 'maxUses', message: text('error.maxUses') });
    return errors;
  };
  return (
    <Form
      form={form}
      label={text('create')}
      submitLabel={text('submit')}
      validate={validate}
      onSubmit={async (values) => {
        try {
          await apiCall('POST', '/api/experts/me/discount-codes', {
            json: {
              code: values.code,
              percentOff: Number(values.percentOff),
              // The code stays valid through the chosen day, on the expert's own clock.
              expiresAt: values.expiresAt ? wallClockToIso(values.expiresAt, '23:59:59', dashboard.value?.timeZone ?? 'Europe/Paris') : null,
              maxUses: values.maxUses ? Number(values.maxUses) : null,
              firstConsultationOnly: values.firstConsultationOnly,
            },
          });
        } catch (error) {
          if (error instanceof ApiError && error.code === 'discount_code_taken') form.showErrors([{ name: 'code', message: text('error.taken') }]);
          else if (error instanceof ApiError && error.code === 'too_many_discount_codes') form.status.value = { kind: 'error', message: text('error.tooMany') };
          else throw error;
          return;
        }
        form.values.value = initial;
        form.showSuccess(text('created'));
        onCreated();
      }}
    >
      <div class="form-columns">
        <TextField form={form} name="code" label={text('code')} hint={text('codeHint')} required maxLength={32} autocomplete="off" />
        <TextField form={form} name="percentOff" label={text('percentOff')} hint={text('percentHint')} required inputMode="numeric" suffix="%" />
        <TextField form={form} name="expiresAt" type="date" label={text('expiresAt')} hint={text('expiresHint')} />
        <TextField form={form} name="maxUses" label={text('maxUses')} inputMode="numeric" />
      </div>
      <CheckboxField form={form} name="firstConsultationOnly" label={text('firstOnly')} />
    </Form>
  );
}
