// A server of a test's own (its own port, data folder and build), for what the shared end-to-end
// server cannot show: a new version deployed under a running app, a crash and a restart.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { ADMIN_CLI } from './admin';

export interface OwnServer {
	url: string;
	process: ChildProcess;
	stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startOwnServer(options: {
	buildDir?: string;
	port: number;
	dataDir: string;
	/** More environment for the server (its configuration, e.g. VENDOR_NAME or ADDRESS_HEADER). */
	env?: Record<string, string>;
	/** The public origin the server believes it has (ORIGIN), e.g. https:// behind a TLS proxy. */
	origin?: string;
}): Promise<OwnServer> {
	const url = `http://localhost:${options.port}`;
	// The production entry (scripts/server.js) over the given build.
	const child = spawn(process.execPath, ['scripts/server.js'], {
		env: {
			...process.env,
			AIRLOCK_BUILD_DIR: options.buildDir ?? 'build',
			PORT: String(options.port),
			ORIGIN: options.origin ?? url,
			DATA_DIR: options.dataDir,
			SEED_DEMO: 'false',
			// The server waits up to this many seconds for the requests in flight when stopped.
			SHUTDOWN_TIMEOUT: '1',
			...options.env
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
		try {
			if ((await fetch(`${url}/api/v1/keys`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`the server at ${url} did not start`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return {
		url,
		process: child,
		async stop(signal: NodeJS.Signals = 'SIGTERM') {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = once(child, 'exit');
			child.kill(signal);
			// A server that does not stop within 5 s is killed: a test must never hang on it.
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		}
	};
}

/** A copy of the build whose service worker differs by a byte: what deploying version N+1 looks like to a browser. */
export function nextVersionOfBuild(): { dir: string; remove(): void } {
	// Inside the project, so the copy resolves its packages from node_modules like the original.
	mkdirSync('.e2e-builds', { recursive: true });
	const dir = mkdtempSync(join('.e2e-builds', 'next-'));
	cpSync('build', dir, { recursive: true });
	const worker = join(dir, 'client', 'service-worker.js');
	appendFileSync(worker, `\n// next version ${Date.now()}\n`);
	// The precompressed copies would still be the old version.
	for (const suffix of ['.gz', '.br']) rmSync(worker + suffix, { force: true });
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the admin CLI on a server's own data folder (as support/admin.ts does on the shared one). */
export function adminOn(dataDir: string, args: string[]): unknown {
	return JSON.parse(
		execFileSync(process.execPath, [ADMIN_CLI, ...args, '--json'], {
			env: { ...process.env, DATA_DIR: dataDir },
			encoding: 'utf8'
		})
	);
}
