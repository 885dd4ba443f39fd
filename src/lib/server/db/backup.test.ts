// Backups of a running server's SQLite database: taken under load, restored, refused when they would
// lose or damage anything.
import SQLite from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistrationRequest } from '$lib/protocol/reg-file';
import { signerFromKeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { activate } from '../activation/activation.service';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { newAccount, newLicense, NOW, vendor } from '../emergency/testing';
import { openTestDatabase, type TestDatabase } from '../testing/databases';
import { BackupError, backupSqlite, checkDatabase, restoreSqlite } from './backup';
import { createDatabase } from './database';
import { announceServer, runningServerPid } from './running-server';
import { migrations } from './migrations';

const LATEST_MIGRATION = Object.keys(migrations).at(-1);

let opened: TestDatabase | undefined;
afterEach(async () => {
	await opened?.close();
	opened = undefined;
});

async function activationRequest(licenseNumber: string, email: string) {
	return createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [licenseNumber],
		email,
		signer: signerFromKeyPair(generateKeyPair()),
		now: NOW
	});
}

const codeOf = (promise: Promise<unknown>) =>
	promise.then(
		() => 'done',
		(error: unknown) => (error instanceof BackupError ? error.code : String(error))
	);

describe('backup of the SQLite database while the server runs', () => {
	it('holds every activation acknowledged before it started, with seat counts that match', async () => {
		opened = await openTestDatabase('sqlite');
		const { db, location } = opened;
		await ensureCatalogue(db);
		const account = await newAccount(db);
		const licenses = await Promise.all([1, 2, 3, 4].map(() => newLicense(db, account.email, { seats: 200 })));
		const live = join(location, 'airlock.sqlite');
		const target = join(location, 'backup.sqlite');

		// Activations keep coming, from several "clients" at once, before, during and after the backup.
		const acknowledged: { deviceId: string; licenseNumber: string; at: number }[] = [];
		let stop = false;
		const client = async (index: number) => {
			for (let round = 0; !stop && round < 400; round++) {
				const { license } = licenses[(index + round) % licenses.length]!;
				const request = await activationRequest(license.number, account.email);
				const outcome = await activate(
					{ db, signer: vendor, now: NOW },
					{ request, path: 'instant', account: { id: account.id, email: account.email } }
				);
				if (!outcome.ok) throw new Error(outcome.error.message);
				acknowledged.push({
					deviceId: request.deviceId,
					licenseNumber: license.number,
					at: performance.now()
				});
			}
		};
		const load = Promise.all([0, 1, 2, 3].map(client));
		while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
		const started = performance.now();
		const before = acknowledged.filter((each) => each.at < started);
		await backupSqlite(live, target);
		const duringOrAfter = acknowledged.length;
		stop = true;
		await load;
		expect(acknowledged.length).toBeGreaterThan(duringOrAfter - 1);

		expect(checkDatabase(target)).toBe(LATEST_MIGRATION);
		const copy = new SQLite(target, { readonly: true });
		try {
			const held = new Set(
				(
					copy
						.prepare('select device_id, license_number from activations where released_at is null')
						.all() as {
						device_id: string;
						license_number: string;
					}[]
				).map((row) => `${row.device_id} ${row.license_number}`)
			);
			for (const each of before) expect(held.has(`${each.deviceId} ${each.licenseNumber}`)).toBe(true);
			const seats = copy
				.prepare(
					`select l.number, l.seats_in_use as counted,
						(select count(*) from activations a where a.license_number = l.number and a.released_at is null) as live
					 from licenses l`
				)
				.all() as { number: string; counted: number; live: number }[];
			for (const row of seats) expect(row.counted).toBe(row.live);
			expect(seats.reduce((sum, row) => sum + row.live, 0)).toBeGreaterThanOrEqual(before.length);
		} finally {
			copy.close();
		}
	});

	it('never overwrites a file, and a folder it cannot write leaves nothing behind and the database untouched', async () => {
		opened = await openTestDatabase('sqlite');
		const live = join(opened.location, 'airlock.sqlite');
		const liveBefore = readFileSync(live);
		const existing = join(opened.location, 'existing.sqlite');
		writeFileSync(existing, 'keep me');
		expect(await codeOf(backupSqlite(live, existing))).toBe('backup_target_exists');
		expect(readFileSync(existing, 'utf8')).toBe('keep me');

		const missingFolder = join(opened.location, 'no-such-folder', 'backup.sqlite');
		expect(await codeOf(backupSqlite(live, missingFolder))).toBe('backup_write_failed');
		const readOnly = join(opened.location, 'read-only');
		mkdirSync(readOnly, { mode: 0o500 });
		// (root may write anywhere: then the backup succeeds, which is no loss either.)
		const outcome = await codeOf(backupSqlite(live, join(readOnly, 'backup.sqlite')));
		expect(['backup_write_failed', 'done']).toContain(outcome);
		expect(readdirSync(readOnly).filter((name) => name.includes('partial'))).toEqual([]);
		expect(readFileSync(live).equals(liveBefore)).toBe(true);
		expect(await codeOf(backupSqlite(join(opened.location, 'none.sqlite'), join(opened.location, 'b')))).toBe(
			'backup_source_missing'
		);
	});
});

