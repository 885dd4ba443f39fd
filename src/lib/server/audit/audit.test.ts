import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import { signerFromKeyPair, type Ed25519KeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { deviceIdOf } from '$lib/protocol/sync-ids';
import { generateLicenseNumber } from '$lib/protocol/license-number';
import { licenseHistoryResponseSchema } from '$lib/protocol/audit-api';
import { describeEachDatabase, TEST_DATABASE_URL } from '../testing/databases';
import { addExpansion, ensureCatalogue } from '../catalogue/catalogue.service';
import { activate, type ActivationContext } from '../activation/activation.service';
import { applySyncBatch } from '../sync/sync.service';
import { releaseSeat } from '../store/store.service';
import { reportEmergencyUse } from '../emergency/emergency-report.service';
import { signUp } from '../accounts/account.service';
import { changePassword, login, unlockAccount } from '../accounts/auth.service';
import { TEST_PASSWORD_COST } from '../accounts/password';
import { housekeeping } from '../housekeeping';
import { main } from '../admin/cli';
import type { Db } from '../db/schema';
import { codeFor, newAccount, newLicense, NOW, trustedKeys, useText, vendor } from '../emergency/testing';
import { auditEntries, licenseHistory, recordAuditEvent, type AuditEntry } from './audit.service';

const DAY = 86_400_000;
const ORIGIN = { clientAddress: '203.0.113.7', node: 'node-a' };

async function requestFor(device: Ed25519KeyPair, email: string, numbers: string[], now = NOW) {
	return createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: numbers,
		email,
		signer: signerFromKeyPair(device),
		now
	});
}

async function eventsOf(db: Db, filter: Parameters<typeof auditEntries>[1]): Promise<AuditEntry[]> {
	const all: AuditEntry[] = [];
	for await (const entry of auditEntries(db, filter)) all.push(entry);
	return all;
}

