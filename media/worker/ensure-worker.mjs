// Root `postinstall`: makes sure mediasoup has a worker binary. mediasoup's own
// postinstall is switched off in package.json (`allowScripts`) because it
// downloads from GitHub and PyPI, which our machines cannot reach; this script
// builds the same worker offline against Debian 12's libraries instead, once
// per machine, and caches it outside node_modules so that clean installs reuse
// it. Why and how: README.md in this folder.
//
// Plain JavaScript on purpose: it runs before anything could load TypeScript.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { fixDtlsBioCallback, relaxMesonVersion } from './patches.mjs';

const RECIPE_DIR = path.dirname(fileURLToPath(import.meta.url));
const LOG_PREFIX = '[mediasoup-worker]';

// The worker exits with 41 when it is started without MEDIASOUP_VERSION, i.e.
// not by mediasoup's Node library. Getting 41 proves that the binary loads its
// shared libraries and runs; mediasoup's own postinstall probes the same way.
const WORKER_PROBE_EXIT_CODE = 41;
const WORKER_PROBE_TIMEOUT_MS = 10_000;

const BUILD_PROGRESS_STEP_PERCENT = 10;
const BUILD_LOG_TAIL_LINES = 40;
const CACHE_KEY_HASH_CHARS = 12;

function log(message) {
	console.log(`${LOG_PREFIX} ${message}`);
}

async function main() {
	const startedMs = Date.now();
	const mediasoup = locateMediasoup();
	const installedBin = path.join(mediasoup.dir, 'worker', 'out', 'Release', 'mediasoup-worker');
	const envBin = process.env.MEDIASOUP_WORKER_BIN;

	// mediasoup uses MEDIASOUP_WORKER_BIN instead of its own binary whenever it
	// is set, so a bad value cannot be fixed by building anything.
	if (envBin) {
		if (!isUsableWorker(envBin)) {
			throw new Error(
				`MEDIASOUP_WORKER_BIN=${envBin} is not a runnable mediasoup worker; unset it or point it at one.`
			);
		}

		log(`MEDIASOUP_WORKER_BIN=${envBin} is usable, nothing to do`);

		return;
	}

	if (isUsableWorker(installedBin)) {
		log(`mediasoup ${mediasoup.version} already has a usable worker, nothing to do`);

		return;
	}

	const packages = readDebianPackageList();
	ensureDebianPackages(packages);

	const key = cacheKey(mediasoup.version, installedDebianPackages(packages));
	const cachedBin = path.join(cacheRoot(), key.name, 'mediasoup-worker');

	if (isUsableWorker(cachedBin)) {
		log(`reusing cached worker ${cachedBin}`);
	} else {
		await buildIntoCache(mediasoup, key, cachedBin);
	}

	installBinary(cachedBin, installedBin);
	log(`installed ${installedBin} (${elapsedSeconds(startedMs)} s)`);
}

function locateMediasoup() {
	// mediasoup's `exports` hide package.json; its entry point is
	// <package>/node/lib/index.js.
	const entry = createRequire(import.meta.url).resolve('mediasoup');
	const dir = path.resolve(path.dirname(entry), '..', '..');
	const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));

	return { dir, version };
}

function isUsableWorker(bin) {
	if (!fs.existsSync(bin)) {
		return false;
	}

	const env = { ...process.env };
	delete env.MEDIASOUP_VERSION;

	const probe = spawnSync(bin, [], { env, stdio: 'ignore', timeout: WORKER_PROBE_TIMEOUT_MS });

	return probe.status === WORKER_PROBE_EXIT_CODE;
}

function readDebianPackageList() {
	return fs
		.readFileSync(path.join(RECIPE_DIR, 'debian-packages.txt'), 'utf8')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'));
}

/** Map of package name to version, for the given packages that are installed. */
function installedDebianPackages(packages) {
	const query = spawnSync(
		'dpkg-query',
		['--show', '--showformat=${Package}\t${Version}\t${db:Status-Abbrev}\n', ...packages],
		{ encoding: 'utf8' }
	);

	if (query.error) {
		throw new Error(
			`cannot query Debian packages (${query.error.message}). This offline build targets ` +
				'Debian 12; elsewhere, set MEDIASOUP_WORKER_BIN to a mediasoup-worker built for the ' +
				'installed mediasoup version.'
		);
	}

	const installed = new Map();

	for (const line of query.stdout.split('\n')) {
		const [name, version, status] = line.split('\t');

		if (name && version && status?.startsWith('ii')) {
			installed.set(name, version);
		}
	}

	return installed;
}

