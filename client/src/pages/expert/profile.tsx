import { useState } from 'preact/hooks';
import { apiCall, uploadPhoto } from '../../api.ts';
import { categoryOptions } from '../../categories.ts';
import { defineMessages } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { FileField, Form, SelectField, TextField, useForm, type FieldError } from '../../ui/form.tsx';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { TextAreaField } from '../../ui/textarea-field.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { refreshDashboard } from './dashboard-store.ts';
import type { PublicExpertProfile } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import './profile.css';

/** The API's limits (server/experts/photo.ts, server/experts/workspace.ts). */
const PHOTO_TYPES = ['image/png', 'image/jpeg'];
const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
const HEADLINE_MAX_CHARS = 120;
const DESCRIPTION_MAX_CHARS = 4000;

const text = defineMessages({
  fr: {
    title: 'Profil',
    intro: 'Ce que les clients voient en haut de votre page de consultation et sur votre bannière.',
    photo: 'Photo',
    photoAlt: 'Votre photo actuelle',
    noPhoto: 'Pas encore de photo : votre page sera publiée dès qu’elle aura une photo et un tarif.',
    photoField: 'Nouvelle photo',
    photoHint: 'PNG ou JPEG, 5 Mo au plus ; un portrait net, de face, sur fond clair.',
    photoSubmit: 'Envoyer la photo',
    photoSaved: 'Photo enregistrée.',
    photoType: 'La photo doit être une image PNG ou JPEG.',
    photoSize: 'La photo dépasse 5 Mo.',
    details: 'Présentation',
    headline: 'Titre',
    headlineHint: 'Une ligne, par exemple « Psychologue clinicienne, thérapies brèves ». {max} caractères au plus.',
    description: 'Présentation',
    descriptionHint: 'Quelques paragraphes sur votre pratique ; {max} caractères au plus.',
    category: 'Catégorie',
    detailsSubmit: 'Enregistrer la présentation',
    detailsSaved: 'Présentation enregistrée.',
    seePage: 'Voir ma page de consultation',
  },
  en: {
    title: 'Profile',
    intro: 'What clients see at the top of your consultation page and on your banner.',
    photo: 'Photo',
    photoAlt: 'Your current photo',
    noPhoto: 'No photo yet: your page is published once it has a photo and a rate.',
    photoField: 'New photo',
    photoHint: 'PNG or JPEG, 5 MB at most; a sharp portrait, facing the camera, on a light background.',
    photoSubmit: 'Upload the photo',
    photoSaved: 'Photo saved.',
    photoType: 'The photo must be a PNG or JPEG image.',
    photoSize: 'The photo is larger than 5 MB.',
    details: 'Presentation',
    headline: 'Headline',
    headlineHint: 'One line, for example “Clinical psychologist, brief therapies”. {max} characters at most.',
    description: 'Presentation',
    descriptionHint: 'A few paragraphs about your practice; {max} characters at most.',
    category: 'Category',
    detailsSubmit: 'Save the presentation',
    detailsSaved: 'Presentation saved.',
    seePage: 'See my consultation page',
  },
});

interface WorkspaceView {
  consultationUrl: string;
  profile: PublicExpertProfile;
}

/** `/espace/profil`: photo, headline, presentation and category (the publication's first step). */
export default function ProfilePage({ notice }: PageProps) {
  const workspace = useResource(() => apiCall<WorkspaceView>('GET', '/api/experts/me/workspace'), []);
  return (
    <WorkspacePage section="profile" title={text('title')} notice={notice}>
      <p class="ws-intro">{text('intro')}</p>
      {workspace.state === 'ready' ? (
        <div class="ws-grid profile-grid">
          <PhotoCard profile={workspace.data.profile} />
          <DetailsCard profile={workspace.data.profile} consultationUrl={workspace.data.consultationUrl} />
        </div>
      ) : workspace.state === 'failed' ? (
        <LoadFailed error={workspace.error} onRetry={workspace.reload} />
      ) : (
        <Loading />
      )}
    </WorkspacePage>
  );
}

function PhotoCard({ profile }: { profile: PublicExpertProfile }) {
  const form = useForm({ photo: '' });
  // A new upload gets a new address, so the browser shows it at once instead of its cached copy.
  const [version, setVersion] = useState<number | undefined>(undefined);
  const hasPhoto = version !== undefined || profile.photoUrl !== null;
  const photoPath = `/api/experts/${encodeURIComponent(profile.slug)}/photo?v=${version ?? new URL(profile.photoUrl ?? '/', location.origin).searchParams.get('v') ?? ''}`;
  const validate = (): FieldError[] => {
    const photo = form.files.get('photo');
    if (!photo) return [];
    if (!PHOTO_TYPES.includes(photo.type)) return [{ name: 'photo', message: text('photoType') }];
    if (photo.size > PHOTO_MAX_BYTES) return [{ name: 'photo', message: text('photoSize') }];
    return [];
  };
  return (
    <section class="card" aria-labelledby="photo-title">
      <h2 id="photo-title">{text('photo')}</h2>
      <div class="photo-row">
        {hasPhoto ? <img class="profile-photo" src={photoPath} alt={text('photoAlt')} width={112} height={112} /> : <p class="empty">{text('noPhoto')}</p>}
      </div>
      <Form
        form={form}
        label={text('photo')}
        submitLabel={text('photoSubmit')}
        submitClass="button button-secondary"
        validate={validate}
        onSubmit={async () => {
          await uploadPhoto(form.files.get('photo')!);
          setVersion(Date.now());
          form.showSuccess(text('photoSaved'));
          await refreshDashboard();
        }}
      >
        <FileField form={form} name="photo" label={text('photoField')} hint={text('photoHint')} accept="image/png,image/jpeg" required />
      </Form>
    </section>
  );
}

function DetailsCard({ profile, consultationUrl }: { profile: PublicExpertProfile; consultationUrl: string }) {
  const form = useForm({ headline: profile.headline, description: profile.description, category: profile.category });
  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title">{text('details')}</h2>
      <Form
        form={form}
        label={text('details')}
        submitLabel={text('detailsSubmit')}
        onSubmit={async (values) => {
          await apiCall('PATCH', '/api/experts/me/profile', {
            json: { headline: values.headline.trim(), description: values.description.trim(), category: values.category },
          });
          form.showSuccess(text('detailsSaved'));
        }}
      >
        <TextField
          form={form}
          name="headline"
          label={text('headline')}
          hint={text('headlineHint', { max: HEADLINE_MAX_CHARS })}
          maxLength={HEADLINE_MAX_CHARS}
        />
        <TextAreaField
          form={form}
          name="description"
          label={text('description')}
          hint={text('descriptionHint', { max: DESCRIPTION_MAX_CHARS })}
          maxLength={DESCRIPTION_MAX_CHARS}
          rows={7}
        />
        <SelectField form={form} name="category" label={text('category')} options={categoryOptions()} required />
      </Form>
      <p>
        <a href={new URL(consultationUrl).pathname}>{text('seePage')}</a>
      </p>
    </section>
  );
}
