import type { Queryable } from '../platform/database.ts';
import type { Role } from '../platform/http.ts';

/** The user rows as the accounts capability reads them. */
export interface UserRow {
  id: string;
  role: Role;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  language: 'fr' | 'en';
  status: 'active' | 'suspended' | 'closed';
  terms_version: string;
  terms_accepted_at: Date;
  civility: string | null;
  birth_date: string | null;
  phone_landline: string | null;
  phone_mobile: string | null;
  address: { line1: string; postalCode: string; city: string; country: string } | null;
  profession: string | null;
  created_at: Date;
  /** ACC-10. */
  email_verified_at: Date | null;
  slug: string | null;
}

const USER_COLUMNS = `u.id, u.role, u.email, u.password_hash, u.first_name, u.last_name, u.language, u.status,
  u.terms_version, u.terms_accepted_at, u.civility, u.birth_date, u.phone_landline, u.phone_mobile, u.address,
  u.profession, u.created_at, u.email_verified_at, e.slug`;

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users u LEFT JOIN expert_profiles e ON e.user_id = u.id WHERE lower(u.email) = lower($1)`,
    [email],
  );
  return row;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u LEFT JOIN expert_profiles e ON e.user_id = u.id WHERE u.id = $1`, [id]);
  return row;
}

/** What the API shows of a user to themself (SPEC §11 `user`, `GET /api/me`). */
export function toUserView(user: UserRow, publicUrl: string) {
  return {
    id: user.id,
    role: user.role,
    email: user.email,
    emailVerified: user.email_verified_at !== null,
    firstName: user.first_name,
    lastName: user.last_name,
    language: user.language,
    status: user.status,
    civility: user.civility,
    birthDate: user.birth_date,
    phoneLandline: user.phone_landline,
    phoneMobile: user.phone_mobile,
    address: user.address,
    profession: user.profession,
    termsVersion: user.terms_version,
    termsAcceptedAt: user.terms_accepted_at.toISOString(),
    createdAt: user.created_at.toISOString(),
    ...(user.slug
      ? {
          slug: user.slug,
          consultationUrl: `${publicUrl}/consultation/${user.slug}`,
          referralUrl: `${publicUrl}/inscription/${user.slug}`,
        }
      : {}),
  };
}

export type UserView = ReturnType<typeof toUserView>;
