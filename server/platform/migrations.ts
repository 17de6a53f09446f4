import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

export class MigrationChecksumError extends Error {}

interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies `server/db/migrations/NNN_name.sql` in order, each in its own transaction,
 * and records a checksum. An applied migration whose file changed stops the start:
 * the database would no longer match the code that reads it.
 */
export async function migrate(db: Database): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = new Map((await db.query<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations')).map((row) => [row.version, row]));
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => MIGRATION_FILE.test(file)).sort();
  const newlyApplied: string[] = [];
  for (const file of files) {
    const version = Number(MIGRATION_FILE.exec(file)![1]);
    const sql = await readFile(MIGRATIONS_DIR + file, 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const previous = applied.get(version);
    if (previous) {
      if (previous.checksum !== checksum) {
        throw new MigrationChecksumError(
          `Migration ${file} was changed after it was applied (recorded checksum ${previous.checksum.slice(0, 12)}…, ` +
            `file now ${checksum.slice(0, 12)}…). Restore the file and add a new migration instead.`,
        );
      }
      continue;
    }
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [version, file, checksum]);
    });
    newlyApplied.push(file);
  }
  return newlyApplied;
}

/**
 * Splits a migration into statements so each runs inside the migration's transaction
 * with the same (extended) protocol on PGlite and `pg`. Dollar-quoted bodies ($$ … $$)
 * are kept whole because functions and triggers contain semicolons.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let inDollarQuote = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inDollarQuote) continue;
    current += line + '\n';
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollarQuote = !inDollarQuote;
    if (!inDollarQuote && /;\s*$/.test(line)) {
      statements.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
