import { beforeAll, describe, expect, it } from 'vitest';
import { createRegistrationRequest } from '$lib/protocol/reg-file';
import { signerFromKeyPair, type Ed25519KeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import type { Stamp, StoreEdit } from '$lib/protocol/store';
import { describeEachDatabase } from '../testing/databases';
import { ensureCatalogue } from '../catalogue/catalogue.service';
import { activate, refresh } from '../activation/activation.service';
import { newAccount, newLicense, NOW, vendor } from '../emergency/testing';
import { applySyncBatch } from '../sync/sync.service';
import type { Db } from '../db/schema';
import { heldSeat, markReissued } from '../activation/activations.repository';
import { findLicense, findLicenseEntry } from '../catalogue/licenses.repository';
import {
	applyStoreEdit,
	EDIT_CLOCK_TOLERANCE_MS,
	readLicenses,
	readProjects,
	releaseSeat
} from './store.service';

const DEVICE_A = 'AAAA-AAAA-AAAA';
const DEVICE_B = 'BBBB-BBBB-BBBB';

function stamp(wall: number, device = DEVICE_A): Stamp {
	return { wall, counter: 0, device };
}

function create(projectId: string, name: string, at: Stamp): StoreEdit {
	return { kind: 'project-name', projectId, name, stamp: at, base: null };
}

async function applied(db: Db, accountId: string, edit: StoreEdit) {
	const outcome = await applyStoreEdit(db, accountId, edit, NOW);
	if (!outcome.ok) throw new Error(`refused: ${outcome.error.code}`);
	return outcome.value;
}

async function activateOn(db: Db, device: Ed25519KeyPair, email: string, accountId: string, number: string) {
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [number],
		email,
		signer: signerFromKeyPair(device),
		now: NOW
	});
	const outcome = await activate(
		{ db, signer: vendor, now: NOW },
		{ request, path: 'instant', account: { id: accountId, email } }
	);
	if (!outcome.ok) throw new Error(outcome.error.message);
	return request.deviceId;
}

