// `npm run admin -- <command>`: runs the admin CLI on the same data folder as `npm start` (DATA_DIR,
// default ./data) or DATABASE_URL. From the sources (src/lib/server/admin/cli.ts, with tsx) where the
// dev dependencies are installed; on a production install, the bundle `npm run build` made.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');

const fromSources = existsSync(join(root, 'node_modules', 'tsx'));
const bundle = join(root, 'build', 'admin', 'admin.js');
if (!fromSources && !existsSync(bundle)) {
	console.error('The admin CLI is not built: run `npm run build` (with the dev dependencies installed).');
	process.exit(2);
}

// The sources import `$lib/…`, an alias defined in the tsconfig SvelteKit generates.
if (fromSources && !existsSync(join(root, '.svelte-kit', 'tsconfig.json'))) {
	const sync = spawnSync(process.execPath, [join(root, 'node_modules/@sveltejs/kit/svelte-kit.js'), 'sync'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	if (sync.status !== 0) process.exit(sync.status ?? 1);
}

const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') };
env.DATA_DIR = resolve(root, env.DATA_DIR || 'data');

const entry = fromSources ? ['--import', 'tsx', join(root, 'src/lib/server/admin/cli.ts')] : [bundle];
const cli = spawn(process.execPath, [...entry, ...process.argv.slice(2)], {
	cwd: root,
	env,
	stdio: 'inherit'
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cli.kill(signal));
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
