/**
 * BILL-9: a receipt, fetched with the session (it is private) and opened in a new tab as HTML,
 * or saved as PDF.
 */
import { useState } from 'preact/hooks';
import { apiDocument } from '../../api.ts';
import { errorInWords } from '../../ui/error-words.ts';
import type { PastConsultation } from './client-area-api.ts';
import { clientAreaErrorWords, ct } from './client-area-messages.ts';

export function ReceiptLinks({ receipt }: { receipt: NonNullable<PastConsultation['receipt']> }) {
  const [failure, setFailure] = useState('');
  const open = (format: 'html' | 'pdf') => {
    setFailure('');
    apiDocument(format === 'html' ? receipt.html : receipt.pdf).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        if (format === 'html') window.open(url, '_blank', 'noopener');
        else {
          const link = document.createElement('a');
          link.href = url;
          link.download = `${receipt.number}.pdf`;
          link.click();
        }
        // The new tab or the download has its own copy by now.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      },
      (error: unknown) => setFailure(errorInWords(error, clientAreaErrorWords)),
    );
  };
  return (
    <>
      <button type="button" class="link-button" aria-label={ct('past.receiptName', { number: receipt.number })} onClick={() => open('html')}>
        {ct('past.receipt')}
      </button>
      <button type="button" class="link-button" aria-label={ct('past.receiptPdfName', { number: receipt.number })} onClick={() => open('pdf')}>
        {ct('past.receiptPdf')}
      </button>
      {failure ? (
        <span class="error-text" role="alert">
          {failure}
        </span>
      ) : null}
    </>
  );
}
