import { apiCall } from '../../api.ts';
import { defineMessages, language } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { CopyField } from '../../ui/copy-field.tsx';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { QrCode } from '../../ui/qr-code.tsx';
import { SnippetPreview } from '../../ui/snippet-preview.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { refreshDashboard } from './dashboard-store.ts';
import type { PublicExpertProfile } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';

const text = defineMessages({
  fr: {
    title: 'Faire connaître ma page',
    intro:
      'La plateforme ne vous apporte pas de clients : ils arrivent par votre adresse, votre QR code ou votre bannière. Partagez-les partout où vos clients vous cherchent.',
    address: 'Votre adresse',
    addressHint: 'Dans votre signature e-mail, sur vos réseaux, dans vos messages.',
    consultationUrl: 'Mon adresse de consultation',
    copyUrl: 'Copier l’adresse',
    openPage: 'Ouvrir ma page de consultation',
    qr: 'QR code',
    qrHint: 'Sur vos cartes de visite, votre plaque, vos affiches : on le scanne avec l’appareil photo d’un téléphone.',
    qrAlt: 'QR code de la page de consultation de {name}',
    banner: 'Bannière web',
    bannerHint: 'Collez ce code dans votre site ou votre blog : il fonctionne sans script.',
    bannerCode: 'Code HTML de la bannière',
    copyBanner: 'Copier le code de la bannière',
    bannerPreview: 'Aperçu de la bannière',
  },
  en: {
    title: 'Share my page',
    intro:
      'The platform does not bring you clients: they arrive through your address, your QR code or your banner. Share them wherever your clients look for you.',
    address: 'Your address',
    addressHint: 'In your e-mail signature, on your social networks, in your messages.',
    consultationUrl: 'My consultation address',
    copyUrl: 'Copy the address',
    openPage: 'Open my consultation page',
    qr: 'QR code',
    qrHint: 'On your business cards, your door plate, your posters: people scan it with a phone’s camera.',
    qrAlt: 'QR code of the consultation page of {name}',
    banner: 'Web banner',
    bannerHint: 'Paste this code into your website or blog: it works without any script.',
    bannerCode: 'Banner HTML code',
    copyBanner: 'Copy the banner code',
    bannerPreview: 'Banner preview',
  },
});

interface WorkspaceView {
  consultationUrl: string;
  qrSvgUrl: string;
  qrPngUrl: string;
  profile: PublicExpertProfile;
}

/** The setup checklist's last step: the workspace tells the API the expert shared their page. */
function reportSharing(channel: 'url' | 'qr' | 'banner'): void {
  apiCall('POST', '/api/experts/me/sharing', { json: { channel } }).then(
    () => refreshDashboard(),
    // Only the checklist depends on it; the share itself already happened.
    () => undefined,
  );
}

/** `/espace/partage` (EXP-1 … EXP-3): the consultation URL, its QR code and the banner. */
export default function SharingPage({ notice }: PageProps) {
  const workspace = useResource(() => apiCall<WorkspaceView>('GET', '/api/experts/me/workspace'), []);
  const lang = language();
  const banner = useResource(() => apiCall<{ html: string }>('GET', `/api/experts/me/banner?language=${lang}`), [lang]);
  return (
    <WorkspacePage section="sharing" title={text('title')} notice={notice}>
      <p class="ws-intro">{text('intro')}</p>
      {workspace.state === 'failed' ? <LoadFailed error={workspace.error} onRetry={workspace.reload} /> : null}
      {workspace.state === 'loading' ? <Loading /> : null}
      {workspace.state === 'ready' ? (
        <>
          <section class="card" aria-labelledby="share-url-title">
            <h2 id="share-url-title">{text('address')}</h2>
            <CopyField
              label={text('consultationUrl')}
              hint={text('addressHint')}
              value={workspace.data.consultationUrl}
              copyLabel={text('copyUrl')}
              onCopied={() => reportSharing('url')}
            />
            <p>
              <a href={new URL(workspace.data.consultationUrl).pathname}>{text('openPage')}</a>
            </p>
          </section>
          <section class="card" aria-labelledby="share-qr-title">
            <h2 id="share-qr-title">{text('qr')}</h2>
            <p class="hint">{text('qrHint')}</p>
            <QrCode
              svgUrl={workspace.data.qrSvgUrl}
              pngUrl={workspace.data.qrPngUrl}
              alt={text('qrAlt', { name: `${workspace.data.profile.firstName} ${workspace.data.profile.lastName}` })}
              onDownload={() => reportSharing('qr')}
            />
          </section>
        </>
      ) : null}
      <section class="card" aria-labelledby="share-banner-title">
        <h2 id="share-banner-title">{text('banner')}</h2>
        {banner.state === 'ready' ? (
          <div class="banner-block">
            <CopyField
              label={text('bannerCode')}
              hint={text('bannerHint')}
              value={banner.data.html}
              copyLabel={text('copyBanner')}
              rows={7}
              onCopied={() => reportSharing('banner')}
            />
            <h3>{text('bannerPreview')}</h3>
            <SnippetPreview html={banner.data.html} title={text('bannerPreview')} testId="banner-preview" />
          </div>
        ) : banner.state === 'failed' ? (
          <LoadFailed error={banner.error} onRetry={banner.reload} />
        ) : (
          <Loading />
        )}
      </section>
    </WorkspacePage>
  );
}
