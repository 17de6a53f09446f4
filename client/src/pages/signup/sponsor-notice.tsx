import { ApiError, apiCall } from '../../api.ts';
import { useResource } from '../../ui/use-resource.ts';
import { sm } from './signup-messages.ts';

/**
 * REF-2: who invited the expert signing up through `/inscription/<sponsor>`, by name, read from
 * the sponsor's public profile. A link that names no active expert says so before the form is
 * filled in (the signup would be refused with `unknown_sponsor`), with the way to sign up without.
 */
export function SponsorNotice({ slug }: { slug: string }) {
  const sponsor = useResource(
    () =>
      apiCall<{ firstName: string; lastName: string }>('GET', `/api/experts/${encodeURIComponent(slug)}`, { auth: false }).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }),
    [slug],
  );
  if (sponsor.state === 'loading') return null;
  if (sponsor.state === 'ready' && sponsor.data === undefined) {
    return (
      <p class="notice error-text" role="alert">
        {sm('expert.sponsorUnknown')} <a href="/inscription/expert">{sm('expert.withoutSponsor')}</a>
      </p>
    );
  }
  const name = sponsor.state === 'ready' ? `${sponsor.data!.firstName} ${sponsor.data!.lastName}` : slug;
  return <p class="notice">{sm('expert.sponsored', { sponsor: name })}</p>;
}
