// The admin CLI (`npm run admin -- <command>`): accounts, licenses and keys, on the server's own
// database. Exit codes: 0 done, 1 refused (e.g. unknown account), 2 bad arguments or configuration.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { ConfigError, parseConfig, type Environment, type ServerConfig } from '../config';
import { BackupError, backupSqlite, restoreSqlite } from '../db/backup';
import { runningServerPid } from '../db/running-server';
import { openServerContext, type ServerContext } from '../context';
import type { License } from '../db/schema';
import { findAccountByEmail } from '../accounts/accounts.repository';
import { listAllLicenses } from '../catalogue/licenses.repository';
import { createAccount } from '../accounts/account.service';
import { setAccountPassword, unlockAccount } from '../accounts/auth.service';
import { addExpansion, createLicense } from '../catalogue/catalogue.service';
import { describeDemoSeed, seedDemo } from '../catalogue/demo';
import { KeyEncryptionKeyError } from '../keys/key-encryption';
import {
	listKeys,
	SigningKeyError,
	SigningKeyFileError,
	retireSigningKey,
	rotateSigningKey,
	withdrawSigningKey
} from '../keys/signing-keys.service';
import { parseCommand, UsageError, USAGE, type Command } from './cli-args';
import { runAudit } from './audit-command';

export interface CliIo {
	out: (text: string) => void;
	err: (text: string) => void;
}

type Outcome = { ok: true; json: unknown; text: string } | { ok: false; code: string; message: string };

function licenseJson(license: License & { email?: string }) {
	return {
		number: license.number,
		product: license.product_code,
		email: license.email,
		seats: license.seats,
		quantity: license.quantity,
		kind: license.kind,
		expiresAt: license.expires_at === null ? null : new Date(license.expires_at).toISOString(),
		renewalDays: license.renewal_days,
		deferredAllowed: license.deferred_allowed === 1,
		emergencyAllowed: license.emergency_allowed === 1,
		parent: license.parent_number,
		revision: license.revision
	};
}

type FileCommand = Extract<Command, { name: 'backup' | 'restore' }>;

/** backup and restore work on the database file itself, without opening the server's context. */
async function runOnFile(command: FileCommand, config: ServerConfig, now: number): Promise<Outcome> {
	if (config.database.kind !== 'sqlite')
		return {
			ok: false,
			code: 'backup_postgres',
			message:
				'This server uses PostgreSQL (DATABASE_URL): back it up with pg_dump and restore with pg_restore, as docs/DEPLOY.md shows.'
		};
	const live = config.database.file;
	try {
		if (command.name === 'backup') {
			const target = resolve(command.to);
			const { bytes } = await backupSqlite(live, target);
			return {
				ok: true,
				json: { file: target, bytes },
				text: `Backed up ${live} to ${target} (${bytes} bytes).`
			};
		}
		const pid = runningServerPid(config.dataDir);
		if (pid !== null)
			throw new BackupError(
				'restore_server_running',
				`A server (process ${pid}) is running on ${config.dataDir}: stop it first, then restore, then start it again. Nothing was changed.`
			);
		const source = resolve(command.from);
		const { previous, migration } = await restoreSqlite(live, source, now);
		return {
			ok: true,
			json: { file: live, from: source, previous, migration },
			text: `Restored ${source} as ${live}.${previous ? ` The database it replaced is kept as ${previous}.` : ''} Start the server: it applies any newer migrations.`
		};
	} catch (error) {
		if (!(error instanceof BackupError)) throw error;
		return { ok: false, code: error.code, message: error.message };
	}
}

