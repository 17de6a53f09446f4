/** TRUST-6: an expert blocks a client they have consulted with (open appointments cancelled at no fee), or unblocks them. */
import { useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { kitText } from '../../ui/kit-messages.ts';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { accountErrorWords, at } from './account-messages.ts';

/** The API's largest page of `GET /api/consultations`: the clients of the last 100 consultations each way. */
const CONSULTATIONS_SCANNED = 100;

interface ClientRow {
  id: string;
  name: string;
  blocked: boolean;
}

interface ConsultationParties {
  client: { id: string; firstName: string; lastName: string };
}

async function fetchClients(): Promise<ClientRow[]> {
  const [past, upcoming, blocks] = await Promise.all([
    apiCall<{ consultations: ConsultationParties[] }>('GET', `/api/consultations?role=expert&when=past&limit=${CONSULTATIONS_SCANNED}`),
    apiCall<{ consultations: ConsultationParties[] }>('GET', `/api/consultations?role=expert&when=upcoming&limit=${CONSULTATIONS_SCANNED}`),
    apiCall<{ blocks: { clientId: string; firstName: string; lastName: string }[] }>('GET', '/api/experts/me/blocks'),
  ]);
  const clients = new Map<string, ClientRow>();
  for (const { client } of [...upcoming.consultations, ...past.consultations])
    clients.set(client.id, { id: client.id, name: `${client.firstName} ${client.lastName}`, blocked: false });
  for (const block of blocks.blocks) clients.set(block.clientId, { id: block.clientId, name: `${block.firstName} ${block.lastName}`, blocked: true });
  return [...clients.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function BlockedClientsSection() {
  const clients = useRefreshable(fetchClients, []);
  const [confirming, setConfirming] = useState<ClientRow | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const change = (client: ClientRow, block: boolean) => {
    setBusy(true);
    const request = block
      ? apiCall('POST', '/api/experts/me/blocks', { json: { clientId: client.id } })
      : apiCall('DELETE', `/api/experts/me/blocks/${client.id}`);
    request
      .then(
        () => {
          setMessage({ kind: 'success', text: at(block ? 'blocked' : 'unblocked', { name: client.name }) });
          return clients.refresh();
        },
        (error: unknown) => setMessage({ kind: 'error', text: errorInWords(error, accountErrorWords) }),
      )
      .finally(() => {
        setBusy(false);
        setConfirming(undefined);
      });
  };
  return (
    <section class="card" aria-labelledby="account-clients">
      <h2 id="account-clients">{at('clients')}</h2>
      <p class="hint">{at('clientsHint')}</p>
      <LiveStatus message={message} />
      {clients.data === undefined ? (
        clients.error ? (
          <p class="error-text" role="alert">
            {errorInWords(clients.error, accountErrorWords)}
          </p>
        ) : (
          <p aria-busy="true" class="hint">
            {kitText('loading')}
          </p>
        )
      ) : clients.data.length === 0 ? (
        <p>{at('noClients')}</p>
      ) : (
        <ul class="client-rows">
          {clients.data.map((client) => (
            <li key={client.id}>
              <span>
                {client.name} {client.blocked ? <span class="badge badge-bad">{at('clientBlocked')}</span> : null}
              </span>
              {client.blocked ? (
                <button type="button" class="button button-secondary button-small" disabled={busy} onClick={() => change(client, false)}>
                  {at('unblock')}
                  <span class="visually-hidden"> {client.name}</span>
                </button>
              ) : (
                <DialogButton
                  class="button button-secondary button-small"
                  label={
                    <>
                      {at('block')}
                      <span class="visually-hidden"> {client.name}</span>
                    </>
                  }
                  onOpen={() => setConfirming(client)}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <Dialog open={confirming !== undefined} title={at('blockTitle')} onClose={() => setConfirming(undefined)}>
        {confirming ? (
          <>
            <p>{at('blockText', { name: confirming.name })}</p>
            <div class="actions">
              <button type="button" class="button button-secondary" onClick={() => setConfirming(undefined)}>
                {at('blockKeep')}
              </button>
              <button type="button" class="button button-primary button-danger" disabled={busy} onClick={() => change(confirming, true)}>
                {at('blockConfirm', { name: confirming.name })}
              </button>
            </div>
          </>
        ) : null}
      </Dialog>
    </section>
  );
}
