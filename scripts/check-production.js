// The production path, as a vendor deploys it: the build made here, copied with the project's files
// into a fresh folder, installed there with the production dependencies only (`npm ci --omit=dev`),
// then `npm start` answers /api/v1/health and the admin CLI runs a command — with no build tool, no
// tsx and no SvelteKit sync on the machine. Run by `npm test` after the suites.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBuild, root } from './ensure-build.js';

const PORT = Number(process.env.PRODUCTION_CHECK_PORT ?? 4599);

function step(text) {
	console.log(`production check: ${text}`);
}

ensureBuild();
const folder = mkdtempSync(join(tmpdir(), 'airlock-production-'));
let server;
try {
	step(`copying the project's files and its build to ${folder}`);
	const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0');
	for (const file of tracked.filter(Boolean)) {
		if (!existsSync(join(root, file))) continue;
		mkdirSync(dirname(join(folder, file)), { recursive: true });
		cpSync(join(root, file), join(folder, file));
	}
	cpSync(join(root, 'build'), join(folder, 'build'), { recursive: true });

	step('npm ci --omit=dev');
	execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: folder,
		stdio: 'inherit'
	});
	for (const tool of ['vite', 'tsx', '@sveltejs/kit'])
		if (existsSync(join(folder, 'node_modules', tool)))
			throw new Error(`${tool} was installed without dev dependencies`);

	step('npm start');
	const dataDir = join(folder, 'data');
	const env = { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
	server = spawn('npm', ['start', '--silent'], { cwd: folder, env, stdio: ['ignore', 'inherit', 'inherit'] });
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}`);
		const health = await fetch(`http://localhost:${PORT}/api/v1/health`).catch(() => null);
		if (health?.ok) {
			const body = await health.json();
			if (body.status !== 'ok') throw new Error(`/api/v1/health answered ${JSON.stringify(body)}`);
			break;
		}
		if (Date.now() > deadline) throw new Error('the server did not answer /api/v1/health within 60 s');
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	step('/api/v1/health answers ok');

	const admin = (...args) =>
		JSON.parse(
			execFileSync('npm', ['run', '--silent', 'admin', '--', ...args, '--json'], {
				cwd: folder,
				env,
				encoding: 'utf8'
			})
		);
	const created = admin(
		'account',
		'create',
		'--email',
		'production@example.com',
		'--password',
		'production-pw-1'
	);
	if (created.email !== 'production@example.com')
		throw new Error(`account create answered ${JSON.stringify(created)}`);
	const licenses = admin('license', 'list');
	if (!Array.isArray(licenses)) throw new Error(`license list answered ${JSON.stringify(licenses)}`);
	const backup = admin('backup', '--to', join(folder, 'backup.sqlite'));
	if (!existsSync(backup.file)) throw new Error('the backup file is missing');
	step('the admin CLI runs from the build (account create, license list, backup)');
} finally {
	if (server && server.exitCode === null) {
		const exited = new Promise((resolve) => server.once('exit', resolve));
		server.kill('SIGTERM');
		await exited;
	}
	rmSync(folder, { recursive: true, force: true });
}
step('passed');