async function run(
	command: Exclude<Command, { name: 'help' | 'audit' } | FileCommand>,
	context: ServerContext,
	now: number
): Promise<Outcome> {
	const { db, config } = context;
	switch (command.name) {
		case 'account create': {
			const result = await createAccount(db, command, now);
			if (!result.ok) return result;
			const json = { id: result.account.id, email: result.account.email };
			return { ok: true, json, text: `Account ${json.email} created.` };
		}
		case 'account unlock': {
			const result = await unlockAccount(db, command.email, now);
			if (!result.ok) return result;
			return {
				ok: true,
				json: { email: result.email, wasLocked: result.wasLocked },
				text: result.wasLocked
					? `Account ${result.email} unlocked: it can sign in again now.`
					: `Account ${result.email} was not locked; its count of wrong passwords is back to zero.`
			};
		}
		case 'account set-password': {
			const result = await setAccountPassword(db, command.email, command.password, now);
			if (!result.ok) return result;
			return {
				ok: true,
				json: { email: result.email, sessionsEnded: result.sessionsEnded },
				text: `New password set for ${result.email}; ${result.sessionsEnded === 1 ? '1 session' : `${result.sessionsEnded} sessions`} ended, so every device signs in again with it.`
			};
		}
		case 'license create': {
			const result = await createLicense(
				db,
				{
					productCode: command.product,
					email: command.email,
					seats: command.seats,
					expiresAt: command.expiresAt ?? null,
					temporaryDays: command.temporaryDays ?? null,
					deferredAllowed: command.deferred,
					emergencyAllowed: command.emergency,
					expansions: command.expansions
				},
				now
			);
			if (!result.ok) return result;
			const { license, expansions } = result.created;
			const lines = [license.number, ...expansions.map((e) => `  + ${e.license.number} (${e.product.code})`)];
			return {
				ok: true,
				json: { ...licenseJson(license), expansions: expansions.map((e) => licenseJson(e.license)) },
				text: lines.join('\n')
			};
		}
		case 'license expand': {
			// A purchased expansion: the device holding the license gets it at its next Refresh.
			const result = await addExpansion(db, command.license, command.expansion, now);
			if (!result.ok) return result;
			return {
				ok: true,
				json: licenseJson(result.license),
				text: `${result.license.number} (${command.expansion}) attached to ${command.license}.`
			};
		}
		case 'license list': {
			if (command.email && !(await findAccountByEmail(db, command.email))) {
				return { ok: false, code: 'unknown_account', message: `There is no account ${command.email}.` };
			}
			const email = command.email?.trim().toLowerCase();
			const all = (await listAllLicenses(db)).filter((license) => !email || license.email === email);
			// Each license followed by its expansions.
			const licenses = all
				.filter((license) => license.parent_number === null)
				.flatMap((parent) => [parent, ...all.filter((child) => child.parent_number === parent.number)]);
			const text = licenses
				.map((l) =>
					[
						l.parent_number ? `  + ${l.number}` : l.number,
						l.product_code,
						`${l.seats} seat(s)`,
						l.kind === 'temporary' ? `temporary ${l.renewal_days} d` : '',
						l.deferred_allowed ? '' : 'no deferred',
						l.emergency_allowed ? '' : 'no emergency',
						l.email
					]
						.filter(Boolean)
						.join('  ')
				)
				.join('\n');
			return { ok: true, json: licenses.map(licenseJson), text: text || 'No licenses.' };
		}
		case 'key list': {
			const keys = await listKeys(db);
			const text = keys
				.map((key) =>
					[
						key.kid,
						key.status,
						`created ${key.createdAt}`,
						key.withdrawnAt
							? `withdrawn ${key.withdrawnAt}`
							: key.retiredAt
								? `retired ${key.retiredAt}`
								: '',
						key.introducedBy ? `introduced by ${key.introducedBy}` : ''
					]
						.filter(Boolean)
						.join('  ')
				)
				.join('\n');
			return { ok: true, json: keys, text: text || 'No keys.' };
		}
		case 'key rotate': {
			const result = await rotateSigningKey(db, config, now);
			if (!result.ok) return result;
			return {
				ok: true,
				json: { kid: result.kid, previousKid: result.previousKid, introduced: result.introduced },
				text:
					`New active key ${result.kid}` +
					(result.previousKid ? `; ${result.previousKid} is now verify-only` : '') +
					'. Every server node signs with it within a few seconds, no restart needed.' +
					(result.previousKid && !result.introduced
						? ` The previous key's private part was not in the database, so it could not introduce the new key: devices that trust only ${result.previousKid} take the new key set only from a key set shipped with the program.`
						: '')
			};
		}
		case 'key retire': {
			const result = await retireSigningKey(db, config, command.kid, now);
			if (!result.ok) return result;
			return {
				ok: true,
				json: { kid: result.kid, changed: result.changed, newActiveKid: result.newActiveKid },
				text: result.newActiveKid
					? `Key ${result.kid} retired: it only verifies now; the new active key is ${result.newActiveKid}.`
					: `Key ${result.kid} was already verify-only; nothing changed.`
			};
		}
		case 'key withdraw': {
			const result = await withdrawSigningKey(db, command.kid, now);
			if (!result.ok) return result;
			return {
				ok: true,
				json: { kid: result.kid, changed: result.changed },
				text: result.changed
					? `Key ${result.kid} withdrawn: devices drop it at their next refresh, and files it signed stop verifying there.`
					: `Key ${result.kid} was already withdrawn; nothing changed.`
			};
		}
		case 'demo': {
			const seed = await seedDemo(db, now);
			if (!seed)
				return {
					ok: false,
					code: 'not_empty',
					message: 'The database already has accounts: demo data is only added to an empty one.'
				};
			return { ok: true, json: seed, text: describeDemoSeed(seed) };
		}
	}
}

