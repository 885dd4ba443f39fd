// `npm run bench`: runs the benchmarks (TypeScript, through tsx). Benchmarks are not tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// tsx resolves $lib through the tsconfig SvelteKit generates; a fresh checkout has none yet.
if (!existsSync(`${root}.svelte-kit/tsconfig.json`)) {
	const sync = spawnSync(process.execPath, [`${root}node_modules/@sveltejs/kit/svelte-kit.js`, 'sync'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (sync.status !== 0) process.exit(sync.status ?? 1);
}
const entry = fileURLToPath(new URL('./bench/main.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...process.argv.slice(2)], {
	cwd: root,
	stdio: 'inherit'
});
process.exit(result.status ?? 1);
