import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { formatMoney } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { parseEurosToCents } from '../../ui/amount.ts';
import { DataTable } from '../../ui/data-table.tsx';
import { Form, TextField, useForm, type FieldError } from '../../ui/form.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { StatTile } from '../../ui/stat-tile.tsx';
import { useCursorPages, type CursorPages } from '../../ui/use-cursor-pages.ts';
import { useResource } from '../../ui/use-resource.ts';
import { dashboard, refreshDashboard } from './dashboard-store.ts';
import { momentLabel, shortDayLabel, zoneLabel } from './expert-time.ts';
import { KycCheck } from './kyc-check.tsx';
import type { KycView, Payout, WalletMovement, WalletView } from './workspace-api.ts';
import { walletText } from './wallet-messages.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import { workspaceText } from './workspace-messages.ts';

/** PAY-5: the smallest payout, as the API enforces it. */
const PAYOUT_MINIMUM_CENTS = 5000;
const MOVEMENTS_PAGE_SIZE = 20;
const PAYOUTS_PAGE_SIZE = 10;
/** PAY-5: the API's reasons for refusing a payout. */
const PAYOUT_REFUSALS = ['amount_below_minimum', 'wallet_blocked', 'kyc_not_validated', 'negative_wallet', 'insufficient_available_balance'] as const;

/** `/espace/portefeuille` (PAY-3 … PAY-5): balances, a payout, the identity check, the movements in words. */
export default function WalletPage({ notice }: PageProps) {
  const wallet = useResource(() => apiCall<WalletView>('GET', '/api/wallet'), []);
  const kyc = useResource(() => apiCall<KycView>('GET', '/api/wallet/kyc'), []);
  const movements = useCursorPages<WalletMovement, number>(async (before) => {
    const page = await apiCall<{ movements: WalletMovement[]; nextBefore: number | null }>(
      'GET',
      `/api/wallet/movements?limit=${MOVEMENTS_PAGE_SIZE}${before === null ? '' : `&before=${before}`}`,
    );
    return { items: page.movements, next: page.nextBefore };
  }, []);
  const payouts = useCursorPages<Payout, string>(async (before) => {
    const page = await apiCall<{ payouts: Payout[]; nextBefore: string | null }>(
      'GET',
      `/api/payouts?limit=${PAYOUTS_PAGE_SIZE}${before === null ? '' : `&before=${encodeURIComponent(before)}`}`,
    );
    return { items: page.payouts, next: page.nextBefore };
  }, []);
  const afterMoney = () => {
    wallet.reload();
    movements.reload();
    payouts.reload();
    void refreshDashboard();
  };
  const afterKyc = () => {
    kyc.reload();
    wallet.reload();
    void refreshDashboard();
  };
  // The checklist's "identity check" leads to `#identite`: once drawn, go there.
  useEffect(() => {
    if (kyc.state === 'ready' && window.location.hash === '#identite') document.getElementById('identite')?.focus();
  }, [kyc.state]);
  return (
    <WorkspacePage section="wallet" title={walletText('title')} notice={notice}>
      <p class="ws-intro">{walletText('intro')}</p>
      {wallet.state === 'ready' ? (
        <Balances wallet={wallet.data} />
      ) : wallet.state === 'failed' ? (
        <LoadFailed error={wallet.error} onRetry={wallet.reload} />
      ) : (
        <Loading />
      )}
      <div class="ws-grid wallet-grid">
        {wallet.state === 'ready' ? <PayoutCard wallet={wallet.data} onPaid={afterMoney} /> : null}
        <PayoutHistory payouts={payouts} />
      </div>
      {kyc.state === 'ready' ? (
        <KycCheck kyc={kyc.data} onChanged={afterKyc} />
      ) : kyc.state === 'failed' ? (
        <LoadFailed error={kyc.error} onRetry={kyc.reload} />
      ) : null}
      <Movements movements={movements} />
    </WorkspacePage>
  );
}

function Balances({ wallet }: { wallet: WalletView }) {
  return (
    <>
      {wallet.blocked ? (
        <p class="ws-banner" role="alert">
          {walletText('blocked')}
        </p>
      ) : null}
      {wallet.availableCents < 0 ? <p class="ws-banner">{walletText('negative')}</p> : null}
      <div class="ws-tiles" data-testid="wallet-balances">
        <StatTile label={walletText('available')} value={formatMoney(wallet.availableCents)} />
        <StatTile label={walletText('pending')} value={formatMoney(wallet.pendingCents)}>
          <p>{walletText('pendingHint')}</p>
        </StatTile>
        <StatTile label={walletText('identity')} value={walletText(`kyc.${wallet.kycStatus}`)} words>
          {wallet.kycStatus !== 'validated' ? (
            <p>
              <a href="#identite">{walletText('payoutNeedsKycLink')}</a>
            </p>
          ) : null}
        </StatTile>
      </div>
    </>
  );
}