/** Runs the CLI; returns the exit code. */
export async function main(
	argv: string[],
	env: Environment,
	io: CliIo,
	now: () => number = Date.now
): Promise<number> {
	let parsed;
	try {
		parsed = parseCommand(argv);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.err(`${error.message}\n\n${USAGE}`);
		return 2;
	}
	const { command, json } = parsed;
	if (command.name === 'help') {
		io.out(USAGE);
		return 0;
	}
	const report = (outcome: Outcome): number => {
		if (!outcome.ok) {
			io.err(
				json ? JSON.stringify({ error: { code: outcome.code, message: outcome.message } }) : outcome.message
			);
			return 1;
		}
		io.out(json ? JSON.stringify(outcome.json, null, 2) : outcome.text);
		return 0;
	};
	if (command.name === 'backup' || command.name === 'restore') {
		let config: ServerConfig;
		try {
			config = parseConfig(env);
		} catch (error) {
			if (!(error instanceof ConfigError)) throw error;
			io.err(error.message);
			return 2;
		}
		return report(await runOnFile(command, config, now()));
	}
	let context: ServerContext;
	try {
		context = await openServerContext(parseConfig(env), {
			seedDemo: false,
			now,
			// A command run against a busy server's SQLite file waits for its turn rather than fail.
			busyTimeoutMs: 60_000,
			// `key rotate` must work when this node cannot sign with the active key (that is its repair).
			requireUsableKey: false
		});
	} catch (error) {
		const known = [ConfigError, SigningKeyError, SigningKeyFileError, KeyEncryptionKeyError];
		if (!known.some((type) => error instanceof type)) throw error;
		io.err((error as Error).message);
		return 2;
	}
	try {
		if (command.name === 'audit') {
			const outcome = await runAudit(context.db, command, io.out);
			return outcome.ok ? 0 : report(outcome);
		}
		return report(await run(command, context, now()));
	} finally {
		await context.db.destroy();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main(process.argv.slice(2), process.env, {
		out: (text) => console.log(text),
		err: (text) => console.error(text)
	}).then(
		(code) => {
			process.exitCode = code;
		},
		(error: unknown) => {
			// A real fault (database down, newer database…): its message, without a stack for the operator.
			console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
			process.exitCode = 1;
		}
	);
}
