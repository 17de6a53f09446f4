/**
 * The ledger accounts this process has seen committed. Accounts are created by the statement that
 * first posts to them and never deleted, so a posting to a known one need not ask the database
 * to insert it again. A bounded memory: past the limit it starts over (a forgotten account is only
 * inserted again, ON CONFLICT DO NOTHING).
 */
export class KnownLedgerAccounts {
  readonly #ids = new Set<string>();
  readonly #maxAccounts: number;

  constructor(options: { maxAccounts: number }) {
    this.#maxAccounts = options.maxAccounts;
  }

  has(accountId: string): boolean {
    return this.#ids.has(accountId);
  }

  /** After the statement that posted to them committed. */
  remember(accountIds: Iterable<string>): void {
    for (const id of accountIds) {
      if (this.#ids.size >= this.#maxAccounts) this.#ids.clear();
      this.#ids.add(id);
    }
  }

  /** When a posting failed: the database is the judge again. */
  forget(): void {
    this.#ids.clear();
  }
}
