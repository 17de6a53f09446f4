import { ConfigError, loadConfig } from './config.ts';
import { MigrationChecksumError } from './platform/migrations.ts';
import { startPlatform } from './platform/start.ts';

try {
  const config = loadConfig(process.env);
  const platform = await startPlatform(config);
  const lines = [``, `Consulto is running at ${config.publicUrl}`, `  database: ${platform.db.kind}`];
  if (platform.demoAccounts) {
    lines.push('  demo accounts (created now):');
    for (const account of platform.demoAccounts) {
      lines.push(`    ${account.role.padEnd(7)} ${account.email}  password: ${account.password}${account.url ? `  ${account.url}` : ''}`);
    }
  } else if (config.seedDemoAccounts) {
    lines.push('  demo accounts: already created; password consulto-demo-2026 (see README)');
  }
  console.log(lines.join('\n') + '\n');
  const shutdown = async () => {
    await platform.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
} catch (error) {
  if (error instanceof ConfigError || error instanceof MigrationChecksumError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
