/** BOOK-7: the expert's proposal of a new time, within 48 h of the start, for the client to accept or refuse. */
import { useState } from 'preact/hooks';
import { formatAppointment, formatDayAtTime } from '../../i18n/time-zone.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { answerProposal, type RescheduleProposal, type UpcomingConsultation } from './client-area-api.ts';
import { clientAreaErrorWords, ct } from './client-area-messages.ts';
import { expertName } from './expert-avatar.tsx';

interface ProposalBoxProps {
  consultation: UpcomingConsultation;
  proposal: RescheduleProposal;
  timeZone: string;
  onAnswered: (message: string) => void;
  onFailed: (message: string) => void;
}

export function ProposalBox({ consultation, proposal, timeZone, onAnswered, onFailed }: ProposalBoxProps) {
  const [busy, setBusy] = useState(false);
  const headingId = `proposal-${proposal.id}`;
  const answer = (choice: 'accept' | 'refuse') => {
    setBusy(true);
    answerProposal(consultation.id, proposal, choice)
      .then(
        () =>
          onAnswered(choice === 'accept' ? ct('proposal.accepted', { date: formatAppointment(proposal.proposedStartAt, timeZone) }) : ct('proposal.refused')),
        (error: unknown) => onFailed(errorInWords(error, clientAreaErrorWords)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <section class="proposal" aria-labelledby={headingId}>
      <h4 id={headingId}>{ct('proposal.title')}</h4>
      <p>{ct('proposal.text', { expert: expertName(consultation.expert), date: formatAppointment(proposal.proposedStartAt, timeZone) })}</p>
      <p class="hint">{ct('proposal.expires', { date: formatDayAtTime(proposal.expiresAt, timeZone) })}</p>
      <div class="button-row">
        <button type="button" class="button button-primary" disabled={busy} onClick={() => answer('accept')}>
          {ct('proposal.accept')}
        </button>
        <button type="button" class="button button-secondary" disabled={busy} onClick={() => answer('refuse')}>
          {ct('proposal.refuse')}
        </button>
      </div>
    </section>
  );
}
