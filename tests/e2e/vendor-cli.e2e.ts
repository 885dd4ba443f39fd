// A vendor's Node program (examples/vendor-cli) against the real server, through the packaged SDK
// only (`airlock/sdk`, `airlock/sdk/node`, resolved from dist/ by the package's exports map): Instant
// and Deferred Activation, the offline check, and the refusals a license must make.
import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestAccount, createTestLicense, type TestAccount } from './support/admin';
import { apiClient, baseURL } from './support/api-client';

const CLI = join(process.cwd(), 'examples/vendor-cli/acme-report.js');

interface Run {
	code: number;
	out: string;
}

async function runCli(cwd: string, env: Record<string, string>, args: string[]): Promise<Run> {
	try {
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
			cwd,
			env: { ...process.env, ...env }
		});
		return { code: 0, out: stdout + stderr };
	} catch (error) {
		const failed = error as { code?: number; stdout?: string; stderr?: string };
		return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
	}
}

/** The vendor's key set, as the vendor ships it with the program. */
const vendorKeysFile = (() => {
	let path: Promise<string> | undefined;
	return () =>
		(path ??= (async () => {
			const file = join(mkdtempSync(join(tmpdir(), 'acme-keys-')), 'vendor-keys.json');
			writeFileSync(file, await (await fetch(`${baseURL}/api/v1/keys`)).text());
			return file;
		})());
})();

/**
 * One computer running the program: its own license folder (and working folder, for reg.txt), with
 * the vendor's key set shipped beside the program.
 */
async function computer(env: Record<string, string> = {}) {
	const home = mkdtempSync(join(tmpdir(), 'acme-report-'));
	const licenseDir = join(home, 'licenses');
	env = { ACME_VENDOR_KEYS: await vendorKeysFile(), ...env };
	return {
		home,
		licenseDir,
		run: (...args: string[]) =>
			runCli(home, { ACME_SERVER: baseURL, ACME_LICENSE_DIR: licenseDir, ...env }, args),
		/** The program with no server to reach (nothing answers on port 9). */
		runOffline: (...args: string[]) =>
			runCli(home, { ...env, ACME_SERVER: 'http://127.0.0.1:9', ACME_LICENSE_DIR: licenseDir }, args)
	};
}

function withPassword(account: TestAccount) {
	return computer({ ACME_PASSWORD: account.password });
}

test('Instant Activation from a Node program; Pro runs offline; the seat released and refreshed, Pro refuses', async () => {
	const account = createTestAccount();
	const license = createTestLicense(account.email, { expansions: ['CLX'] });
	const laptop = await withPassword(account);

	expect(await laptop.run('pro')).toMatchObject({ code: 1, out: expect.stringContaining('(not_activated)') });
	const activated = await laptop.run('activate', '--email', account.email, license.number);
	expect(activated.out).toContain(`Activated: ${license.number}`);
	expect(activated.code).toBe(0);

	// The check needs no server: pointed at an address where nothing answers, Pro still runs.
	expect(await laptop.runOffline('pro')).toMatchObject({
		code: 0,
		out: expect.stringContaining(license.number)
	});
	const status = await laptop.runOffline('status');
	expect(status.out).toContain(`${license.number}`);
	expect(status.out).toContain(`+ ${license.expansions[0]!.number}`);

	// The device key is readable by its owner only.
	expect(statSync(join(laptop.licenseDir, 'device-key.json')).mode & 0o077).toBe(0);

	// The owner releases this computer's seat from another device; the next Refresh tells the program.
	const deviceId = /This computer: (\S+)/.exec(status.out)![1]!;
	const owner = await apiClient(account);
	const released = await owner.post(`/api/v1/store/licenses/${license.number}/release`, {
		data: { deviceId }
	});
	expect(released.status()).toBe(200);
	expect(await laptop.run('pro')).toMatchObject({ code: 0 });
	const refreshed = await laptop.run('refresh');
	expect(refreshed.out).toContain(`${license.number} no longer usable here`);
	expect(await laptop.run('pro')).toMatchObject({ code: 1, out: expect.stringContaining('(deactivated)') });
});

test('Deferred Activation from a Node program: reg.txt to the portal, the license files back; a changed file and another computer’s file are refused', async () => {
	const account = createTestAccount();
	const license = createTestLicense(account.email, { expansions: ['CLX'] });
	const laptop = await computer();

	const requested = await laptop.run('request', '--email', account.email, license.number);
	expect(requested.code).toBe(0);
	expect(requested.out).toContain(`${baseURL}/portal`);
	const regFile = readFileSync(join(laptop.home, 'reg.txt'), 'utf8');

	// The portal's answer, as a phone or any online computer gets it (the portal's own API).
	const owner = await apiClient(account);
	const answer = await owner.post('/api/v1/deferred', { data: { request: regFile } });
	expect(answer.status()).toBe(200);
	const { licenses } = (await answer.json()) as { licenses: { fileName: string; file: string }[] };
	const paths = licenses.map(({ fileName, file }) => {
		const path = join(laptop.home, fileName);
		writeFileSync(path, file);
		return path;
	});

	// A file changed by hand, and a file made for another computer, are refused and store nothing.
	const changed = join(laptop.home, 'changed.license4d');
	writeFileSync(changed, licenses[0]!.file.replace(/Quantity: \d+/, 'Quantity: 99'));
	const refusedChanged = await laptop.run('load', changed);
	expect(refusedChanged.code).toBe(1);
	expect(await laptop.run('pro')).toMatchObject({ code: 1, out: expect.stringContaining('(not_activated)') });

	const other = await computer();
	const loadedElsewhere = await other.run('load', ...paths);
	expect(loadedElsewhere.code).toBe(1);
	expect(loadedElsewhere.out).toMatch(/another (computer|device)/);
	expect(await other.run('pro')).toMatchObject({ code: 1 });

	const loaded = await laptop.run('load', ...paths);
	expect(loaded.out).toContain(`${license.number} activated`);
	expect(loaded.code).toBe(0);
	expect(await laptop.run('pro')).toMatchObject({ code: 0, out: expect.stringContaining(license.number) });
});

test('a mistake in the command is a usage message and exit code 2, and changes nothing', async () => {
	const laptop = await computer();
	expect(await laptop.run('activate', 'SRV-5BQ7-MKXD-3H99')).toMatchObject({
		code: 2,
		out: expect.stringContaining('--email')
	});
	expect(await laptop.run('nonsense')).toMatchObject({ code: 2, out: expect.stringContaining('Usage:') });
	const stranger = await withPassword({ email: 'nobody@example.com', password: 'wrong' });
	const wrong = await stranger.run('activate', '--email', 'nobody@example.com', 'SRV-5BQ7-MKXD-3H99');
	expect(wrong).toMatchObject({ code: 1, out: expect.stringContaining('Activation failed') });
});
