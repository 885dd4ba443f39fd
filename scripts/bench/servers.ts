// Starting the real server (the built app) and the bare signing baseline for load benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PKCS8_PREFIX } from '../../src/lib/protocol/ed25519';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Ports of the servers the benchmarks start (override the first with BENCH_PORT_BASE), away from
 * the e2e servers' ports.
 */
const base = Number(process.env.BENCH_PORT_BASE ?? 4530);
export const BENCH_PORTS = {
	pwa: base,
	signingBaseline: base + 1,
	sqlite: base + 2,
	postgres: base + 3,
	profile: base + 4,
	client: base + 5,
	licenseList: base + 6,
	busyDatabase: base + 7
} as const;

/** How every benchmark starts Chromium: Debian's build, no network chatter of its own. */
export const CHROMIUM_LAUNCH = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run',
		'--disable-gpu'
	]
};

export interface RunningServer {
	url: string;
	stop(): Promise<void>;
	/** The server process's resident memory now, in bytes (Linux); undefined for one in this process. */
	residentBytes?(): number | undefined;
	/** CPU time the server process has used so far, in milliseconds (Linux); undefined otherwise. */
	cpuMs?(): number | undefined;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** A process's CPU time so far (user + system) from /proc (Linux), in milliseconds. */
export function cpuMsOf(pid: number): number | undefined {
	try {
		// Fields after the command name (which may hold spaces, so split after its closing parenthesis).
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
	} catch {
		return undefined;
	}
}

/** A process's resident set size from /proc (Linux), in bytes; undefined elsewhere. */
export function residentBytesOf(pid: number): number | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
		return kilobytes === undefined ? undefined : Number(kilobytes) * 1024;
	} catch {
		return undefined;
	}
}

async function waitForUp(url: string, child: ChildProcess): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
		try {
			const response = await fetch(`${url}/api/v1/keys`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`the server at ${url} did not start within 60 s`);
}

/** Runs the production server (scripts/server.js over the build made beforehand) with the given environment. */
export async function startAppServer(port: number, env: Record<string, string>): Promise<RunningServer> {
	// BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/profiles", profiles the server under load.
	const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const child = spawn(process.execPath, [...nodeArgs, 'scripts/server.js'], {
		cwd: root,
		env: { ...process.env, PORT: String(port), ORIGIN: `http://127.0.0.1:${port}`, ...env },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const url = `http://127.0.0.1:${port}`;
	await waitForUp(url, child);
	return {
		url,
		residentBytes: () => (child.pid === undefined ? undefined : residentBytesOf(child.pid)),
		cpuMs: () => (child.pid === undefined ? undefined : cpuMsOf(child.pid)),
		async stop() {
			child.kill('SIGTERM');
			if (child.exitCode === null) await once(child, 'exit');
		}
	};
}

/** The physical limit: a bare node:http server that reads a JSON body and signs ~600 bytes. */
export async function startSigningBaseline(port: number): Promise<RunningServer> {
	const seed = new Uint8Array(32).fill(4);
	const key = createPrivateKey({
		key: Buffer.concat([PKCS8_PREFIX, seed]),
		format: 'der',
		type: 'pkcs8'
	});
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const body = Buffer.concat(chunks);
			const signature = nodeSign(
				null,
				Buffer.concat([Buffer.from('airlock/license/v1\n'), body.subarray(0, 600)]),
				key
			);
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ signature: signature.toString('base64url') }));
		});
	});
	server.listen(port, '127.0.0.1');
	await once(server, 'listening');
	return {
		url: `http://127.0.0.1:${port}`,
		stop: () => new Promise((resolve) => server.close(() => resolve()))
	};
}
