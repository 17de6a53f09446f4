import { useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import { defineMessages, formatDate } from '../../i18n/index.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { FileField, Form, TextField, useForm, type FieldError } from '../../ui/form.tsx';
import type { KycView } from './workspace-api.ts';
import { walletText } from './wallet-messages.ts';

/** PAY-4: what the API accepts (server/wallet/documents.ts). */
const DOCUMENT_ACCEPT = 'application/pdf,image/jpeg,image/png';
const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

const text = defineMessages({
  fr: {
    intro:
      'Pour recevoir des virements, déposez vos justificatifs (PDF, JPEG ou PNG, 10 Mo au plus) et vos coordonnées bancaires. Ils sont chiffrés et transmis à notre prestataire de paiement, qui répond en général sous 48 h.',
    statusIs: 'Statut de la vérification :',
    refusedBecause: 'Motif du refus : {reason}. Corrigez ce qui est demandé, puis renvoyez le dossier.',
    underReview: 'Vos justificatifs sont en cours de vérification : vous recevrez un e-mail à la réponse.',
    validated: 'Votre identité est vérifiée : vous pouvez demander des virements.',
    step1: '1. Justificatifs',
    step2: '2. Coordonnées bancaires',
    step3: '3. Envoi pour vérification',
    'doc.id_document': 'Pièce d’identité en cours de validité',
    'doc.proof_of_address': 'Justificatif de domicile de moins de 3 mois',
    'doc.registry_extract': 'Extrait Kbis ou certificat INSEE de moins de 3 mois',
    'doc.articles_of_association': 'Statuts de moins de 3 mois',
    documentHint: 'PDF, JPEG ou PNG, 10 Mo au plus.',
    uploaded: 'Déjà envoyé : {name} ({date}). Un nouvel envoi le remplace.',
    upload: 'Envoyer',
    sent: 'Document envoyé.',
    issuedOn: 'Date d’émission',
    issuedOnHint: 'Le document doit dater de moins de 3 mois.',
    tooBig: 'Le fichier dépasse 10 Mo.',
    bankDetails: 'Coordonnées bancaires',
    ibanSaved: 'IBAN enregistré se terminant par {last4}.',
    companyName: 'Raison sociale ou nom commercial',
    saveBankDetails: 'Enregistrer les coordonnées',
    bankSaved: 'Coordonnées enregistrées.',
    submit: 'Envoyer pour vérification',
    missing: { one: 'Il manque encore {count} élément avant l’envoi.', other: 'Il manque encore {count} éléments avant l’envoi.' },
    ready: 'Tout est prêt : envoyez le dossier.',
  },
  en: {
    intro:
      'To receive payouts, upload your documents (PDF, JPEG or PNG, 10 MB at most) and your bank details. They are encrypted and sent to our payment provider, who usually answers within 48 hours.',
    statusIs: 'Check status:',
    refusedBecause: 'Reason for refusal: {reason}. Fix what is asked, then send the file again.',
    underReview: 'Your documents are being checked: you will get an e-mail with the answer.',
    validated: 'Your identity is checked: you can request payouts.',
    step1: '1. Documents',
    step2: '2. Bank details',
    step3: '3. Send for checking',
    'doc.id_document': 'Valid identity document',
    'doc.proof_of_address': 'Proof of address less than 3 months old',
    'doc.registry_extract': 'Company registry extract or INSEE certificate less than 3 months old',
    'doc.articles_of_association': 'Articles of association less than 3 months old',
    documentHint: 'PDF, JPEG or PNG, 10 MB at most.',
    uploaded: 'Already sent: {name} ({date}). A new upload replaces it.',
    upload: 'Upload',
    sent: 'Document sent.',
    issuedOn: 'Issue date',
    issuedOnHint: 'The document must be less than 3 months old.',
    tooBig: 'The file is larger than 10 MB.',
    bankDetails: 'Bank details',
    ibanSaved: 'Saved IBAN ending in {last4}.',
    companyName: 'Company or trade name',
    saveBankDetails: 'Save the bank details',
    bankSaved: 'Bank details saved.',
    submit: 'Send for checking',
    missing: { one: '{count} item is still missing before sending.', other: '{count} items are still missing before sending.' },
    ready: 'Everything is ready: send the file.',
  },
});

type DocumentKind = KycView['requiredDocuments'][number];

/** PAY-4 in three steps: each document, the bank details, then the file sent to the payment provider. */
export function KycCheck({ kyc, onChanged }: { kyc: KycView; onChanged: () => void }) {
  const editable = kyc.status === 'not_submitted' || kyc.status === 'refused';
  return (
    <section class="card kyc-card" id="identite" aria-labelledby="kyc-title" tabIndex={-1}>
      <h2 id="kyc-title">{walletText('identity')}</h2>
      <p>
        {text('statusIs')} <strong class={kyc.status === 'validated' ? 'kyc-ok' : undefined}>{walletText(`kyc.${kyc.status}`)}</strong>
      </p>
      {kyc.status === 'refused' && kyc.refusalReason ? <p class="error-text">{text('refusedBecause', { reason: kyc.refusalReason })}</p> : null}
      {kyc.status === 'pending' ? <p>{text('underReview')}</p> : null}
      {kyc.status === 'validated' ? <p>{text('validated')}</p> : null}
      {editable ? (
        <>
          <p class="hint">{text('intro')}</p>
          <h3>{text('step1')}</h3>
          <div class="kyc-documents">
            {kyc.requiredDocuments.map((kind) => (
              <DocumentUpload key={kind} kind={kind} uploaded={kyc.documents.find((document) => document.kind === kind)} onUploaded={onChanged} />
            ))}
          </div>
          <h3>{text('step2')}</h3>
          <BankDetails kyc={kyc} onSaved={onChanged} />
          <h3>{text('step3')}</h3>
          <SubmitKyc kyc={kyc} onSubmitted={onChanged} />
        </>
      ) : null}
    </section>
  );
}

function DocumentUpload({ kind, uploaded, onUploaded }: { kind: DocumentKind; uploaded: KycView['documents'][number] | undefined; onUploaded: () => void }) {
  // An identity document is valid as long as it has not expired; the others must be recent (PAY-4).
  const dated = kind !== 'id_document';
  const form = useForm({ file: '', issuedOn: '' });
  const label = text(`doc.${kind}`);
  const validate = (): FieldError[] => {
    const file = form.files.get('file');
    return file && file.size > DOCUMENT_MAX_BYTES ? [{ name: 'file', message: text('tooBig') }] : [];
  };
  return (
    <div class={uploaded ? 'kyc-document kyc-document-done' : 'kyc-document'}>
      <Form
        form={form}
        label={label}
        submitLabel={text('upload')}
        submitClass="button button-secondary"
        validate={validate}
        onSubmit={async (values) => {
          const file = form.files.get('file')!;
          const query = new URLSearchParams({ type: kind, fileName: file.name, ...(dated ? { issuedOn: values.issuedOn } : {}) });
          await apiCall('POST', `/api/wallet/kyc/documents?${query}`, { body: file, contentType: file.type || 'application/octet-stream' });
          form.showSuccess(text('sent'));
          onUploaded();
        }}
      >
        <FileField
          form={form}
          name="file"
          label={label}
          accept={DOCUMENT_ACCEPT}
          required
          hint={uploaded ? text('uploaded', { name: uploaded.fileName, date: formatDate(uploaded.uploadedAt) }) : text('documentHint')}
        />
        {dated ? <TextField form={form} name="issuedOn" type="date" label={text('issuedOn')} hint={text('issuedOnHint')} required /> : null}
      </Form>
    </div>
  );
}

function BankDetails({ kyc, onSaved }: { kyc: KycView; onSaved: () => void }) {
  const form = useForm({ iban: '', bic: kyc.bankDetails?.bic ?? '', companyName: kyc.companyName ?? '' });
  return (
    <Form
      form={form}
      label={text('bankDetails')}
      submitLabel={text('saveBankDetails')}
      submitClass="button button-secondary"
      onSubmit={async (values) => {
        await apiCall('PUT', '/api/wallet/kyc/details', {
          json: { iban: values.iban, bic: values.bic, ...(kyc.companyNameRequired ? { companyName: values.companyName } : {}) },
        });
        form.values.value = { ...values, iban: '' };
        form.showSuccess(text('bankSaved'));
        onSaved();
      }}
    >
      <div class="form-columns">
        <TextField
          form={form}
          name="iban"
          label="IBAN"
          required
          autocomplete="off"
          hint={kyc.bankDetails ? text('ibanSaved', { last4: kyc.bankDetails.ibanLast4 }) : undefined}
        />
        <TextField form={form} name="bic" label="BIC" required autocomplete="off" />
        {kyc.companyNameRequired ? <TextField form={form} name="companyName" label={text('companyName')} required /> : null}
      </div>
    </Form>
  );
}

function SubmitKyc({ kyc, onSubmitted }: { kyc: KycView; onSubmitted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const missing = kyc.missing.length;
  return (
    <div class="kyc-submit">
      <p class="hint">{missing > 0 ? text('missing', { count: missing }) : text('ready')}</p>
      <button
        type="button"
        class="button button-primary"
        disabled={missing > 0 || busy}
        onClick={() => {
          setBusy(true);
          setError('');
          apiCall('POST', '/api/wallet/kyc/submit')
            .then(onSubmitted, (failure: unknown) => setError(apiErrorMessage(failure)))
            .finally(() => setBusy(false));
        }}
      >
        {text('submit')}
      </button>
      <p class="form-status" role="status" data-kind={error ? 'error' : undefined}>
        {error}
      </p>
    </div>
  );
}
