/**
 * `/salle/<id>`: the video consultation, in one page and one document. First the device check
 * (MEDIA-5), then, on "Enter the room", the call with the same camera stream and the chosen
 * devices (no reload, the camera does not restart), then the end screen. The call's logic is the
 * call client's (client/src/media/call.ts); this page holds it and disposes of it when left (the
 * meter pauses, BILL-4).
 */
import type { JoinGrant } from '../../media/signaling.ts';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { viewerOf, type ConsultationView } from '../../consultations/use-consultation-state.ts';
import { CallClient } from '../../media/call.ts';
import { navigate, type PageProps } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { PageLayout } from '../../ui/page.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { CallScreen } from './call-screen.tsx';
import { DeviceCheckStep, type DeviceChoice } from './device-check-step.tsx';
import { EndScreen } from './end-screen.tsx';
import { JOIN_MARK, markOnce } from './room-marks.ts';
import { roomText } from './room-messages.ts';
import { useCallState } from './use-call-state.ts';
import './room.css';

/**
 * `?entrer=1`: the expert who has just accepted an immediate request (BOOK-4) goes straight into
 * the call, the client is waiting; their click on Accept is the gesture that lets sound play.
 */
const ENTER_AT_ONCE_PARAM = 'entrer';

export default function RoomPage({ params, query }: PageProps) {
  const id = params['id'] ?? '';
  const isSignedIn = signedIn.value;
  useEffect(() => {
    if (!isSignedIn) navigate(`/connexion?retour=${encodeURIComponent(`/salle/${id}`)}`, { replace: true });
  }, [isSignedIn]);
  if (!isSignedIn) return null;
  return <Room id={id} enterAtOnce={query.get(ENTER_AT_ONCE_PARAM) === '1'} />;
}

function Room({ id, enterAtOnce }: { id: string; enterAtOnce: boolean }) {
  const consultation = useResource(() => apiCall<ConsultationView>('GET', `/api/consultations/${encodeURIComponent(id)}`), [id]);
  const user = currentUser.value;
  const [call, setCall] = useState<CallClient | undefined>(undefined);
  // Leaving the page leaves the room without ending the consultation (the meter pauses, BILL-4).
  useEffect(() => () => call?.dispose(), [call]);
  if (consultation.state === 'failed') {
    return (
      <PageLayout title={roomText('title')}>
        <p class="error-text" role="alert">
          {consultation.error instanceof ApiError && consultation.error.status === 404 ? roomText('notFound') : apiErrorMessage(consultation.error)}
        </p>
      </PageLayout>
    );
  }
  // Who the signed-in user is decides whose name the room carries: the page waits for both.
  if (consultation.state === 'loading' || !user) {
    return (
      <div class="page" aria-busy="true">
        <p class="hint">{roomText('loading')}</p>
      </div>
    );
  }
  const view = consultation.data;
  // The room is named after the other party: the expert talks with the client.
  const other = viewerOf(view, user.id) === 'expert' ? view.client : view.expert;
  const otherName = `${other.firstName} ${other.lastName}`;
  const title = roomText('titleWith', { name: otherName });
  if (call) return <InCall call={call} consultationId={view.id} title={title} otherName={otherName} />;
  if (!['requested', 'scheduled', 'live'].includes(view.status)) {
    return (
      <PageLayout title={title}>
        <p>{roomText('problem.consultationOver')}</p>
        <p>
          <a class="button button-secondary" href={`/consultations/${encodeURIComponent(view.id)}`}>
            {roomText('details')}
          </a>
        </p>
      </PageLayout>
    );
  }
  const enter = (choice: DeviceChoice) => {
    if (call) return;
    markOnce(JOIN_MARK);
    const client = new CallClient({
      consultationId: view.id,
      // The answer names the media node holding the room: the call connects to it directly.
      joinToken: () => apiCall<JoinGrant>('POST', `/api/consultations/${encodeURIComponent(view.id)}/join-token`),
      microphoneId: choice.microphoneId,
      cameraId: choice.cameraId,
      localStream: choice.stream,
    });
    // Tests and benches read the call's inbound statistics through it.
    (window as unknown as { consultoCall?: CallClient }).consultoCall = client;
    if (choice.speakerId) void client.switchDevice('speaker', choice.speakerId);
    void client.start();
    setCall(client);
  };
  if (enterAtOnce && view.status !== 'scheduled')
    return <EnterAtOnce onEnter={() => enter({ stream: undefined, microphoneId: undefined, cameraId: undefined, speakerId: undefined })} />;
  return (
    <PageLayout title={roomText('checkTitle')} wide>
      <DeviceCheckStep consultationId={view.id} opensAt={view.status === 'scheduled' && view.startAt ? view.startAt : undefined} onEnter={enter} />
    </PageLayout>
  );
}

function EnterAtOnce({ onEnter }: { onEnter: () => void }) {
  useEffect(onEnter, []);
  return (
    <div class="page" aria-busy="true">
      <p class="hint">{roomText('entering')}</p>
    </div>
  );
}

function InCall({ call, consultationId, title, otherName }: { call: CallClient; consultationId: string; title: string; otherName: string }) {
  const state = useCallState(call);
  if (state.end) return <EndScreen consultationId={consultationId} end={state.end} isClient={state.party === 'client'} otherName={otherName} />;
  return <CallScreen call={call} title={title} />;
}
