/**
 * `/admin`: every user, a page at a time, searchable, filtered by role and status, sorted by
 * signup date or name (column headers), dense like a payments dashboard's customer list. The
 * filters live in the address, so a filtered page can be bookmarked and Back restores it.
 */
import { useId, useState } from 'preact/hooks';
import { formatDate } from '../../i18n/index.ts';
import { replaceQuery, type PageProps } from '../../router.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { PageNumbers } from '../../ui/pager.tsx';
import { useRefreshable } from '../../ui/use-refreshable.ts';
import { TableScroll } from '../../ui/table-scroll.tsx';
import { fetchUsers, type AdminUserSummary, type SortOrder, type UserQuery, type UserSort } from './admin-api.ts';
import { AdminLayout } from './admin-layout.tsx';
import { adminErrorWords, am } from './admin-messages.ts';
import { readPage, StatusBadge } from './admin-parts.tsx';
import { FilterSelect } from './filter-select.tsx';

const ROLES = ['client', 'expert', 'admin'] as const;
const STATUSES = ['active', 'suspended', 'closed'] as const;

function readUserQuery(query: URLSearchParams): UserQuery {
  const pick = <T extends string>(value: string | null, allowed: readonly T[], fallback: T | ''): T | '' =>
    allowed.includes(value as T) ? (value as T) : fallback;
  return {
    q: query.get('q') ?? '',
    role: pick(query.get('role'), ROLES, ''),
    status: pick(query.get('status'), STATUSES, ''),
    sort: pick<UserSort>(query.get('sort'), ['signup_date', 'name'], 'signup_date') || 'signup_date',
    order: pick<SortOrder>(query.get('order'), ['asc', 'desc'], 'desc') || 'desc',
    page: readPage(query),
  };
}

function showQuery(next: UserQuery): void {
  const query = new URLSearchParams();
  if (next.q) query.set('q', next.q);
  if (next.role) query.set('role', next.role);
  if (next.status) query.set('status', next.status);
  if (next.sort !== 'signup_date' || next.order !== 'desc') {
    query.set('sort', next.sort);
    query.set('order', next.order);
  }
  if (next.page > 1) query.set('page', String(next.page));
  replaceQuery(query, { push: true });
}

export default function UsersPage({ query, notice }: PageProps) {
  const current = readUserQuery(query);
  const key = JSON.stringify(current);
  const users = useRefreshable(() => fetchUsers(current), [key]);
  return (
    <AdminLayout notice={notice}>
      <section aria-labelledby="users-title">
        <h2 id="users-title">{am('usersTitle')}</h2>
        <UserFilters key={current.q} current={current} />
        {users.data === undefined ? (
          users.error ? (
            <p class="error-text" role="alert">
              {errorInWords(users.error, adminErrorWords)}
            </p>
          ) : (
            <p aria-busy="true" class="hint">
              {am('loading')}
            </p>
          )
        ) : (
          <div aria-busy={users.refreshing ? 'true' : undefined} class="admin-list">
            <UsersTable users={users.data.users} current={current} />
            <PageNumbers
              page={users.data.page}
              limit={users.data.limit}
              total={users.data.total}
              label={am('usersTitle')}
              onPage={(page) => showQuery({ ...current, page })}
            />
          </div>
        )}
      </section>
    </AdminLayout>
  );
}

/**
 * The search runs when asked (a word typed is not a query yet); role and status apply as soon as
 * they are chosen, like a payments dashboard's filters.
 */
function UserFilters({ current }: { current: UserQuery }) {
  const [q, setQ] = useState(current.q);
  const searchId = useId();
  const filtered = current.q || current.role || current.status;
  return (
    <div class="admin-filters">
      <form
        role="search"
        aria-label={am('filters')}
        onSubmit={(event) => {
          event.preventDefault();
          showQuery({ ...current, q: q.trim(), page: 1 });
        }}
      >
        <div class="field admin-search">
          <label for={searchId}>{am('search')}</label>
          <input id={searchId} type="search" name="q" value={q} maxLength={200} autoComplete="off" onInput={(event) => setQ(event.currentTarget.value)} />
        </div>
        <button type="submit" class="button button-primary">
          {am('searchButton')}
        </button>
      </form>
      <FilterSelect
        label={am('filterRole')}
        name="role"
        value={current.role}
        options={[{ value: '', label: am('allRoles') }, ...ROLES.map((role) => ({ value: role, label: am(`role.${role}`) }))]}
        onChange={(role) => showQuery({ ...current, q: q.trim(), role: role as UserQuery['role'], page: 1 })}
      />
      <FilterSelect
        label={am('filterStatus')}
        name="status"
        value={current.status}
        options={[{ value: '', label: am('allStatuses') }, ...STATUSES.map((status) => ({ value: status, label: am(`status.${status}`) }))]}
        onChange={(status) => showQuery({ ...current, q: q.trim(), status: status as UserQuery['status'], page: 1 })}
      />
      {filtered ? (
        <button
          type="button"
          class="button button-secondary clear-filters"
          onClick={() => {
            setQ('');
            showQuery({ ...current, q: '', role: '', status: '', page: 1 });
          }}
        >
          {am('clearFilters')}
        </button>
      ) : null}
    </div>
  );
}

function SortHeader({ column, label, current }: { column: UserSort; label: string; current: UserQuery }) {
  const active = current.sort === column;
  const nextOrder: SortOrder = active ? (current.order === 'asc' ? 'desc' : 'asc') : column === 'name' ? 'asc' : 'desc';
  return (
    <th scope="col" aria-sort={active ? (current.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" class="sort-button" onClick={() => showQuery({ ...current, sort: column, order: nextOrder, page: 1 })}>
        {label}
        <span aria-hidden="true" class="sort-arrow">
          {active ? (current.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
        <span class="visually-hidden">{active ? ` (${current.order === 'asc' ? am('sortedAsc') : am('sortedDesc')})` : ''}</span>
      </button>
    </th>
  );
}

function UsersTable({ users, current }: { users: AdminUserSummary[]; current: UserQuery }) {
  if (users.length === 0) return <p>{am('noUsers')}</p>;
  return (
    <TableScroll label={am('usersTitle')}>
      <table class="data-table admin-table">
        <thead>
          <tr>
            <SortHeader column="name" label={am('name')} current={current} />
            <th scope="col">{am('email')}</th>
            <th scope="col">{am('role')}</th>
            <th scope="col">{am('status')}</th>
            <SortHeader column="signup_date" label={am('signedUp')} current={current} />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td data-label={am('name')}>
                <a href={`/admin/utilisateurs/${user.id}`}>
                  {user.firstName} {user.lastName}
                </a>
              </td>
              <td data-label={am('email')} class="cell-email">
                {user.email}
              </td>
              <td data-label={am('role')}>{am(`role.${user.role}`)}</td>
              <td data-label={am('status')}>
                <StatusBadge status={user.status} />
                {user.walletBlocked ? <span class="badge badge-bad">{am('walletBlockedBadge')}</span> : null}
              </td>
              <td data-label={am('signedUp')}>
                <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
