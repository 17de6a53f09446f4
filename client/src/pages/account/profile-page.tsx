import type { PageProps } from '../../router.ts';
import { AccountLayout } from './account-layout.tsx';
import { ProfileSections } from './profile-sections.tsx';

/** `/compte/profil`: the account's facts and the ACC-2 details, for every role. */
export default function ProfilePage({ notice }: PageProps) {
  return <AccountLayout notice={notice}>{(user) => <ProfileSections user={user} />}</AccountLayout>;
}
