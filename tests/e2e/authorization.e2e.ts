// Authorization: every endpoint, called with another account's session for each resource of the
// owner, leaks nothing and changes nothing. One row per (endpoint, resource): adding an endpoint
// means adding its rows here.
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { activationResponseSchema, syncResponseSchema } from '../../src/lib/protocol/api';
import { deviceIdOf } from '../../src/lib/protocol/sync-ids';
import { storeLicensesResponseSchema, storeProjectsResponseSchema } from '../../src/lib/protocol/store';
import { createTestAccount, createTestLicense, type TestAccount, type TestLicense } from './support/admin';
import { apiClient, errorCode } from './support/api-client';
import { newTestDevice } from './support/device';

/** What the owner has, and the intruder may know of (a license number, a reg.txt that travelled). */
interface Owned {
	owner: TestAccount;
	license: TestLicense;
	/** The owner's device, holding the license's only seat. */
	device: ReturnType<typeof newTestDevice>;
	/** A reg.txt of the owner's, activating the license on a second device of theirs. */
	ownerRegFile: string;
}

interface Row {
	endpoint: string;
	resource: string;
	call(intruder: APIRequestContext, owned: Owned, intruderAccount: TestAccount): Promise<APIResponse>;
	/** The intruder presents the owner's reg.txt, which has the owner's e-mail in it in plain text. */
	presentsOwnerRegFile?: true;
	/** The refusal (or the harmless answer) the intruder must get. */
	expectAnswer(response: APIResponse, owned: Owned, intruderAccount: TestAccount): Promise<void>;
}

const refusedWith =
	(expected: string): Row['expectAnswer'] =>
	async (response) =>
		expect(await errorCode(response)).toBe(expected);

async function syncResult(response: APIResponse) {
	expect(response.status()).toBe(200);
	return syncResponseSchema.parse(await response.json()).results[0];
}

const ROWS: Row[] = [
	{
		endpoint: 'POST /api/v1/activations',
		resource: 'the owner’s license, in the intruder’s own request',
		call: async (api, { license }, intruder) =>
			api.post('/api/v1/activations', {
				data: { request: await newTestDevice().regFile(intruder.email, [license.number]) }
			}),
		expectAnswer: refusedWith('404 license_not_found')
	},
	{
		endpoint: 'POST /api/v1/activations',
		resource: 'the owner’s own reg.txt',
		presentsOwnerRegFile: true,
		call: (api, { ownerRegFile }) => api.post('/api/v1/activations', { data: { request: ownerRegFile } }),
		expectAnswer: refusedWith('403 email_mismatch')
	},
	{
		endpoint: 'POST /api/v1/deferred',
		resource: 'the owner’s license, in the intruder’s own request',
		call: async (api, { license }, intruder) =>
			api.post('/api/v1/deferred', {
				data: { request: await newTestDevice().regFile(intruder.email, [license.number]) }
			}),
		expectAnswer: refusedWith('404 license_not_found')
	},
	{
		endpoint: 'POST /api/v1/deferred',
		resource: 'the owner’s own reg.txt, uploaded as text',
		presentsOwnerRegFile: true,
		call: (api, { ownerRegFile }) =>
			api.post('/api/v1/deferred', { headers: { 'content-type': 'text/plain' }, data: ownerRegFile }),
		expectAnswer: refusedWith('403 email_mismatch')
	},
	{
		endpoint: 'POST /api/v1/refresh',
		resource: 'the owner’s license, from the intruder’s device',
		call: async (api, { license, owner }) =>
			api.post('/api/v1/refresh', {
				data: { request: await newTestDevice().regFile(owner.email, [license.number], 'refresh') }
			}),
		expectAnswer: async (response) => {
			expect(response.status()).toBe(200);
			// Refresh re-issues only what the signing device holds: nothing here.
			expect(activationResponseSchema.parse(await response.json())).toMatchObject({
				licenses: [],
				revoked: []
			});
		}
	},
	{
		endpoint: 'POST /api/v1/sync',
		resource: 'an instant-activation of the owner’s license',
		call: async (api, { license }, intruder) =>
			api.post('/api/v1/sync', {
				data: {
					operations: [
						{
							id: crypto.randomUUID(),
							type: 'instant-activation',
							payload: { request: await newTestDevice().regFile(intruder.email, [license.number]) }
						}
					]
				}
			}),
		expectAnswer: async (response) =>
			expect(await syncResult(response)).toMatchObject({
				status: 'rejected',
				error: { code: 'license_not_found' }
			})
	},
	{
		endpoint: 'POST /api/v1/sync',
		resource: 'an instant-activation carrying the owner’s reg.txt',
		presentsOwnerRegFile: true,
		call: (api, { ownerRegFile }) =>
			api.post('/api/v1/sync', {
				data: {
					operations: [
						{ id: crypto.randomUUID(), type: 'instant-activation', payload: { request: ownerRegFile } }
					]
				}
			}),
		expectAnswer: async (response) =>
			expect(await syncResult(response)).toMatchObject({
				status: 'rejected',
				error: { code: 'email_mismatch' }
			})
	},
	{
		endpoint: 'GET /api/v1/licenses/{number}/emergency-code',
		resource: 'the owner’s license',
		call: (api, { license }) => api.get(`/api/v1/licenses/${license.number}/emergency-code`),
		expectAnswer: refusedWith('404 license_not_found')
	},
	{
		endpoint: 'GET /api/v1/store/licenses',
		resource: 'the account’s license list',
		call: (api) => api.get('/api/v1/store/licenses'),
		expectAnswer: async (response) => {
			expect(response.status()).toBe(200);
			expect(storeLicensesResponseSchema.parse(await response.json()).licenses).toEqual([]);
		}
	},
	{
		endpoint: 'GET /api/v1/store/projects',
		resource: 'the account’s projects',
		call: (api) => api.get('/api/v1/store/projects'),
		expectAnswer: async (response) => {
			expect(response.status()).toBe(200);
			expect(storeProjectsResponseSchema.parse(await response.json()).projects).toEqual([]);
		}
	},
	{
		endpoint: 'POST /api/v1/store/licenses/{number}/release',
		resource: 'the owner’s device’s seat',
		call: async (api, { license, device }) =>
			api.post(`/api/v1/store/licenses/${license.number}/release`, {
				data: { deviceId: deviceIdOf(device.keyPair.publicKey) }
			}),
		expectAnswer: refusedWith('404 seat_not_found')
	},
	{
		endpoint: 'GET /api/v1/store/licenses/{number}/history',
		resource: 'the owner’s license’s activations (devices, addresses)',
		call: (api, { license }) => api.get(`/api/v1/store/licenses/${license.number}/history`),
		expectAnswer: refusedWith('404 license_not_found')
	},
	{
		endpoint: 'POST /api/v1/sync',
		resource: 'a store-edit linking the owner’s license to a project',
		call: (api, { license }) =>
			api.post('/api/v1/sync', {
				data: {
					operations: [
						{
							id: crypto.randomUUID(),
							type: 'store-edit',
							payload: {
								edit: {
									kind: 'license-link',
									licenseNumber: license.number,
									projectId: crypto.randomUUID(),
									stamp: { wall: Date.now(), counter: 0, device: 'AAAA-AAAA-AAAA' },
									base: null
								}
							}
						}
					]
				}
			}),
		expectAnswer: async (response) => expect(await syncResult(response)).toMatchObject({ status: 'rejected' })
	},
	{
		endpoint: 'GET /api/v1/health',
		resource: 'the server’s status (public)',
		call: (api) => api.get('/api/v1/health'),
		expectAnswer: async (response) => expect(response.status()).toBe(200)
	},
	{
		endpoint: 'GET /api/v1/session',
		resource: 'the session',
		call: (api) => api.get('/api/v1/session'),
		expectAnswer: async (response, _owned, intruder) =>
			expect(await response.json()).toEqual({ account: { email: intruder.email } })
	},
	{
		endpoint: 'GET /api/v1/keys',
		resource: 'the published keys (public)',
		call: (api) => api.get('/api/v1/keys'),
		expectAnswer: async (response) => expect(response.status()).toBe(200)
	},
	{
		endpoint: 'DELETE /api/v1/session',
		resource: 'the session (ends the intruder’s own only)',
		call: (api) => api.delete('/api/v1/session'),
		expectAnswer: async (response) => expect(response.status()).toBe(204)
	}
];