function ensureDebianPackages(packages) {
	const installed = installedDebianPackages(packages);
	const missing = packages.filter((name) => !installed.has(name));

	if (missing.length === 0) {
		return;
	}

	const installArgs = ['install', '-y', '--no-install-recommends', ...missing];

	if (process.getuid?.() !== 0) {
		throw new Error(
			`building the mediasoup worker needs these Debian packages: ${missing.join(' ')}\n` +
				'Install them as root, then run npm install again:\n' +
				`  sudo apt-get update && sudo apt-get ${installArgs.join(' ')}`
		);
	}

	log(`installing Debian packages: ${missing.join(' ')}`);

	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

	for (const args of [['update'], installArgs]) {
		const apt = spawnSync('apt-get', args, { env, stdio: 'inherit' });

		if (apt.status !== 0) {
			throw new Error(`apt-get ${args.join(' ')} failed (exit ${apt.status ?? apt.signal})`);
		}
	}
}

/**
 * A cached worker is valid for one mediasoup version (the Node library and the
 * worker speak a version-specific protocol), one CPU architecture, the exact
 * Debian packages it was compiled against, and this recipe (scripts, patches,
 * shims). The directory name carries hashes; key.txt next to the binary spells
 * the key out.
 */
function cacheKey(mediasoupVersion, packageVersions) {
	const libraries = [...packageVersions]
		.map(([name, version]) => `${name}=${version}`)
		.sort()
		.join('\n');
	const recipe = hashRecipe();
	const librariesHash = sha256(libraries).slice(0, CACHE_KEY_HASH_CHARS);
	const recipeHash = recipe.slice(0, CACHE_KEY_HASH_CHARS);

	return {
		name: `${mediasoupVersion}-${process.arch}-debian-${librariesHash}-recipe-${recipeHash}`,
		description:
			`mediasoup ${mediasoupVersion} (${process.arch})\n` +
			`recipe sha256 ${recipe}\n` +
			`Debian packages:\n${libraries}\n`,
	};
}

// The README documents the recipe but does not change the binary.
function hashRecipe() {
	const hash = createHash('sha256');
	const files = fs
		.readdirSync(RECIPE_DIR, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(RECIPE_DIR, path.join(entry.parentPath, entry.name)))
		.filter((file) => file !== 'README.md')
		.sort();

	for (const file of files) {
		hash.update(`${file}\0`);
		hash.update(fs.readFileSync(path.join(RECIPE_DIR, file)));
	}

	return hash.digest('hex');
}

function sha256(text) {
	return createHash('sha256').update(text).digest('hex');
}

function cacheRoot() {
	const xdgCacheHome = process.env.XDG_CACHE_HOME;
	const base =
		xdgCacheHome && path.isAbsolute(xdgCacheHome) ? xdgCacheHome : path.join(os.homedir(), '.cache');

	return path.join(base, 'consulto', 'mediasoup-worker');
}

async function buildIntoCache(mediasoup, key, cachedBin) {
	const startedMs = Date.now();
	const buildRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'consulto-mediasoup-worker-'));
	const sourceDir = path.join(buildRoot, 'worker');
	const buildDir = path.join(buildRoot, 'build');
	const installDir = path.join(buildRoot, 'install');
	const logFile = path.join(buildRoot, 'build.log');

	log(
		`no cached worker for this key; building mediasoup-worker ${mediasoup.version} offline in ` +
			`${buildRoot} (about 5 min on 2 cores, full output in build.log)`
	);
	prepareSources(path.join(mediasoup.dir, 'worker'), sourceDir);

	// Same configuration as mediasoup's worker/tasks.py Release build, except
	// io_uring: Debian's liburing 2.3 lacks functions mediasoup calls, and
	// io_uring is only an optimisation of the send path.
	await runMeson(
		'configuring',
		[
			'setup',
			'--prefix', installDir,
			'--bindir', '',
			'--buildtype', 'release',
			'-Db_ndebug=true',
			'-Dms_disable_liburing=true',
			buildDir,
		],
		sourceDir,
		logFile
	);
	// The worker's sources include headers that flatc generates; mediasoup
	// builds this target first too.
	await runMeson('generating FlatBuffers headers', ['compile', '-C', buildDir, 'flatbuffers-generator'], sourceDir, logFile);
	await runMeson('compiling', ['compile', '-C', buildDir, 'mediasoup-worker'], sourceDir, logFile);
	await runMeson('installing', ['install', '-C', buildDir, '--no-rebuild', '--tags', 'mediasoup-worker'], sourceDir, logFile);

	const builtBin = path.join(installDir, 'mediasoup-worker');

	if (!isUsableWorker(builtBin)) {
		throw new Error(`the built ${builtBin} does not run; build directory kept: ${buildRoot}`);
	}

	storeInCache(builtBin, key, cachedBin);
	fs.rmSync(buildRoot, { recursive: true, force: true });
	log(`built and cached ${cachedBin} in ${elapsedSeconds(startedMs)} s`);
}

