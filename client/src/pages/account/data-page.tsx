/**
 * `/compte/donnees`: ACC-9, everything we keep about the user as a JSON file; ACC-8, closing the
 * account, confirmed in a dialog and refused in words while money or a complaint is open.
 */
import { useState } from 'preact/hooks';
import { apiCall, apiDocument, logout, type User } from '../../api.ts';
import { navigate, type PageProps } from '../../router.ts';
import { Dialog, DialogButton } from '../../ui/dialog.tsx';
import { errorInWords } from '../../ui/error-words.ts';
import { CheckboxField, Form, useForm } from '../../ui/form.tsx';
import { LiveStatus, type StatusMessage } from '../../ui/live-status.tsx';
import { AccountLayout } from './account-layout.tsx';
import { accountErrorWords, at } from './account-messages.ts';

export default function DataPage({ notice }: PageProps) {
  return (
    <AccountLayout notice={notice}>
      {(user) => (
        <>
          <ExportSection />
          <CloseSection user={user} />
        </>
      )}
    </AccountLayout>
  );
}

function ExportSection() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<StatusMessage | undefined>(undefined);
  const download = () => {
    setBusy(true);
    apiDocument('/api/me/export')
      .then(
        (blob) => {
          const link = document.createElement('a');
          link.href = URL.createObjectURL(blob);
          link.download = `consulto-data-${new Date().toISOString().slice(0, 10)}.json`;
          link.click();
          setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
          setMessage({ kind: 'success', text: at('exported') });
        },
        (error: unknown) => setMessage({ kind: 'error', text: errorInWords(error, accountErrorWords) }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <section class="card" aria-labelledby="account-export">
      <h2 id="account-export">{at('exportTitle')}</h2>
      <p>{at('exportHint')}</p>
      <button type="button" class="button button-secondary" disabled={busy} onClick={download}>
        {at('exportData')}
      </button>
      <LiveStatus message={message} />
    </section>
  );
}

function CloseSection({ user }: { user: User }) {
  const [open, setOpen] = useState(false);
  return (
    <section class="card" aria-labelledby="account-close">
      <h2 id="account-close">{at('closeTitle')}</h2>
      {user.role === 'admin' ? (
        <p>{at('adminCannotClose')}</p>
      ) : (
        <>
          <p>{at('closeHint')}</p>
          <DialogButton label={at('closeAccount')} onOpen={() => setOpen(true)} />
          <Dialog open={open} title={at('closeDialogTitle')} onClose={() => setOpen(false)}>
            <CloseForm />
          </Dialog>
        </>
      )}
    </section>
  );
}

function CloseForm() {
  const form = useForm({ understood: false });
  return (
    <>
      <p>{at('closeDialogText')}</p>
      <Form
        form={form}
        label={at('closeDialogTitle')}
        submitLabel={at('closeConfirm')}
        submitClass="button button-primary button-danger"
        onSubmit={async () => {
          try {
            await apiCall('POST', '/api/me/deregistration');
          } catch (error) {
            form.status.value = { kind: 'error', message: errorInWords(error, accountErrorWords) };
            return;
          }
          await logout();
          navigate('/', { notice: at('closed') });
        }}
      >
        <CheckboxField form={form} name="understood" label={at('closeUnderstood')} required />
      </Form>
    </>
  );
}
