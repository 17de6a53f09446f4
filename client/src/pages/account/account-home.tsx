import type { PageProps } from '../../router.ts';
import { AccountLayout } from './account-layout.tsx';
import { ClientArea } from './client-area.tsx';
import { ProfileSections } from './profile-sections.tsx';

/** `/compte`: a client lands on their consultations; an expert or an admin on their profile. */
export default function AccountHomePage({ notice }: PageProps) {
  return (
    <AccountLayout notice={notice} wideFor="client">
      {(user) => (user.role === 'client' ? <ClientArea user={user} /> : <ProfileSections user={user} />)}
    </AccountLayout>
  );
}