describeEachDatabase('audit log', (getDb, kind, getTestDatabase) => {
	beforeAll(() => ensureCatalogue(getDb()));
	const ctx = (now = NOW): ActivationContext => ({ db: getDb(), signer: vendor, now, origin: ORIGIN });

	it('records each activation (instant, deferred, queued and synced) with its account, device, address and node — once', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 3 });
		const [laptop, desktop, server] = [generateKeyPair(), generateKeyPair(), generateKeyPair()];

		const instant = await requestFor(laptop, account.email, [license.number]);
		expect((await activate(ctx(), { request: instant, path: 'instant', account })).ok).toBe(true);
		// The same request again gets the stored answer: nothing new happened, nothing is recorded.
		expect((await activate(ctx(), { request: instant, path: 'instant', account })).ok).toBe(true);
		const deferred = await requestFor(desktop, account.email, [license.number]);
		expect((await activate(ctx(), { request: deferred, path: 'deferred', account })).ok).toBe(true);
		const again = await requestFor(laptop, account.email, [license.number], NOW + 1);
		expect((await activate(ctx(NOW + 1), { request: again, path: 'instant', account })).ok).toBe(true);
		const queued = await requestFor(server, account.email, [license.number]);
		const [synced] = await applySyncBatch(
			ctx(NOW + 2),
			[
				{
					id: 'op-1',
					type: 'instant-activation',
					payload: { request: formatRegFile(queued, 'https://a.example/portal') }
				}
			],
			account,
			{ address: ORIGIN.clientAddress }
		);
		expect(synced).toMatchObject({ status: 'applied' });

		const events = await eventsOf(db, { licenseNumbers: [license.number] });
		expect(events.filter((e) => e.kind === 'activation')).toEqual([
			expect.objectContaining({
				at: new Date(NOW).toISOString(),
				actor: 'customer',
				account: account.email,
				license: license.number,
				device: deviceIdOf(laptop.publicKey),
				clientAddress: '203.0.113.7',
				node: 'node-a',
				detail: { via: 'instant', channel: 'direct', seat: 'taken' }
			}),
			expect.objectContaining({
				device: deviceIdOf(desktop.publicKey),
				detail: { via: 'deferred', channel: 'direct', seat: 'taken' }
			}),
			expect.objectContaining({
				device: deviceIdOf(laptop.publicKey),
				detail: { via: 'instant', channel: 'direct', seat: 'renewed' }
			}),
			expect.objectContaining({
				device: deviceIdOf(server.publicKey),
				detail: { via: 'instant', channel: 'sync', seat: 'taken' }
			})
		]);
	});

	it('records nothing for a refused activation, and a refusal leaves the log as it was', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 1 });
		const first = await requestFor(generateKeyPair(), account.email, [license.number]);
		await activate(ctx(), { request: first, path: 'instant', account });
		const before = await eventsOf(db, { licenseNumbers: [license.number] });
		const second = await requestFor(generateKeyPair(), account.email, [license.number]);
		const refused = await activate(ctx(), { request: second, path: 'instant', account });
		expect(refused).toMatchObject({ ok: false, error: { code: 'no_free_seat' } });
		expect(await eventsOf(db, { licenseNumbers: [license.number] })).toEqual(before);
	});

	it('records a seat release, an emergency use and the revocation of a second use', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const { license } = await newLicense(db, account.email, { seats: 2 });
		const device = generateKeyPair();
		await activate(ctx(), {
			request: await requestFor(device, account.email, [license.number]),
			path: 'instant',
			account
		});
		const released = await releaseSeat(
			db,
			{ account, licenseNumber: license.number, deviceId: deviceIdOf(device.publicKey) },
			NOW + 10,
			ORIGIN
		);
		expect(released.ok).toBe(true);

		const code = await codeFor(license.number);
		const [first, second] = [generateKeyPair(), generateKeyPair()];
		const report = (text: string, now = NOW + DAY) =>
			reportEmergencyUse(
				{ db, now, trustedKeys, acceptBareNumber: true, clientAddress: '198.51.100.9' },
				text
			);
		const firstUse = await useText(first, { licenseNumber: license.number, code });
		expect(await report(firstUse)).toMatchObject({ ok: true, result: { revoked: false } });
		// Sent again (its answer was lost): the same use, not a second event.
		expect(await report(firstUse)).toMatchObject({ ok: true, result: { revoked: false } });
		expect(
			await report(await useText(second, { licenseNumber: license.number, code }), NOW + DAY + 1)
		).toMatchObject({
			ok: true,
			result: { revoked: true, reason: 'emergency_already_used' }
		});
		// A number the server does not hold leaves no audit event (anyone may report one).
		const unheld = generateLicenseNumber('SRV');
		await report(await useText(generateKeyPair(), { licenseNumber: unheld }));

		const events = await eventsOf(db, { accountEmail: account.email, since: NOW + 10 });
		expect(events.map((e) => [e.kind, e.device, e.clientAddress])).toEqual([
			['seat.release', deviceIdOf(device.publicKey), '203.0.113.7'],
			['emergency.use', deviceIdOf(first.publicKey), '198.51.100.9'],
			['emergency.revocation', deviceIdOf(second.publicKey), '198.51.100.9']
		]);
		expect(events[1]).toMatchObject({
			actor: 'device',
			detail: { startedAt: NOW, endsAt: NOW + 5 * DAY, basis: 'code' }
		});
		expect(events[2]?.detail).toEqual({ reason: 'emergency_already_used' });
		expect(await eventsOf(db, { licenseNumbers: [unheld] })).toEqual([]);
	});

	it('records account changes: sign-up, password change, lockout (once per window), unlock', async () => {
		const db = getDb();
		const email = `signup-${crypto.randomUUID().slice(0, 8)}@example.com`;
		const signedUp = await signUp(db, { email, password: 'first password' }, '192.0.2.50', NOW, {
			passwordCost: TEST_PASSWORD_COST
		});
		expect(signedUp.ok).toBe(true);
		// The same e-mail again: the same answer, and no second creation in the log.
		await signUp(db, { email, password: 'other password' }, '192.0.2.50', NOW, {
			passwordCost: TEST_PASSWORD_COST
		});
		const session = await login(db, email, 'first password', '192.0.2.50', NOW, {
			passwordCost: TEST_PASSWORD_COST
		});
		if (!session.ok) throw new Error(session.message);
		const changed = await changePassword(
			db,
			{
				account: session.account,
				sessionToken: session.token,
				currentPassword: 'first password',
				newPassword: 'second password',
				clientAddress: '192.0.2.50'
			},
			NOW + 1,
			{ passwordCost: TEST_PASSWORD_COST }
		);
		expect(changed.ok).toBe(true);
		for (let i = 0; i < 8; i++)
			await login(db, email, `guess ${i}`, '192.0.2.66', NOW + 2, { passwordCost: TEST_PASSWORD_COST });
		expect(await unlockAccount(db, email, NOW + 3)).toMatchObject({ ok: true, wasLocked: true });

		const events = await eventsOf(db, { accountEmail: email });
		expect(events.map((e) => [e.kind, e.actor, e.clientAddress])).toEqual([
			['account.creation', 'customer', '192.0.2.50'],
			['account.password', 'customer', '192.0.2.50'],
			['account.lockout', 'unauthenticated', '192.0.2.66'],
			['account.unlock', 'admin', null]
		]);
		expect(events[2]?.detail).toMatchObject({ scope: 'address' });
		expect(events[3]?.detail).toEqual({ wasLocked: true });
	});

	it('is append-only: the database refuses to change an event', async () => {
		const db = getDb();
		await recordAuditEvent(db, { kind: 'account.unlock', actor: 'admin', detail: {} }, NOW);
		await expect(sql`update audit_events set kind = 'activation'`.execute(db)).rejects.toThrow(/append-only/);
		expect(
			await db.selectFrom('audit_events').select('kind').where('kind', '=', 'activation').execute()
		).not.toEqual([]);
	});

	it('keeps events for the retention, then housekeeping removes them', async () => {
		const db = getDb();
		const account = await newAccount(db);
		const old = { kind: 'account.unlock' as const, actor: 'admin' as const, account };
		await recordAuditEvent(db, old, NOW - 31 * DAY);
		await recordAuditEvent(db, old, NOW - 29 * DAY);
		await housekeeping(db, NOW, { auditRetentionMs: 30 * DAY });
		const unlocks = (await eventsOf(db, { accountEmail: account.email })).filter(
			(e) => e.kind === 'account.unlock'
		);
		expect(unlocks.map((e) => e.at)).toEqual([new Date(NOW - 29 * DAY).toISOString()]);
	});

	it('reads a large log a page at a time, in order', async () => {
		const db = getDb();
		const account = await newAccount(db);
		for (let i = 0; i < 7; i++)
			await recordAuditEvent(
				db,
				{ kind: 'account.unlock', actor: 'admin', account, detail: { i } },
				NOW + (i >> 1)
			);
		const read: AuditEntry[] = [];
		for await (const entry of auditEntries(db, { accountEmail: account.email, since: NOW }, 2))
			read.push(entry);
		// The account's creation (at NOW) and the seven, two to a page, none twice or left out.
		expect(read.map((e) => e.detail.i ?? 'created').sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 'created']);
		expect(read.map((e) => e.at)).toEqual([...read.map((e) => e.at)].sort());
		expect(new Set(read.map((e) => e.id)).size).toBe(8);
	});

	it("shows the owner a license's history with its expansions, newest first; never another account's", async () => {
		const db = getDb();
		const owner = await newAccount(db);
		const stranger = await newAccount(db);
		const { license } = await newLicense(db, owner.email, { seats: 2 });
		const device = generateKeyPair();
		await activate(ctx(NOW + 5), {
			request: await requestFor(device, owner.email, [license.number], NOW + 5),
			path: 'deferred',
			account: owner
		});
		const expansion = await addExpansion(db, license.number, 'CLX', NOW + 6);
		if (!expansion.ok) throw new Error(expansion.message);

		const history = await licenseHistory(db, owner, license.number.toLowerCase());
		expect(history.ok).toBe(true);
		if (!history.ok) return;
		expect(licenseHistoryResponseSchema.parse(history.value)).toEqual(history.value);
		expect(history.value.events.map((e) => [e.kind, e.via])).toEqual([
			['license.expansion', null],
			['activation', 'deferred'],
			['license.creation', null]
		]);
		expect(history.value.events[1]).toMatchObject({
			deviceId: deviceIdOf(device.publicKey),
			clientAddress: '203.0.113.7'
		});
		expect(JSON.stringify(history.value)).not.toContain('node-a');

		expect(await licenseHistory(db, stranger, license.number)).toMatchObject({
			ok: false,
			error: { code: 'license_not_found' }
		});
	});

	describe('admin audit', () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'airlock-audit-cli-'));
		afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
		const env = () => {
			const location = getTestDatabase().location;
			if (kind === 'sqlite') return { DATA_DIR: location, DATABASE_URL: '', SIGNING_KEY: '' };
			const url = new URL(TEST_DATABASE_URL);
			url.pathname = `/${location}`;
			return { DATA_DIR: dataDir, DATABASE_URL: url.toString(), SIGNING_KEY: '' };
		};
		let clock = NOW + 100 * DAY;
		async function cli(...argv: string[]) {
			const out: string[] = [];
			const err: string[] = [];
			const code = await main(
				argv,
				env(),
				{ out: (t) => out.push(t), err: (t) => err.push(t) },
				() => clock++
			);
			return { code, out: out.join('\n'), err: err.join('\n') };
		}

		it('lists key and account changes made by the CLI, filtered, as JSON, CSV or text', async () => {
			const email = `cli-${crypto.randomUUID().slice(0, 8)}@example.com`;
			expect((await cli('account', 'create', '--email', email, '--password', 'cli password 1')).code).toBe(0);
			expect(
				(await cli('account', 'set-password', '--email', email, '--password', 'cli password 2')).code
			).toBe(0);
			const created = await cli(
				'license',
				'create',
				'--product',
				'SRV',
				'--email',
				email,
				'--expansion',
				'CLX',
				'--json'
			);
			const license = JSON.parse(created.out) as { number: string; expansions: { number: string }[] };
			const rotated = JSON.parse((await cli('key', 'rotate', '--json')).out) as {
				kid: string;
				previousKid: string;
			};
			expect((await cli('key', 'withdraw', rotated.previousKid)).code).toBe(0);
			const retired = JSON.parse((await cli('key', 'retire', rotated.kid, '--json')).out) as {
				newActiveKid: string;
			};

			const byAccount = await cli('audit', '--account', email.toUpperCase(), '--json');
			expect(byAccount.code).toBe(0);
			const entries = JSON.parse(byAccount.out) as AuditEntry[];
			expect(entries.map((e) => [e.kind, e.actor, e.account])).toEqual([
				['account.creation', 'admin', email],
				['account.password', 'admin', email],
				['license.creation', 'admin', email]
			]);
			expect(entries[2]?.detail).toEqual({
				product: 'SRV',
				seats: 1,
				expansions: license.expansions[0]!.number
			});

			const keys = JSON.parse(
				(await cli('audit', '--since', new Date(NOW + 100 * DAY).toISOString().slice(0, 10), '--json')).out
			) as AuditEntry[];
			expect(keys.filter((e) => e.kind.startsWith('key.')).map((e) => [e.kind, e.detail])).toEqual([
				['key.rotation', { kid: rotated.kid, previousKid: rotated.previousKid }],
				['key.withdrawal', { kid: rotated.previousKid }],
				['key.retirement', { kid: rotated.kid, newActiveKid: retired.newActiveKid }]
			]);

			const csv = await cli('audit', '--license', license.number, '--csv');
			expect(csv.code).toBe(0);
			const [header, row, ...rest] = csv.out.split('\n');
			expect(header).toBe('at,kind,actor,account,license,device,clientAddress,node,detail');
			// The detail is JSON with commas and quotes: quoted as CSV quotes a field.
			expect(row).toContain(`,license.creation,admin,${email},${license.number},,,`);
			expect(row).toMatch(/,"\{""product"":""SRV"",""seats"":1,""expansions"":""CLX-[^"]+""\}"$/);
			expect(rest).toEqual([]);

			const text = await cli('audit', '--account', email, '--until', '2020-01-01');
			expect(text).toEqual({ code: 0, out: 'No events.', err: '' });
		});

		it('refuses bad dates, unknown accounts and licenses, and --json with --csv, changing nothing', async () => {
			for (const argv of [
				['audit', '--since', '2026-02-30'],
				['audit', '--since', 'yesterday'],
				['audit', '--until', '2026-12-01T25:00Z'],
				['audit', '--since', '2026-12-02', '--until', '2026-12-01'],
				['audit', '--json', '--csv']
			]) {
				const result = await cli(...argv);
				expect(result.code, argv.join(' ')).toBe(2);
				expect(result.err).toMatch(/is not a date|earlier than --until|one of --json and --csv/);
			}
			expect(await cli('audit', '--account', 'nobody@example.com')).toMatchObject({
				code: 1,
				err: 'There is no account nobody@example.com.'
			});
			expect(await cli('audit', '--license', 'SRV-AAAA-BBBB-CCCC')).toMatchObject({
				code: 1,
				err: 'There is no license SRV-AAAA-BBBB-CCCC.'
			});
		});
	});
});
