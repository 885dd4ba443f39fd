// `npm run bench`: runs the benchmarks (TypeScript, through tsx). Benchmarks are not tests.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./bench/main.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...process.argv.slice(2)], {
	stdio: 'inherit'
});
process.exit(result.status ?? 1);
