import { useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { formatDate, formatMoney } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { centsToEurosText, parseEurosToCents } from '../../ui/amount.ts';
import { Form, SelectField, TextField, useForm, type FieldError, type FormState } from '../../ui/form.tsx';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { refreshDashboard } from './dashboard-store.ts';
import { pricingRuleMessage, pricingText } from './pricing-messages.ts';
import { usePricingPreview, type PreviewAnswer } from './use-pricing-preview.ts';
import type { PricingBreakdown } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import './pricing.css';

/** EXP-5: the API refuses more. */
const MAX_PACKAGES = 10;
const RATE_FIELDS = ['videoRatePerMinuteCents', 'phoneRatePerMinuteCents'] as const;
const MINUTES_TEXT = /^\d{1,4}$/;

type Breakdown = PricingBreakdown & { upcomingFeeChange: { feePerMinuteCents: number; effectiveFrom: string } | null };
type Values = Record<string, string>;

/** `/espace/tarifs` (EXP-4, EXP-5): rates per mode and packages, with the fee and what the expert keeps, live. */
export default function PricingPage({ notice }: PageProps) {
  const saved = useResource(() => apiCall<Breakdown>('GET', '/api/experts/me/pricing/breakdown'), []);
  return (
    <WorkspacePage section="pricing" title={pricingText('title')} notice={notice}>
      {saved.state === 'ready' ? (
        <PricingEditor initial={saved.data} />
      ) : saved.state === 'failed' ? (
        <LoadFailed error={saved.error} onRetry={saved.reload} />
      ) : (
        <Loading />
      )}
    </WorkspacePage>
  );
}

function valuesOf(breakdown: PricingBreakdown): Values {
  const values: Values = {
    videoRatePerMinuteCents: centsToEurosText(breakdown.video?.ratePerMinuteCents),
    phoneRatePerMinuteCents: centsToEurosText(breakdown.phone?.ratePerMinuteCents),
  };
  breakdown.packages.forEach((offer, index) => {
    values[`packages.${index}.mode`] = offer.mode;
    values[`packages.${index}.minutes`] = String(offer.minutes);
    values[`packages.${index}.priceCents`] = centsToEurosText(offer.priceCents);
  });
  return values;
}

interface PackageDraft {
  mode: string;
  minutes: string;
  price: string;
}

const packageAt = (values: Values, index: number): PackageDraft => ({
  mode: values[`packages.${index}.mode`] ?? 'video',
  minutes: values[`packages.${index}.minutes`] ?? '',
  price: values[`packages.${index}.priceCents`] ?? '',
});

/** A package as the API takes it, or undefined while what was typed is not yet a number. */
function packageBody(draft: PackageDraft): { mode: string; minutes: number; priceCents: number } | undefined {
  const priceCents = parseEurosToCents(draft.price);
  if (!MINUTES_TEXT.test(draft.minutes) || priceCents === undefined) return undefined;
  return { mode: draft.mode, minutes: Number(draft.minutes), priceCents };
}

function PricingEditor({ initial }: { initial: Breakdown }) {
  const form = useForm<Values>(valuesOf(initial));
  const [count, setCount] = useState(initial.packages.length);
  const values = form.values.value;
  const packages = Array.from({ length: count }, (_, index) => packageAt(values, index));

  const rateBody = (field: (typeof RATE_FIELDS)[number]) => {
    const cents = parseEurosToCents(values[field] ?? '');
    return cents === undefined ? undefined : JSON.stringify({ [field]: cents, packages: [] });
  };
  const packageBodies = packages.map((draft) => {
    const body = packageBody(draft);
    return body ? JSON.stringify({ packages: [body] }) : undefined;
  });
  const bodies = [...RATE_FIELDS.map(rateBody), ...packageBodies].filter((body): body is string => body !== undefined);
  const preview = usePricingPreview(bodies);

  const addPackage = () => {
    if (count >= MAX_PACKAGES) return;
    form.values.value = { ...values, [`packages.${count}.mode`]: 'video', [`packages.${count}.minutes`]: '', [`packages.${count}.priceCents`]: '' };
    setCount(count + 1);
  };
  const removePackage = (removed: number) => {
    // The rows after it move up one place, so names stay `packages.<index>.…` as the API's `param` names them.
    const next: Values = { videoRatePerMinuteCents: values['videoRatePerMinuteCents'] ?? '', phoneRatePerMinuteCents: values['phoneRatePerMinuteCents'] ?? '' };
    packages
      .filter((_, index) => index !== removed)
      .forEach((draft, index) => {
        next[`packages.${index}.mode`] = draft.mode;
        next[`packages.${index}.minutes`] = draft.minutes;
        next[`packages.${index}.priceCents`] = draft.price;
      });
    form.values.value = next;
    form.errors.value = {};
    setCount(count - 1);
  };

  const validate = (current: Values): FieldError[] => {
    const errors: FieldError[] = [];
    for (const field of RATE_FIELDS) {
      const text = current[field] ?? '';
      if (text.trim() !== '' && parseEurosToCents(text) === undefined) errors.push({ name: field, message: pricingText('error.amount') });
    }
    for (let index = 0; index < count; index++) {
      const draft = packageAt(current, index);
      if (!MINUTES_TEXT.test(draft.minutes)) errors.push({ name: `packages.${index}.minutes`, message: pricingText('error.wholeMinutes') });
      if (parseEurosToCents(draft.price) === undefined) errors.push({ name: `packages.${index}.priceCents`, message: pricingText('error.amount') });
    }
    return errors;
  };

  const submit = async (current: Values) => {
    const cents = (field: string) => ((current[field] ?? '').trim() === '' ? null : parseEurosToCents(current[field] ?? '')!);
    const body = {
      videoRatePerMinuteCents: cents('videoRatePerMinuteCents'),
      phoneRatePerMinuteCents: cents('phoneRatePerMinuteCents'),
      packages: Array.from({ length: count }, (_, index) => packageBody(packageAt(current, index))!),
    };
    try {
      await apiCall('PUT', '/api/experts/me/pricing', { json: body });
    } catch (error) {
      const message = error instanceof ApiError ? pricingRuleMessage(error.code) : undefined;
      const field = error instanceof ApiError ? error.param : undefined;
      if (message && field && form.rules.has(field)) form.showErrors([{ name: field, message }]);
      else if (message) form.status.value = { kind: 'error', message };
      else throw error;
      return;
    }
    form.showSuccess(pricingText('saved'));
    await refreshDashboard();
  };

  const fee = formatMoney(initial.feePerMinuteCents);
  return (
    <>
      <p class="ws-intro">{pricingText('intro', { fee })}</p>
      {initial.upcomingFeeChange ? (
        <p class="ws-banner">
          {pricingText('feeChange', {
            date: formatDate(initial.upcomingFeeChange.effectiveFrom),
            fee: formatMoney(initial.upcomingFeeChange.feePerMinuteCents),
          })}
        </p>
      ) : null}
      <Form form={form} label={pricingText('formLabel')} submitLabel={pricingText('save')} validate={validate} onSubmit={submit}>
        <section class="card" aria-labelledby="per-minute-title">
          <h2 id="per-minute-title">{pricingText('perMinute')}</h2>
          <p class="hint">{pricingText('perMinuteHint')}</p>
          <div class="rate-grid">
            {RATE_FIELDS.map((field) => {
              const mode = field === 'videoRatePerMinuteCents' ? 'video' : 'phone';
              const body = rateBody(field);
              return (
                <div class="rate-item" key={field}>
                  <TextField
                    form={form}
                    name={field}
                    label={pricingText(mode === 'video' ? 'videoRate' : 'phoneRate')}
                    hint={pricingText('rateHint')}
                    inputMode="decimal"
                    suffix="€"
                  />
                  <RateFigures
                    empty={(values[field] ?? '').trim() === ''}
                    typo={body ? undefined : pricingText('error.amount')}
                    answer={body ? preview(body) : undefined}
                    render={(breakdown) => {
                      const rate = breakdown[mode];
                      return rate ? pricingText('rateBreakdown', { fee: formatMoney(rate.feePerMinuteCents), net: formatMoney(rate.netPerMinuteCents) }) : '';
                    }}
                    testId={`breakdown-${mode}`}
                  />
                </div>
              );
            })}
          </div>
        </section>
        <section class="card" aria-labelledby="packages-title">
          <h2 id="packages-title">{pricingText('packages')}</h2>
          <p class="hint">{pricingText('packagesHint', { max: MAX_PACKAGES })}</p>
          {count === 0 ? <p class="empty">{pricingText('noPackages')}</p> : null}
          <ol class="package-list">
            {packages.map((draft, index) => {
              const body = packageBodies[index];
              return (
                <PackageRow
                  key={index}
                  form={form}
                  index={index}
                  answer={body ? preview(body) : undefined}
                  onRemove={() => removePackage(index)}
                  typo={body ? undefined : (packageTypo(draft) ?? '')}
                />
              );
            })}
          </ol>
          <button type="button" class="button button-secondary" disabled={count >= MAX_PACKAGES} onClick={addPackage}>
            {pricingText('addPackage')}
          </button>
          {count >= MAX_PACKAGES ? <p class="hint">{pricingText('packageLimit', { max: MAX_PACKAGES })}</p> : null}
        </section>
      </Form>
    </>
  );
}

interface FiguresProps {
  empty: boolean;
  /** What was typed is not a number yet: said here, before any request. */
  typo?: string | undefined;
  answer: PreviewAnswer | undefined;
  render: (breakdown: PricingBreakdown) => string;
  testId: string;
}

function RateFigures({ empty, typo, answer, render, testId }: FiguresProps) {
  let content: string;
  let kind = 'figures';
  if (empty) {
    content = pricingText('notOffered');
    kind = 'figures figures-muted';
  } else if (typo) {
    content = typo;
    kind = 'figures figures-refused';
  } else if (answer?.state === 'ready') content = render(answer.breakdown);
  else if (answer?.state === 'refused') {
    content = answer.message;
    kind = 'figures figures-refused';
  } else content = pricingText('computing');
  return (
    <p class={kind} aria-live="polite" data-testid={testId}>
      {content}
    </p>
  );
}

/** Why a package cannot be previewed: a field that is not a number; undefined while a field is still empty. */
function packageTypo(draft: PackageDraft): string | undefined {
  if (draft.minutes.trim() !== '' && !MINUTES_TEXT.test(draft.minutes)) return pricingText('error.wholeMinutes');
  if (draft.price.trim() !== '' && parseEurosToCents(draft.price) === undefined) return pricingText('error.amount');
  return undefined;
}

interface PackageRowProps {
  form: FormState<Values>;
  index: number;
  answer: PreviewAnswer | undefined;
  onRemove: () => void;
  /** Undefined: previewed; '' while a field is still empty; else why what was typed is not a number. */
  typo: string | undefined;
}

function PackageRow({ form, index, answer, onRemove, typo }: PackageRowProps) {
  const n = index + 1;
  return (
    <li class="package-row">
      <fieldset class="package-fields">
        <legend>{pricingText('packageN', { n })}</legend>
        <SelectField
          form={form}
          name={`packages.${index}.mode`}
          label={pricingText('packageMode')}
          required
          options={[
            { value: 'video', label: pricingText('mode.video') },
            { value: 'phone', label: pricingText('mode.phone') },
          ]}
        />
        <TextField form={form} name={`packages.${index}.minutes`} label={pricingText('packageMinutes')} required inputMode="numeric" />
        <TextField form={form} name={`packages.${index}.priceCents`} label={pricingText('packagePrice')} required inputMode="decimal" suffix="€" />
      </fieldset>
      <div class="package-foot">
        {typo === '' ? (
          <p class="figures" aria-live="polite" data-testid={`breakdown-package-${n}`} />
        ) : (
          <RateFigures
            empty={false}
            typo={typo}
            answer={answer}
            render={(breakdown) => {
              const offer = breakdown.packages[0];
              if (!offer) return '';
              const whole = pricingText('packageBreakdown', { fee: formatMoney(offer.feeCents), net: formatMoney(offer.netCents) });
              return offer.oneThirdRule
                ? `${whole}. ${pricingText('oneThird', { charge: formatMoney(offer.oneThirdRule.chargeCents), net: formatMoney(offer.oneThirdRule.netCents) })}`
                : whole;
            }}
            testId={`breakdown-package-${n}`}
          />
        )}
        <button type="button" class="button button-secondary button-small" aria-label={pricingText('removePackage', { n })} onClick={onRemove}>
          {pricingText('remove')}
        </button>
      </div>
    </li>
  );
}