function PayoutCard({ wallet, onPaid }: { wallet: WalletView; onPaid: () => void }) {
  const form = useForm({ amount: '' });
  // BILL-14: one key per payout being asked for, so a double click or a retry is one payout.
  const [round, setRound] = useState(0);
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [round]);
  const minimum = formatMoney(PAYOUT_MINIMUM_CENTS);
  const available = formatMoney(Math.max(0, wallet.availableCents));
  let reason: ComponentChildren = null;
  if (wallet.blocked) reason = walletText('blocked');
  else if (wallet.kycStatus !== 'validated')
    reason = (
      <>
        {walletText('payoutNeedsKyc')} <a href="#identite">{walletText('payoutNeedsKycLink')}</a>
      </>
    );
  else if (wallet.availableCents < PAYOUT_MINIMUM_CENTS) reason = walletText('payoutBelowMinimum', { minimum });
  const validate = (values: { amount: string }): FieldError[] => {
    const cents = parseEurosToCents(values.amount);
    if (cents === undefined || cents < PAYOUT_MINIMUM_CENTS) return [{ name: 'amount', message: walletText('payoutTooSmall', { minimum }) }];
    if (cents > wallet.availableCents) return [{ name: 'amount', message: walletText('payoutTooLarge', { available }) }];
    return [];
  };
  return (
    <section class="card" aria-labelledby="payout-title">
      <h2 id="payout-title">{walletText('payout')}</h2>
      {reason ? (
        <p class="hint">{reason}</p>
      ) : (
        <Form
          form={form}
          label={walletText('payout')}
          submitLabel={walletText('payoutSubmit')}
          validate={validate}
          onSubmit={async (values) => {
            const amountCents = parseEurosToCents(values.amount)!;
            try {
              await apiCall('POST', '/api/payouts', { json: { amountCents }, headers: { 'idempotency-key': idempotencyKey } });
            } catch (error) {
              const code = error instanceof ApiError ? error.code : '';
              if ((PAYOUT_REFUSALS as readonly string[]).includes(code))
                form.showErrors([{ name: 'amount', message: walletText(`refusal.${code as (typeof PAYOUT_REFUSALS)[number]}`) }]);
              else throw error;
              return;
            }
            form.values.value = { amount: '' };
            form.showSuccess(walletText('payoutRequested', { amount: formatMoney(amountCents) }));
            setRound(round + 1);
            onPaid();
          }}
        >
          <TextField
            form={form}
            name="amount"
            label={walletText('payoutAmount')}
            hint={walletText('payoutHint', { minimum, available })}
            required
            inputMode="decimal"
            suffix="€"
          />
        </Form>
      )}
    </section>
  );
}

function MoreButton({ pages }: { pages: CursorPages<unknown> }) {
  if (!pages.hasMore) return null;
  return (
    <button type="button" class="button button-secondary" disabled={pages.loadingMore} onClick={pages.loadMore}>
      {pages.loadingMore ? kitText('loadingMore') : kitText('more')}
    </button>
  );
}

function PayoutHistory({ payouts }: { payouts: CursorPages<Payout> }) {
  const zone = dashboard.value?.timeZone ?? 'Europe/Paris';
  return (
    <section class="card" aria-labelledby="payouts-title">
      <h2 id="payouts-title">{walletText('payouts')}</h2>
      {payouts.state === 'loading' ? <Loading /> : null}
      {payouts.state === 'failed' ? <LoadFailed error={payouts.error} onRetry={payouts.reload} /> : null}
      {payouts.state === 'ready' && payouts.items.length === 0 ? <p class="empty">{walletText('noPayouts')}</p> : null}
      {payouts.items.length > 0 ? (
        <DataTable
          caption={walletText('payouts')}
          captionHidden
          columns={[{ label: walletText('date') }, { label: walletText('amount'), numeric: true }, { label: walletText('status') }]}
          rows={payouts.items.map((payout) => ({
            key: payout.id,
            cells: [
              shortDayLabel(payout.createdAt, zone),
              formatMoney(payout.amountCents),
              <>
                {walletText(`payout.${payout.status}`)}
                {payout.failureReason ? ` (${payout.failureReason})` : ''}
              </>,
            ],
          }))}
        />
      ) : null}
      <MoreButton pages={payouts} />
    </section>
  );
}

/** Every posting of the wallet in words (its `kind`), never a ledger code. */
function Movements({ movements }: { movements: CursorPages<WalletMovement> }) {
  const zone = dashboard.value?.timeZone ?? 'Europe/Paris';
  return (
    <section class="card" aria-labelledby="movements-title">
      <h2 id="movements-title">{walletText('movements')}</h2>
      <p class="hint">
        {walletText('movementsHint')} {workspaceText('timeZoneNote', { zone: zoneLabel(zone) })}
      </p>
      {movements.state === 'loading' ? <Loading /> : null}
      {movements.state === 'failed' ? <LoadFailed error={movements.error} onRetry={movements.reload} /> : null}
      {movements.state === 'ready' && movements.items.length === 0 ? <p class="empty">{walletText('noMovements')}</p> : null}
      {movements.items.length > 0 ? (
        <DataTable
          caption={walletText('movements')}
          captionHidden
          testId="wallet-movements"
          columns={[
            { label: walletText('date') },
            { label: walletText('operation') },
            { label: walletText('balance') },
            { label: walletText('amount'), numeric: true },
          ]}
          rows={movements.items.map((movement) => ({
            key: String(movement.id),
            cells: [
              momentLabel(movement.at, zone),
              walletText(`kind.${movement.kind}`),
              walletText(`balance.${movement.balance}`),
              <span class={movement.amountCents < 0 ? 'amount-out' : 'amount-in'}>
                {movement.amountCents > 0 ? '+' : ''}
                {formatMoney(movement.amountCents)}
              </span>,
            ],
          }))}
        />
      ) : null}
      <MoreButton pages={movements} />
    </section>
  );
}
