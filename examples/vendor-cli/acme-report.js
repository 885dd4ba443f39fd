#!/usr/bin/env node
// Acme Report: a vendor's command-line program that sells a Pro mode, licensed with Airlock. It uses
// only the SDK's published entry points (`airlock/sdk`, `airlock/sdk/node`), as a vendor's program
// would after `npm install`: activate (Instant or Deferred), keep the licenses in a folder, and ask
// "may Pro run on this computer?" with no network.
//
//   acme-report activate --email ada@example.com SRV-5BQ7-MKXD-3H99   (password: ACME_PASSWORD or asked)
//   acme-report request --email ada@example.com SRV-5BQ7-MKXD-3H99    (reg.txt + a QR code to scan)
//   acme-report load ~/Downloads/*.license4d
//   acme-report refresh
//   acme-report status
//   acme-report pro                                                   (exit 0 when Pro may run)
//
// Where: ACME_LICENSE_DIR (default ~/.config/acme-report/licenses), ACME_SERVER (the vendor's
// activation server, default http://localhost:3000), ACME_VENDOR_KEYS (the vendor's published key set,
// the JSON of GET /api/v1/keys, shipped with the program: default vendor-keys.json beside it), so
// license files verify on a computer that has never reached the server.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { AirlockError, CHECK_REASONS, openLicenses } from 'airlock/sdk';
import { nodeFiles, nodePlatform } from 'airlock/sdk/node';

/** What each mode of the program needs: Pro is the Server product with its Client expansion. */
const FEATURES = {
	report: { product: 'SRV' },
	pro: { product: 'SRV', expansion: 'CLX' }
};

const USAGE = `Usage: acme-report <command>
  activate --email E NUMBER...   Instant Activation (password from ACME_PASSWORD, or asked)
  request --email E NUMBER...    Deferred Activation: writes reg.txt, shows its QR code
  load FILE...                   loads the .license4d files the portal gave back
  refresh                        new and updated licenses and expansions
  status                         what this computer may run
  report | pro                   runs that mode, if the licenses allow it`;

/** Exit codes: 0 done, 1 refused (by the licenses or the server), 2 a mistake in the command. */
class UsageError extends Error {}

/** The key set shipped with the program; none shipped is allowed (the first sync fetches it). */
async function vendorKeys() {
	const path = process.env.ACME_VENDOR_KEYS ?? new URL('./vendor-keys.json', import.meta.url);
	try {
		return JSON.parse(await readFile(path, 'utf8'));
	} catch (error) {
		if (error.code === 'ENOENT') return undefined;
		throw new Error(`The vendor key set ${path} cannot be read: ${error.message}`);
	}
}

async function password() {
	if (process.env.ACME_PASSWORD) return process.env.ACME_PASSWORD;
	const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
	try {
		return await prompt.question('Password: ');
	} finally {
		prompt.close();
	}
}

function emailAndNumbers(args) {
	const { values, positionals } = parseArgs({
		args,
		options: { email: { type: 'string' } },
		allowPositionals: true
	});
	if (!values.email) throw new UsageError('Give the account’s e-mail with --email.');
	if (positionals.length === 0) throw new UsageError('Give at least one license number.');
	return { email: values.email, licenseNumbers: positionals };
}

const say = (line) => process.stdout.write(`${line}\n`);

function reportImports(reports) {
	let refused = 0;
	for (const report of reports) {
		if (report.ok)
			say(`${report.name}: ${report.licenseNumber} ${report.replaced ? 'updated' : 'activated'}.`);
		else {
			refused++;
			say(`${report.name}: ${report.error.message}`);
		}
	}
	return refused === 0 ? 0 : 1;
}

/** A license of `status`: number, product, and whether it may run (or why not, in the SDK's words). */
function line({ license, usable, reason, daysLeft }) {
	const state = usable
		? `may run${daysLeft === null ? '' : ` (${daysLeft} days left)`}`
		: CHECK_REASONS[reason];
	return `${license.licenseNumber} ${license.productName}: ${state}`;
}

function describe(changes) {
	const parts = [
		[changes.newLicenses, 'new'],
		[changes.newExpansions, 'new expansion'],
		[changes.renewed, 'updated'],
		[changes.withdrawn, 'no longer usable here']
	].flatMap(([rows, what]) => rows.map((row) => `${row.licenseNumber} ${what}`));
	return parts.length === 0 ? 'Your licenses are up to date.' : `${parts.join(', ')}.`;
}

