// `npm run admin -- <command>`: runs the admin CLI (src/lib/server/admin/cli.ts) with tsx, on the same
// data folder as `npm start` (DATA_DIR, default ./data) or DATABASE_URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');

// The CLI imports `$lib/…`, an alias defined in the tsconfig SvelteKit generates.
if (!existsSync(join(root, '.svelte-kit', 'tsconfig.json'))) {
	const sync = spawnSync(process.execPath, [join(root, 'node_modules/@sveltejs/kit/svelte-kit.js'), 'sync'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	if (sync.status !== 0) process.exit(sync.status ?? 1);
}

const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') };
env.DATA_DIR = resolve(root, env.DATA_DIR || 'data');

const cli = spawn(
	process.execPath,
	['--import', 'tsx', join(root, 'src/lib/server/admin/cli.ts'), ...process.argv.slice(2)],
	{ cwd: root, env, stdio: 'inherit' }
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cli.kill(signal));
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
