import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases';
import { insertAccount } from '../accounts/accounts.repository';
import {
	findEmergencyUse,
	markEmergencyUseReported,
	recordEmergencyUse
} from '../emergency/emergency-uses.repository';
import { insertLicense, insertProduct } from '../catalogue/licenses.repository';
import { pruneRequestRecords } from '../activation/requests.repository';
import { storeAnswer, storedAnswer } from '../activation/requests.repository';
import { findSyncOperation, recordSyncOperation } from './sync-operations.repository';

describeEachDatabase('replay records, emergency uses and sync operations', (getDb) => {
	it('records a request once per (device, nonce)', async () => {
		const db = getDb();
		const record = {
			device_id: 'D1',
			nonce: 'n1',
			digest: 'd',
			account_id: null,
			response: '{"a":1}',
			created_at: 100
		};
		expect(await storeAnswer(db, record)).toBe(true);
		expect(await storeAnswer(db, { ...record, response: '{"a":2}' })).toBe(false);
		expect(await storedAnswer(db, 'D1', 'n1')).toEqual({
			digest: 'd',
			account_id: null,
			response: '{"a":1}'
		});
		expect(await storeAnswer(db, { ...record, device_id: 'D2' })).toBe(true);
		expect(await storedAnswer(db, 'D1', 'other')).toBeUndefined();
		expect(await pruneRequestRecords(db, 101)).toBe(2);
	});

	it('allows one emergency use per license', async () => {
		const db = getDb();
		await insertAccount(db, { id: 'acc-em', email: 'em@example.test', password_hash: 'h', created_at: 1 });
		await insertProduct(db, { code: 'DEV', name: 'Dev', kind: 'application', default_quantity: 1 });
		const { number } = await insertLicense(db, {
			product_code: 'DEV',
			account_id: 'acc-em',
			seats: 1,
			quantity: 1,
			kind: 'standard',
			expires_at: null,
			renewal_days: null,
			deferred_allowed: 1,
			emergency_allowed: 1,
			parent_number: null,
			created_at: 1,
			updated_at: 1
		});
		expect(
			await recordEmergencyUse(db, {
				license_number: number,
				device_id: 'D1',
				used_at: 50,
				reported_at: null
			})
		).toBe(true);
		expect(
			await recordEmergencyUse(db, {
				license_number: number,
				device_id: 'D2',
				used_at: 60,
				reported_at: null
			})
		).toBe(false);
		await markEmergencyUseReported(db, number, 70);
		await markEmergencyUseReported(db, number, 80);
		expect(await findEmergencyUse(db, number)).toEqual({
			license_number: number,
			device_id: 'D1',
			used_at: 50,
			reported_at: 70,
			device_public_key: null,
			basis: null,
			code_id: null,
			ends_at: null,
			report: null
		});
	});

	it('applies a sync operation once per account', async () => {
		const db = getDb();
		await insertAccount(db, {
			id: 'acc-sync',
			email: 'sync@example.test',
			password_hash: 'h',
			created_at: 1
		});
		const op = { account_id: 'acc-sync', op_id: 'op-1', result: '{"ok":true}', applied_at: 5 };
		expect(await recordSyncOperation(db, op)).toBe(true);
		expect(await recordSyncOperation(db, { ...op, result: '{"ok":false}' })).toBe(false);
		expect(await findSyncOperation(db, 'acc-sync', 'op-1')).toEqual(op);
		expect(await findSyncOperation(db, 'acc-sync', 'op-2')).toBeUndefined();
	});
});
