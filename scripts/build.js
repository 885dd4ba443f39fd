// `npm run build`: the app (SvelteKit, adapter-node → build/) and the admin CLI bundled beside it
// (build/admin/admin.js), so that the server and the CLI run with the production dependencies alone.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const vite = join(root, 'node_modules/vite/bin/vite.js');

/** Runs both builds; returns the exit status of the first that fails, or 0. */
export function build() {
	for (const args of [['build'], ['build', '--config', 'vite.admin.config.js', '--logLevel', 'warn']]) {
		const result = spawnSync(process.execPath, [vite, ...args], { cwd: root, stdio: 'inherit' });
		if (result.status !== 0) return result.status ?? 1;
	}
	return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(build());
