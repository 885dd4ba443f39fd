// `npm start`: build when the build is missing or older than the sources, then serve it.
// PORT (default 3000) and DATA_DIR (default ./data) configure the server; nothing else is required.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const buildEntry = join(root, 'build', 'index.js');
const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json', 'package-lock.json'];

/** Newest modification time among the files below `path`. */
function newestMtime(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

function buildIsStale() {
	if (!existsSync(buildEntry)) return true;
	const built = statSync(buildEntry).mtimeMs;
	return sources.some((source) => newestMtime(join(root, source)) > built);
}

if (buildIsStale()) {
	console.log('Building the app (the build is missing or older than the sources)…');
	const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const env = { ...process.env };
env.PORT ??= '3000';
// adapter-node assumes https when it is not told the public origin; a local start is plain http.
env.ORIGIN ??= `http://localhost:${env.PORT}`;
env.DATA_DIR = resolve(root, env.DATA_DIR ?? 'data');
mkdirSync(env.DATA_DIR, { recursive: true });
// The body limit of adapter-node is a last line of defence; routes enforce their own, smaller limits.
env.BODY_SIZE_LIMIT ??= '5M';

const server = spawn(process.execPath, [buildEntry], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
