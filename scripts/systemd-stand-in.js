// systemd's part in docs/DEPLOY.md, played for the check (scripts/check-production.js) on a machine
// that does not run systemd: `systemctl` and `journalctl` as the guide uses them. The check's own
// process owns the services (it must: a process started by a short-lived `systemctl` would be
// nobody's child once it ended), and the two commands are small clients that ask it over HTTP.
// A service is run as systemd would run the unit: `ExecStart` in `WorkingDirectory`, with a clean
// environment of `EnvironmentFile` and `Environment`, stopped with `KillSignal` and killed after
// `TimeoutStopSec`. Not played: the user and sandbox options (DynamicUser, Protect…) and Restart=.
// `daemon-reload` checks the unit files with `systemd-analyze verify` where it is installed.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

/**
 * The [Service] settings of a unit file that the stand-in plays.
 * @param {string} text
 */
export function parseUnit(text) {
	const service = {};
	let section = '';
	for (const raw of text.split('\n')) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
		const header = /^\[(\w+)\]$/.exec(line);
		if (header) {
			section = header[1];
			continue;
		}
		const setting = /^(\w+)=(.*)$/.exec(line);
		if (!setting || section !== 'Service') continue;
		(service[setting[1]] ??= []).push(setting[2]);
	}
	return service;
}

/**
 * KEY=VALUE lines as systemd reads them (EnvironmentFile= and each word of Environment=): double or
 * single quotes around a value are removed.
 * @param {string[]} assignments
 */