describeEachDatabase('store service', (getDb, kind, getTestDatabase) => {
	beforeAll(() => ensureCatalogue(getDb()));

	describe('license list', () => {
		it('lists every license with its product, expansions, status, seats and devices', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license, expansions } = await newLicense(db, account.email, { seats: 3, expansions: ['CLX'] });
			const temporary = await newLicense(db, account.email, { temporaryDays: 30, deferredAllowed: false });
			const noEmergency = await newLicense(db, account.email, { emergencyAllowed: false });
			const expired = await newLicense(db, account.email, { expiresAt: NOW + 1000 });
			const deviceId = await activateOn(db, generateKeyPair(), account.email, account.id, license.number);

			const list = await readLicenses(db, account.id, NOW + 1000);
			const byNumber = new Map(list.map((entry) => [entry.number, entry]));
			expect([...byNumber.keys()].sort()).toEqual(
				[license.number, temporary.license.number, noEmergency.license.number, expired.license.number].sort()
			);
			expect(byNumber.get(license.number)).toMatchObject({
				product: 'SRV',
				status: 'active',
				renewalDays: null,
				deferredAllowed: true,
				emergencyAllowed: true,
				seats: 3,
				seatsUsed: 1,
				expansions: [{ number: expansions[0]!.license.number, product: 'CLX' }],
				devices: [{ deviceId, activatedAt: NOW, lastSeenAt: NOW }],
				link: null
			});
			// What the device says before a trip to an online computer: an "R" license, a temporary
			// license's renewal, no Emergency Activation.
			expect(byNumber.get(temporary.license.number)).toMatchObject({
				status: 'temporary',
				renewalDays: 30,
				deferredAllowed: false,
				emergencyAllowed: true
			});
			expect(byNumber.get(noEmergency.license.number)).toMatchObject({
				deferredAllowed: true,
				emergencyAllowed: false
			});
			expect(byNumber.get(expired.license.number)!.status).toBe('expired');
		});
	});

	describe('projects and links', () => {
		it('creates a project, links a license, and deleting the project unlinks it but keeps the license', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email);
			const projectId = crypto.randomUUID();
			expect(await applied(db, account.id, create(projectId, 'Alpha', stamp(NOW)))).toEqual([]);
			await applied(db, account.id, {
				kind: 'license-link',
				licenseNumber: license.number,
				projectId,
				stamp: stamp(NOW + 1),
				base: null
			});
			expect((await readLicenses(db, account.id, NOW))[0]!.link).toEqual({
				projectId,
				stamp: stamp(NOW + 1)
			});

			await applied(db, account.id, {
				kind: 'project-delete',
				projectId,
				stamp: stamp(NOW + 2),
				base: stamp(NOW)
			});
			const { projects } = await readProjects(db, account.id, NOW);
			expect(projects).toEqual([
				{ id: projectId, name: 'Alpha', nameStamp: stamp(NOW), deleted: stamp(NOW + 2) }
			]);
			expect((await readLicenses(db, account.id, NOW)).map((entry) => entry.number)).toEqual([
				license.number
			]);
		});

		it('two devices renaming offline converge on the later stamp; the loser is reported and kept', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const projectId = crypto.randomUUID();
			await applied(db, account.id, create(projectId, 'Alpha', stamp(NOW)));
			const fromB: StoreEdit = {
				kind: 'project-name',
				projectId,
				name: 'From B',
				stamp: stamp(NOW + 20, DEVICE_B),
				base: stamp(NOW)
			};
			const fromA: StoreEdit = {
				kind: 'project-name',
				projectId,
				name: 'From A',
				stamp: stamp(NOW + 10),
				base: stamp(NOW)
			};
			expect(await applied(db, account.id, fromB)).toEqual([]);
			expect(await applied(db, account.id, fromA)).toEqual([
				{ edit: fromA, reason: 'older', winner: fromB.stamp }
			]);
			// Sent again (a lost answer): same state, the loss kept once.
			await applied(db, account.id, fromA);
			const { projects, conflicts } = await readProjects(db, account.id, NOW);
			expect(projects[0]!.name).toBe('From B');
			expect(conflicts).toEqual([
				expect.objectContaining({ lost: { edit: fromA, reason: 'older', winner: fromB.stamp } })
			]);
		});

		it('refuses a change dated too far in the future, and changes nothing', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const outcome = await applyStoreEdit(
				db,
				account.id,
				create(crypto.randomUUID(), 'Late', stamp(NOW + EDIT_CLOCK_TOLERANCE_MS + 1)),
				NOW
			);
			expect(outcome).toMatchObject({ ok: false, error: { code: 'edit_from_future' } });
			expect((await readProjects(db, account.id, NOW)).projects).toEqual([]);
		});

		it('applies queued edits through sync, and waits for a sign-in without a session', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const projectId = crypto.randomUUID();
			const ctx = { db, signer: vendor, now: NOW };
			const operation = {
				id: 'op-store-0001',
				type: 'store-edit',
				payload: { edit: create(projectId, 'Alpha', stamp(NOW)) }
			};
			expect(await applySyncBatch(ctx, [operation], null)).toMatchObject([{ status: 'needs-sign-in' }]);
			expect(
				await applySyncBatch(
					ctx,
					[operation, { id: 'op-store-0002', type: 'store-edit', payload: { edit: { kind: 'x' } } }],
					account
				)
			).toMatchObject([
				{ status: 'applied', result: { lost: [] } },
				{ status: 'rejected', error: { code: 'invalid_payload' } }
			]);
			expect((await readProjects(db, account.id, NOW)).projects.map((p) => p.name)).toEqual(['Alpha']);
		});
	});

	describe('authorization', () => {
		it('another account cannot see or change licenses, projects, links or seats, and learns nothing', async () => {
			const db = getDb();
			const owner = await newAccount(db);
			const other = await newAccount(db);
			const { license } = await newLicense(db, owner.email, { seats: 2 });
			const deviceId = await activateOn(db, generateKeyPair(), owner.email, owner.id, license.number);
			const projectId = crypto.randomUUID();
			await applied(db, owner.id, create(projectId, 'Secret', stamp(NOW)));

			expect(await readLicenses(db, other.id, NOW)).toEqual([]);
			expect((await readProjects(db, other.id, NOW)).projects).toEqual([]);

			// The owner's license answers like one that does not exist.
			const link = (licenseNumber: string, target: string | null): StoreEdit => ({
				kind: 'license-link',
				licenseNumber,
				projectId: target,
				stamp: stamp(NOW + 1, DEVICE_B),
				base: null
			});
			const missing = 'SRV-2222-2222-2222';
			const stolen = await applyStoreEdit(db, other.id, link(license.number, null), NOW);
			const absent = await applyStoreEdit(db, other.id, link(missing, null), NOW);
			expect(stolen.ok || absent.ok).toBe(false);
			if (!stolen.ok && !absent.ok)
				expect(stolen.error.message.replace(license.number, 'N')).toBe(
					absent.error.message.replace(missing, 'N')
				);

			// The owner's project answers like a project that does not exist.
			const ownLicense = (await newLicense(db, other.email)).license;
			const toTheirs = await applyStoreEdit(db, other.id, link(ownLicense.number, projectId), NOW);
			const toNothing = await applyStoreEdit(db, other.id, link(ownLicense.number, crypto.randomUUID()), NOW);
			expect(toTheirs).toEqual(toNothing);
			expect(toTheirs).toMatchObject({ ok: false, error: { code: 'project_not_found' } });
			const deleteTheirs = await applyStoreEdit(
				db,
				other.id,
				{ kind: 'project-delete', projectId, stamp: stamp(NOW + 2, DEVICE_B), base: null },
				NOW
			);
			expect(deleteTheirs).toMatchObject({ ok: false, error: { code: 'project_not_found' } });
			// A rename of the same id makes a project of the other account's own, never touches the owner's.
			await applied(db, other.id, create(projectId, 'Mine', stamp(NOW + 3, DEVICE_B)));
			expect((await readProjects(db, owner.id, NOW)).projects.map((p) => p.name)).toEqual(['Secret']);

			// The owner's seat answers like a seat that does not exist.
			const release = await releaseSeat(db, { account: other, licenseNumber: license.number, deviceId }, NOW);
			const releaseMissing = await releaseSeat(db, { account: other, licenseNumber: missing, deviceId }, NOW);
			expect(release.ok || releaseMissing.ok).toBe(false);
			if (!release.ok && !releaseMissing.ok) {
				expect(release.error.code).toBe(releaseMissing.error.code);
				expect(release.error.message.replace(license.number, 'N')).toBe(
					releaseMissing.error.message.replace(missing, 'N')
				);
			}
			expect((await readLicenses(db, owner.id, NOW))[0]!.seatsUsed).toBe(1);
		});
	});

	describe('release a seat', () => {
		it('frees the seat, keeps the row with why, and the device is told at its next Refresh', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email, { seats: 1 });
			const device = generateKeyPair();
			const deviceId = await activateOn(db, device, account.email, account.id, license.number);

			expect(await releaseSeat(db, { account, licenseNumber: license.number, deviceId }, NOW + 5)).toEqual({
				ok: true,
				value: { licenseNumber: license.number, deviceId, releasedAt: NOW + 5 }
			});
			// Twice: the seat is no longer held.
			expect(
				await releaseSeat(db, { account, licenseNumber: license.number, deviceId }, NOW + 6)
			).toMatchObject({ ok: false, error: { code: 'seat_not_found' } });
			const row = await db
				.selectFrom('activations')
				.selectAll()
				.where('device_id', '=', deviceId)
				.executeTakeFirstOrThrow();
			expect(row).toMatchObject({ released_at: NOW + 5, release_reason: 'owner' });
			expect((await readLicenses(db, account.id, NOW + 6))[0]).toMatchObject({ seatsUsed: 0, devices: [] });

			const request = await createRegistrationRequest({
				purpose: 'refresh',
				licenseNumbers: [],
				email: account.email,
				signer: signerFromKeyPair(device),
				now: NOW + 10
			});
			const answer = await refresh({ db, signer: vendor, now: NOW + 10 }, { request });
			expect(answer.ok && answer.response).toMatchObject({
				licenses: [],
				revoked: [{ licenseNumber: license.number, reason: 'seat_released' }]
			});
		});

		it('waits for an activation that holds the license, never deadlocks with it', async () => {
			const db = getDb();
			const account = await newAccount(db);
			const { license } = await newLicense(db, account.email, { seats: 1 });
			const deviceId = await activateOn(db, generateKeyPair(), account.email, account.id, license.number);
			// Another app node (PostgreSQL) releases the seat while this device activates again: the
			// activation holds the license row, then touches its seat; the release frees that seat,
			// which changes the license's count of seats in use.
			const otherNode = kind === 'postgres' ? getTestDatabase().reopen() : db;
			let release: ReturnType<typeof releaseSeat> | undefined;
			await db.transaction().execute(async (trx) => {
				await findLicenseEntry(trx, license.number, { lock: true });
				release = releaseSeat(otherNode, { account, licenseNumber: license.number, deviceId }, NOW + 5);
				await new Promise((resolve) => setTimeout(resolve, 300));
				await markReissued(trx, (await heldSeat(trx, license.number, deviceId))!, NOW + 4);
			});
			expect(await release).toMatchObject({ ok: true });
			expect((await findLicense(db, license.number))?.seats_in_use).toBe(0);
		});
	});
});
