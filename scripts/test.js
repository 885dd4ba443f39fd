// `npm test`: every check and suite, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
	['format and lint', 'npm', ['run', '--silent', 'lint']],
	// Before svelte-check: the bench's check-only page imports the built library, as a vendor would.
	['library build (svelte-package, publint)', 'npm', ['run', '--silent', 'package']],
	['svelte-check', 'npm', ['run', '--silent', 'check']],
	['unit and server tests (SQLite and PostgreSQL)', 'npx', ['vitest', 'run']],
	['end-to-end tests (Chromium)', 'npx', ['playwright', 'test']],
	[
		'production path (npm ci --omit=dev, npm start, the admin CLI from the build)',
		'node',
		['scripts/check-production.js']
	]
];

for (const [name, command, args] of steps) {
	console.log(`\n=== ${name} ===`);
	const result = spawnSync(command, args, { stdio: 'inherit' });
	if (result.status !== 0) {
		console.error(`\n${name}: failed (exit ${result.status ?? result.signal}).`);
		process.exit(result.status ?? 1);
	}
}
console.log('\nAll checks and suites passed.');