function environmentOf(assignments) {
	const env = {};
	for (const assignment of assignments) {
		const match = /^([A-Za-z_]\w*)=(.*)$/.exec(assignment.trim());
		if (!match) continue;
		env[match[1]] = match[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
	}
	return env;
}

/** @param {string} value */
function words(value) {
	return [...value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** @param {string} value systemd's time span: `45`, `45s`, `2min` */
function seconds(value) {
	const match = /^(\d+)\s*(s|sec|min|m)?$/.exec(value.trim());
	if (!match) throw new Error(`TimeoutStopSec=${value}: the stand-in reads seconds or minutes`);
	return Number(match[1]) * (match[2] === 'min' || match[2] === 'm' ? 60 : 1);
}

/**
 * The service manager: listens on 127.0.0.1 for the clients below.
 * @param {{ unitDir: string, logDir: string, basePath: string }} options
 *   basePath: the PATH a service gets (systemd's default, here the check's own).
 */
export async function startStandIn({ unitDir, logDir, basePath }) {
	/** @type {Map<string, { child: import('node:child_process').ChildProcess, exited: Promise<number | null>, exitCode?: number | null, unit: Record<string, string[]> }>} */
	const running = new Map();
	/** @type {Map<string, number | string | null>} */
	const lastExit = new Map();

	const unitOf = (name) => {
		const file = join(unitDir, name.endsWith('.service') ? name : `${name}.service`);
		if (!existsSync(file)) throw new Error(`Unit ${name} not found.`);
		return parseUnit(readFileSync(file, 'utf8'));
	};
	const logOf = (name) => join(logDir, `${name.replace(/\.service$/, '')}.log`);

	function start(name) {
		if (running.has(name)) return '';
		const unit = unitOf(name);
		const env = { PATH: basePath };
		for (const file of unit.EnvironmentFile ?? []) {
			const optional = file.startsWith('-');
			const path = optional ? file.slice(1) : file;
			if (!existsSync(path)) {
				if (optional) continue;
				throw new Error(`EnvironmentFile ${path} is missing.`);
			}
			Object.assign(env, environmentOf(readFileSync(path, 'utf8').split('\n')));
		}
		for (const value of unit.Environment ?? []) Object.assign(env, environmentOf(words(value)));
		const [command, ...args] = words(unit.ExecStart?.at(-1) ?? '');
		if (!command?.startsWith('/')) throw new Error(`ExecStart must name an absolute path, not ${command}`);
		const log = openSync(logOf(name), 'a');
		const child = spawn(command, args, {
			cwd: unit.WorkingDirectory?.at(-1) ?? '/',
			env,
			stdio: ['ignore', log, log],
			// Its own process group: a stop signals the whole service, as systemd's control group.
			detached: true
		});
		closeSync(log);
		const exited = new Promise((resolve) =>
			child.once('exit', (code, signal) => {
				running.delete(name);
				lastExit.set(name, code ?? signal);
				resolve(code);
			})
		);
		running.set(name, { child, exited, unit });
		return '';
	}

	async function stop(name) {
		const service = running.get(name);
		if (!service) return '';
		const signal = service.unit.KillSignal?.at(-1) ?? 'SIGTERM';
		const timeout = seconds(service.unit.TimeoutStopSec?.at(-1) ?? '90');
		process.kill(-service.child.pid, signal);
		const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeout * 1000).unref());
		if ((await Promise.race([service.exited, timer])) === 'timeout') {
			process.kill(-service.child.pid, 'SIGKILL');
			await service.exited;
			throw new Error(`${name} did not stop within TimeoutStopSec=${timeout} s after ${signal}: killed.`);
		}
		const code = lastExit.get(name);
		if (code !== 0) throw new Error(`${name} stopped with ${code} after ${signal}.`);
		return '';
	}

	function verifyUnits() {
		let analyze;
		try {
			analyze = execFileSync('which', ['systemd-analyze'], { encoding: 'utf8' }).trim();
		} catch {
			return 'systemd-analyze is not installed: the unit files were not verified.\n';
		}
		for (const file of readdirSync(unitDir).filter((name) => name.endsWith('.service'))) {
			let output;
			try {
				output = execFileSync(analyze, ['verify', join(unitDir, file)], {
					encoding: 'utf8',
					stdio: ['ignore', 'pipe', 'pipe']
				});
			} catch (error) {
				throw new Error(`systemd-analyze verify ${file} failed:\n${error.stderr ?? error.message}`);
			}
			// It warns about unknown settings and bad values, yet exits 0: any word from it is a fault.
			if (output.trim() !== '') throw new Error(`systemd-analyze verify ${file}:\n${output}`);
		}
		return '';
	}

	/** @param {string[]} args */
	async function systemctl(args) {
		const [verb, ...rest] = args;
		const names = rest.filter((word) => !word.startsWith('--'));
		switch (verb) {
			case 'daemon-reload':
				return verifyUnits();
			case 'enable':
				unitOf(names[0]);
				return rest.includes('--now') ? start(names[0]) : '';
			case 'start':
				return start(names[0]);
			case 'stop':
				return stop(names[0]);
			case 'restart':
				await stop(names[0]);
				return start(names[0]);
			case 'is-active':
				if (!running.has(names[0])) throw Object.assign(new Error('inactive'), { exitCode: 3 });
				return 'active\n';
			default:
				throw new Error(`the stand-in does not play systemctl ${verb}`);
		}
	}

	/** @param {string[]} args `-u NAME`, `-o cat`, `-n N`: the service's last lines, as written */
	function journalctl(args) {
		let name;
		let count = 10;
		for (let i = 0; i < args.length; i++) {
			if (args[i] === '-u') name = args[++i];
			else if (args[i] === '-n') count = Number(args[++i]);
			else if (args[i] === '-o' && args[i + 1] === 'cat') i++;
			else throw new Error(`the stand-in does not play journalctl ${args[i]}`);
		}
		if (!name) throw new Error('journalctl: name the unit with -u');
		const path = logOf(name);
		const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
		return lines.slice(-count).join('\n') + '\n';
	}

	const server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', async () => {
			const { command, args } = JSON.parse(body);
			try {
				const output = command === 'systemctl' ? await systemctl(args) : journalctl(args);
				response.end(JSON.stringify({ exitCode: 0, output }));
			} catch (error) {
				response.end(JSON.stringify({ exitCode: error.exitCode ?? 1, output: '', error: error.message }));
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = server.address();
	const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

	return {
		url,
		/** Writes `systemctl` and `journalctl` into `dir`, for the front of PATH. */
		installCommands(dir) {
			for (const command of ['systemctl', 'journalctl'])
				writeFileSync(
					join(dir, command),
					`#!/bin/sh\nexec "${process.execPath}" "${import.meta.filename}" ${url} ${command} "$@"\n`,
					{ mode: 0o755 }
				);
		},
		/** The last exit of a service: its code, or the signal that ended it. */
		lastExit: (name) => lastExit.get(name),
		isRunning: (name) => running.has(name),
		stop,
		/** Stops every service (SIGKILL for those that do not stop), then the manager. */
		async close() {
			for (const [name, service] of running) {
				await stop(name).catch(() => service.child.kill('SIGKILL'));
			}
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		}
	};
}

// The client: `systemd-stand-in.js URL systemctl|journalctl ARGS…`.
if (process.argv[1] === import.meta.filename) {
	const [url, command, ...args] = process.argv.slice(2);
	const answer = await (await fetch(url, { method: 'POST', body: JSON.stringify({ command, args }) })).json();
	process.stdout.write(answer.output);
	if (answer.error) process.stderr.write(`${command}: ${answer.error}\n`);
	process.exit(answer.exitCode);
}