async function run(command, args, licenses) {
	switch (command) {
		case 'activate': {
			const input = emailAndNumbers(args);
			const outcome = await licenses.activate({ ...input, password: await password() });
			if (outcome.kind === 'activated') {
				for (const license of outcome.licenses)
					say(`Activated: ${license.licenseNumber} (${license.productName}).`);
				for (const missing of outcome.notStored) say(`${missing.licenseNumber}: ${missing.error.message}`);
				return outcome.notStored.length === 0 ? 0 : 1;
			}
			if (outcome.kind === 'queued') {
				say(
					'The activation server cannot be reached: the activation is queued and is sent by the next command that reaches it.'
				);
				return 1;
			}
			say(`Activation failed: ${outcome.error.message}`);
			return 1;
		}
		case 'request': {
			const { email, licenseNumbers } = emailAndNumbers(args);
			const request = await licenses.createRequest(licenseNumbers, email);
			if (!request.ok) {
				say(request.error.message);
				return 1;
			}
			await licenses.saveRequest(request);
			say(`reg.txt written. Take it to ${request.portalUrl}, or scan this code with a phone:`);
			say(await QRCode.toString(request.qrUrl, { type: 'terminal', small: true }));
			say('Then load the license files it gives back: acme-report load FILE...');
			return 0;
		}
		case 'load':
			if (args.length === 0) throw new UsageError('Give the license files to load.');
			return reportImports(await licenses.loadLicenseFiles());
		case 'refresh': {
			const outcome = await licenses.refresh();
			if (outcome.kind === 'refused') say(`Refresh failed: ${outcome.error.message}`);
			else if (outcome.kind === 'nothing-to-refresh') say('No license to refresh: activate one first.');
			else if (outcome.kind === 'queued') say('The activation server cannot be reached: try again later.');
			else say(describe(outcome.changes));
			return outcome.kind === 'refreshed' || outcome.kind === 'nothing-to-refresh' ? 0 : 1;
		}
		case 'status': {
			const entitlements = await licenses.entitlements();
			say(`This computer: ${licenses.deviceId}`);
			if (entitlements.length === 0) say('No license is activated here.');
			for (const entitlement of entitlements) {
				say(line(entitlement));
				for (const expansion of entitlement.expansions) say(`  + ${line(expansion)}`);
			}
			return 0;
		}
		case 'report':
		case 'pro': {
			const verdict = await licenses.check(FEATURES[command]);
			if (!verdict.ok) {
				say(
					`${command === 'pro' ? 'Acme Report Pro' : 'Acme Report'} cannot run: ${verdict.message} (${verdict.reason})`
				);
				return 1;
			}
			say(
				`${command === 'pro' ? 'Acme Report Pro' : 'Acme Report'} is running (license ${verdict.license.licenseNumber}).`
			);
			return 0;
		}
		default:
			throw new UsageError(command ? `Unknown command “${command}”.` : 'Give a command.');
	}
}

async function main() {
	const [command, ...args] = process.argv.slice(2);
	const server = process.env.ACME_SERVER ?? 'http://localhost:3000';
	const dir = process.env.ACME_LICENSE_DIR ?? join(homedir(), '.config', 'acme-report', 'licenses');
	let licenses;
	try {
		if (!command || command === '--help' || command === 'help') throw new UsageError('');
		const platform = await nodePlatform({ dir, server });
		// `load` names its files; `request` saves reg.txt in the working folder.
		const files = nodeFiles({ paths: () => (command === 'load' ? args : []), saveDir: process.cwd() });
		licenses = await openLicenses({ ...platform, files, vendorKeys: await vendorKeys() });
		process.exitCode = await run(command, args, licenses);
	} catch (error) {
		if (error instanceof UsageError) {
			if (error.message) process.stderr.write(`${error.message}\n`);
			process.stderr.write(`${USAGE}\n`);
			process.exitCode = 2;
		} else if (error instanceof AirlockError) {
			process.stderr.write(`${error.message}${error.remedy ? ` ${error.remedy}` : ''}\n`);
			process.exitCode = 1;
		} else throw error;
	} finally {
		await licenses?.close();
	}
}

await main();
