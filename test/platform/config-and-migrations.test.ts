import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { migrate, MigrationChecksumError, splitStatements } from '../../server/platform/migrations.ts';
import { openTestDatabase } from '../support/platform.ts';

describe('configuration validated once at start', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'consulto-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs with no variables at all: port 3000, ./data, public URL from the port', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).to.include({ port: 3000, publicUrl: 'http://localhost:3000', env: 'development', seedDemoAccounts: true });
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'mongodb://x' })).to.throw(ConfigError, /DATABASE_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'not a url' })).to.throw(ConfigError, /PUBLIC_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'short' })).to.throw(ConfigError, /JWT_SECRET/);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).to.throw(ConfigError, /JWT_SECRET: required/);
  });

  it('generates a development JWT secret once and keeps it in DATA_DIR', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.jwtSecret).to.have.length.greaterThan(40);
    expect(second.jwtSecret).to.equal(first.jwtSecret);
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()).to.equal(first.jwtSecret);
    const otherDir = mkdtempSync(join(tmpdir(), 'consulto-config-'));
    expect(loadConfig({ DATA_DIR: otherDir }).jwtSecret).not.to.equal(first.jwtSecret);
    rmSync(otherDir, { recursive: true, force: true });
  });
});

describe('versioned migrations', () => {
  it('applies every migration once and records a checksum', async () => {
    const testDatabase = await openTestDatabase();
    const { db } = testDatabase;
    try {
      const applied = await migrate(db);
      expect(applied[0]).to.equal('001_accounts.sql');
      expect(await migrate(db)).to.deep.equal([]);
      const rows = await db.query<{ checksum: string }>('SELECT checksum FROM schema_migrations');
      expect(rows).to.have.length(applied.length);
      expect(rows[0]!.checksum).to.match(/^[0-9a-f]{64}$/);
    } finally {
      await db.close();
      await testDatabase.drop();
    }
  });

  it('stops when an applied migration was changed', async () => {
    const testDatabase = await openTestDatabase();
    const { db } = testDatabase;
    try {
      await migrate(db);
      await db.query(`UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1`);
      let failure: unknown;
      await migrate(db).catch((error) => (failure = error));
      expect(failure).to.be.instanceOf(MigrationChecksumError);
      expect((failure as Error).message).to.match(/001_accounts\.sql was changed after it was applied/);
    } finally {
      await db.close();
      await testDatabase.drop();
    }
  });

  it('keeps dollar-quoted function bodies whole when splitting statements', () => {
    const statements = splitStatements(
      `-- a comment; with a semicolon\nCREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT 1;`,
    );
    expect(statements).to.have.length(3);
    expect(statements[1]).to.match(/^CREATE FUNCTION[\s\S]*LANGUAGE plpgsql;$/);
  });
});
