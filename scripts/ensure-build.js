// Builds the app when the build is missing or older than the sources (used by `npm start` and the
// benchmarks). Returns the path of the server entry. On a production install (`npm ci --omit=dev`)
// there is nothing to build with: the build made by `npm run build` is used as it is.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.js';

export const root = resolve(fileURLToPath(import.meta.url), '../..');
export const buildEntry = join(root, 'build', 'index.js');
export const adminEntry = join(root, 'build', 'admin', 'admin.js');
/** Whether the build tools are installed (the dev dependencies). */
export const canBuild = existsSync(join(root, 'node_modules', 'vite', 'bin', 'vite.js'));
const sources = [
	'src',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'vite.admin.config.js',
	'package.json',
	'package-lock.json'
];

/**
 * Newest modification time among the files below `path`.
 * @param {string} path
 * @returns {number}
 */
function newestMtime(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

function buildIsStale() {
	if (!existsSync(buildEntry) || !existsSync(adminEntry)) return true;
	const built = statSync(buildEntry).mtimeMs;
	return sources.some((source) => newestMtime(join(root, source)) > built);
}

export function ensureBuild() {
	if (!canBuild) {
		if (existsSync(buildEntry) && existsSync(adminEntry)) return buildEntry;
		console.error(
			'There is no build, and this install has no build tools (installed without the dev dependencies). Run `npm ci && npm run build` where the tools are, then install with `npm ci --omit=dev`.'
		);
		process.exit(1);
	}
	if (!buildIsStale()) return buildEntry;
	console.log('Building the app (the build is missing or older than the sources)…');
	const status = build();
	if (status !== 0) process.exit(status);
	return buildEntry;
}