// Works on a copy: node_modules keeps mediasoup's pristine sources, so a stock
// mediasoup build or a rerun of this script always starts from them.
function prepareSources(workerDir, sourceDir) {
	log('preparing sources: local subprojects on Debian libraries, patches');

	const stockOutDir = path.join(workerDir, 'out');
	fs.cpSync(workerDir, sourceDir, { recursive: true, filter: (source) => source !== stockOutDir });

	// Without the wraps meson has nothing to download and falls back to the
	// local subprojects/<name>/meson.build shims copied below.
	const subprojectsDir = path.join(sourceDir, 'subprojects');

	for (const file of fs.readdirSync(subprojectsDir)) {
		if (file.endsWith('.wrap')) {
			fs.rmSync(path.join(subprojectsDir, file));
		}
	}

	fs.cpSync(path.join(RECIPE_DIR, 'subprojects'), subprojectsDir, { recursive: true });
	editFile(path.join(sourceDir, 'meson.build'), relaxMesonVersion);
	editFile(path.join(sourceDir, 'src', 'RTC', 'DtlsTransport.cpp'), fixDtlsBioCallback);
}

function editFile(file, edit) {
	fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
}

/** Runs meson with its output in the build log, reporting ninja's progress. */
function runMeson(step, args, cwd, logFile) {
	log(step);
	fs.appendFileSync(logFile, `\n$ meson ${args.join(' ')}\n`);

	const logFd = fs.openSync(logFile, 'a');
	let reportedPercent = 0;

	const onLine = (line) => {
		fs.writeSync(logFd, `${line}\n`);

		const progress = /^\[(\d+)\/(\d+)\]/.exec(line);

		if (!progress) {
			return;
		}

		const done = Number(progress[1]);
		const total = Number(progress[2]);
		const percent =
			Math.floor((100 * done) / total / BUILD_PROGRESS_STEP_PERCENT) * BUILD_PROGRESS_STEP_PERCENT;

		if (percent > reportedPercent) {
			reportedPercent = percent;
			log(`  ${step}: ${percent}% (${done}/${total})`);
		}
	};

	return new Promise((resolve, reject) => {
		const child = spawn('meson', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

		readline.createInterface({ input: child.stdout }).on('line', onLine);
		readline.createInterface({ input: child.stderr }).on('line', onLine);
		child.on('error', (error) => {
			fs.closeSync(logFd);
			reject(error);
		});
		child.on('close', (code, signal) => {
			fs.closeSync(logFd);

			if (code === 0) {
				resolve();

				return;
			}

			const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-BUILD_LOG_TAIL_LINES);

			reject(
				new Error(
					`${step} failed (meson exit ${code ?? signal}). Last lines of ${logFile}:\n` +
						`${tail.join('\n')}\nThe build directory is kept for inspection.`
				)
			);
		});
	});
}

// The cache entry appears in one rename, so an interrupted or concurrent
// install never sees a half-written binary.
function storeInCache(builtBin, key, cachedBin) {
	const keyDir = path.dirname(cachedBin);
	const stagingDir = `${keyDir}.partial-${process.pid}`;

	fs.rmSync(stagingDir, { recursive: true, force: true });
	fs.mkdirSync(stagingDir, { recursive: true });
	fs.copyFileSync(builtBin, path.join(stagingDir, 'mediasoup-worker'));
	fs.chmodSync(path.join(stagingDir, 'mediasoup-worker'), 0o755);
	fs.writeFileSync(path.join(stagingDir, 'key.txt'), key.description);

	// An entry whose binary no longer runs (e.g. a library removed since) is
	// replaced.
	fs.rmSync(keyDir, { recursive: true, force: true });

	try {
		fs.renameSync(stagingDir, keyDir);
	} catch (error) {
		if (!isUsableWorker(cachedBin)) {
			throw error;
		}

		// Another install stored the same key first; its binary is as good.
		fs.rmSync(stagingDir, { recursive: true, force: true });
	}
}

function installBinary(cachedBin, installedBin) {
	const partial = `${installedBin}.partial-${process.pid}`;

	fs.mkdirSync(path.dirname(installedBin), { recursive: true });
	fs.copyFileSync(cachedBin, partial);
	fs.chmodSync(partial, 0o755);
	fs.renameSync(partial, installedBin);

	if (!isUsableWorker(installedBin)) {
		throw new Error(`${installedBin} was installed but does not run`);
	}
}

function elapsedSeconds(startedMs) {
	return ((Date.now() - startedMs) / 1000).toFixed(1);
}

main().catch((error) => {
	console.error(`${LOG_PREFIX} ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
});
