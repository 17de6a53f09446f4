/**
 * §13 phone arrival: every text asset of the build is also written brotli- and gzip-compressed
 * (`app.js.br`, `app.js.gz`) at the highest levels, once, at build time; the server sends the
 * variant the browser accepts (server/platform/web-client.ts) instead of compressing per request.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export const COMPRESSIBLE_FILE = /\.(?:js|mjs|css|html|svg|json|txt|webmanifest)$/;

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'consulto-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of filesUnder(outDir)) {
        if (!COMPRESSIBLE_FILE.test(file)) continue;
        const bytes = readFileSync(file);
        const variants: [string, Buffer][] = [
          [
            '.br',
            brotliCompressSync(bytes, {
              params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
            }),
          ],
          ['.gz', gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION })],
        ];
        // A variant bigger than the file (a tiny one) would only cost bytes: the file is sent as it is.
        for (const [suffix, compressed] of variants) if (compressed.length < bytes.length) writeFileSync(file + suffix, compressed);
      }
    },
  };
}

/** The build's public files; `.vite/` (the manifest) is for tools, never served. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    if (name === '.vite') return [];
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