describe('restore', () => {
	it('puts a backup in place, keeps the database it replaced, and the server opens it', async () => {
		opened = await openTestDatabase('sqlite');
		const { db, location } = opened;
		await ensureCatalogue(db);
		const account = await newAccount(db);
		const live = join(location, 'airlock.sqlite');
		const target = join(location, 'backup.sqlite');
		await backupSqlite(live, target);
		await newAccount(db); // written after the backup: not in it
		await db.destroy(); // the server stopped (the folder stays until the test ends)

		const { previous } = await restoreSqlite(live, target, NOW);
		expect(previous).not.toBeNull();
		expect(existsSync(previous!)).toBe(true);
		const restored = createDatabase({ kind: 'sqlite', file: live });
		try {
			const emails = await restored.selectFrom('accounts').select('email').execute();
			expect(emails.map((row) => row.email)).toEqual([account.email]);
		} finally {
			await restored.destroy();
		}
		const kept = new SQLite(previous!, { readonly: true });
		try {
			expect((kept.prepare('select count(*) as n from accounts').get() as { n: number }).n).toBe(2);
		} finally {
			kept.close();
		}
	});

	it('refuses a missing, damaged, foreign or newer file and changes nothing', async () => {
		opened = await openTestDatabase('sqlite');
		const { location } = opened;
		const live = join(location, 'airlock.sqlite');
		const liveBefore = readFileSync(live);
		const file = (name: string, bytes: string | Buffer) => {
			const path = join(location, name);
			writeFileSync(path, bytes);
			return path;
		};
		const foreign = join(location, 'foreign.sqlite');
		const other = new SQLite(foreign);
		other.exec('create table notes (text)');
		other.close();
		const newer = join(location, 'newer.sqlite');
		await backupSqlite(live, newer);
		const edit = new SQLite(newer);
		edit.prepare(`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', 'x')`).run();
		edit.close();
		const intact = join(location, 'intact.sqlite');
		await backupSqlite(live, intact);
		const damaged = readFileSync(intact);
		damaged.fill(0x42, 4096, Math.min(damaged.length, 4096 * 6));

		expect(await codeOf(restoreSqlite(live, join(location, 'nothing.sqlite'), NOW))).toBe(
			'restore_source_missing'
		);
		expect(
			await codeOf(restoreSqlite(live, file('text.sqlite', 'just some text, not a database'), NOW))
		).toBe('restore_not_a_database');
		expect(await codeOf(restoreSqlite(live, file('damaged.sqlite', damaged), NOW))).toMatch(
			/^restore_(damaged|not_a_database)$/
		);
		expect(await codeOf(restoreSqlite(live, foreign, NOW))).toBe('restore_not_airlock');
		expect(await codeOf(restoreSqlite(live, newer, NOW))).toBe('restore_newer');
		expect(readFileSync(live).equals(liveBefore)).toBe(true);
		expect(
			readdirSync(location).filter((name) => name.includes('before-restore') || name.includes('restoring'))
		).toEqual([]);
	});

	it('knows a running server by its process id, and forgets one that is gone', () => {
		const dir = join(opened?.location ?? '/tmp', '');
		const folder = join(dir, `pid-${process.pid}-${Date.now()}`);
		mkdirSync(folder, { recursive: true });
		expect(runningServerPid(folder)).toBeNull();
		const withdraw = announceServer(folder);
		expect(runningServerPid(folder)).toBe(process.pid);
		withdraw();
		expect(runningServerPid(folder)).toBeNull();
		// A server that crashed left its file; the process is gone.
		writeFileSync(join(folder, 'server.pid'), '2147483646\n');
		expect(runningServerPid(folder)).toBeNull();
	});
});