/** Every row of the owner's that an endpoint could change. */
function snapshotOf(licenseNumber: string, ownerEmail: string): unknown {
	const db = new Database(join(process.env.E2E_DATA_DIR!, 'airlock.sqlite'), { readonly: true });
	try {
		const owner = db.prepare('select id from accounts where email = ?').get(ownerEmail) as { id: string };
		return {
			licenses: db
				.prepare('select * from licenses where number = ? or parent_number = ?')
				.all(licenseNumber, licenseNumber),
			activations: db.prepare('select * from activations where license_number = ?').all(licenseNumber),
			emergencyCodes: db.prepare('select * from emergency_codes where license_number = ?').all(licenseNumber),
			emergencyUses: db.prepare('select * from emergency_uses where license_number = ?').all(licenseNumber),
			sessions: db
				.prepare('select id, account_id, created_at from sessions where account_id = ?')
				.all(owner.id),
			requests: db.prepare('select device_id, nonce from requests where account_id = ?').all(owner.id),
			projects: db.prepare('select * from projects where account_id = ?').all(owner.id),
			links: db.prepare('select * from license_links where license_number = ?').all(licenseNumber)
		};
	} finally {
		db.close();
	}
}

test('another account’s session reaches nothing of the owner’s, on every endpoint', async () => {
	const owner = createTestAccount('owner');
	const intruderAccount = createTestAccount('intruder');
	const license = createTestLicense(owner.email, { seats: 1, expansions: ['CLX'] });
	const ownerApi = await apiClient(owner);
	const device = newTestDevice();
	expect(
		(
			await ownerApi.post('/api/v1/activations', {
				data: { request: await device.regFile(owner.email, [license.number]) }
			})
		).status()
	).toBe(200);
	expect((await ownerApi.get(`/api/v1/licenses/${license.number}/emergency-code`)).status()).toBe(200);
	const owned: Owned = {
		owner,
		license,
		device,
		ownerRegFile: await newTestDevice().regFile(owner.email, [license.number])
	};
	const before = snapshotOf(license.number, owner.email);

	const intruder = await apiClient(intruderAccount);
	const secrets = [license.expansions[0]!.number, '-----BEGIN AIRLOCK LICENSE'];
	for (const row of ROWS) {
		await test.step(`${row.endpoint} — ${row.resource}`, async () => {
			const response = await row.call(intruder, owned, intruderAccount);
			await row.expectAnswer(response, owned, intruderAccount);
			const text = await response.text();
			const unknownToIntruder = row.presentsOwnerRegFile ? secrets : [owner.email, ...secrets];
			for (const secret of unknownToIntruder)
				expect(text, `${row.endpoint} leaks ${secret}`).not.toContain(secret);
		});
	}

	expect(snapshotOf(license.number, owner.email)).toEqual(before);
	// The owner's session survived the intruder's sign-out.
	expect(await (await ownerApi.get('/api/v1/session')).json()).toEqual({ account: { email: owner.email } });
});
