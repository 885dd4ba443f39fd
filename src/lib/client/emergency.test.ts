import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createApiClient } from './api/api-client';
import { serverApi } from './api/server-api';
import { LicenseManagerDatabase } from './db/database';
import { loadDeviceIdentity } from './device-identity';
import {
	applyEmergencyResult,
	emergencyActivation,
	emergencyAlreadyUsed,
	rememberEmergencyForbidden
} from './emergency';
import type { LicenseManager } from './license-manager';
import type { LicenseClock } from './licenses/license-view';

const NOW = Date.UTC(2026, 10, 28, 12);
const DAY = 86_400_000;
let count = 0;
const at = (effectiveNow: number): LicenseClock => ({ effectiveNow, problem: null });

async function manager(name = `emergency-${++count}`): Promise<LicenseManager> {
	const db = new LicenseManagerDatabase(name);
	return {
		db,
		identity: await loadDeviceIdentity(db),
		api: serverApi(createApiClient({ origin: 'http://localhost:1' }))
	};
}

describe('Emergency Activation on the device', () => {
	it('grants 5 days with no network, queues the report with it, and refuses a second time', async () => {
		const m = await manager();
		const first = await emergencyActivation(
			m,
			{ licenseNumber: 'srv-5bq7-mkxd-3h99', codeText: '' },
			at(NOW)
		);
		expect(first).toMatchObject({
			ok: true,
			verified: false,
			license: { kind: 'emergency', licenseNumber: 'SRV-5BQ7-MKXD-3H99', expiresAt: NOW + 5 * DAY }
		});
		expect((await m.db.outbox.toArray()).map((item) => item.type)).toEqual(['emergency-report']);
		const second = await emergencyActivation(
			m,
			{ licenseNumber: 'DEV-2345-6789-ABCC', codeText: '' },
			at(NOW + 1000)
		);
		expect(second).toMatchObject({ ok: false, error: { code: 'emergency_already_used_here' } });
		expect(await m.db.licenses.count()).toBe(1);
		expect(await m.db.outbox.count()).toBe(1);
	});

	it('stays used after the database is opened again (a reload or a browser restart)', async () => {
		const name = `emergency-reopen-${++count}`;
		const first = await manager(name);
		expect(
			(await emergencyActivation(first, { licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' }, at(NOW))).ok
		).toBe(true);
		first.db.close();
		const reopened = await manager(name);
		const again = await emergencyActivation(
			reopened,
			{ licenseNumber: 'DEV-2345-6789-ABCC', codeText: '' },
			at(NOW + 3 * DAY)
		);
		expect(again).toMatchObject({ ok: false, error: { code: 'emergency_already_used_here' } });
		expect((await reopened.db.licenses.toArray()).map((l) => l.licenseNumber)).toEqual([
			'SRV-5BQ7-MKXD-3H99'
		]);
	});

	it('refuses while the clock is set back, and stores nothing (the one use is not spent)', async () => {
		const m = await manager();
		const outcome = await emergencyActivation(
			m,
			{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' },
			{ effectiveNow: NOW, problem: 'clock_set_back' }
		);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'clock_set_back' } });
		expect(await m.db.licenses.count()).toBe(0);
		expect(await m.db.settings.count()).toBe(0);
		expect(await m.db.outbox.count()).toBe(0);
	});

	it('refuses a license the server said forbids Emergency Activation, before spending the one use', async () => {
		const m = await manager();
		await emergencyActivation(m, { licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' }, at(NOW));
		await applyEmergencyResult(m, {
			revoked: true,
			licenseNumber: 'SRV-5BQ7-MKXD-3H99',
			reason: 'emergency_not_allowed',
			message: 'Emergency Activation is not available for SRV-5BQ7-MKXD-3H99.'
		});
		// A device that has not used its one Emergency Activation yet, and has heard the same.
		const other = await manager();
		await rememberEmergencyForbidden(other, 'SRV-5BQ7-MKXD-3H99', 'not available');
		const outcome = await emergencyActivation(
			other,
			{ licenseNumber: 'srv-5bq7-mkxd-3h99', codeText: '' },
			at(NOW)
		);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'emergency_not_allowed' } });
		expect(await other.db.licenses.count()).toBe(0);
		expect(await emergencyAlreadyUsed(other)).toBe(false);
		expect((await m.db.settings.get('emergencyForbidden:SRV-5BQ7-MKXD-3H99'))?.value).toContain(
			'not available'
		);
	});

	it('refuses a damaged emergency code and stores nothing', async () => {
		const m = await manager();
		const outcome = await emergencyActivation(
			m,
			{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: 'AIRLOCK-EC1:not-a-code' },
			at(NOW)
		);
		expect(outcome.ok).toBe(false);
		expect(await m.db.licenses.count()).toBe(0);
		expect(await m.db.settings.count()).toBe(0);
	});

	it('stops an emergency license the server revoked, with its reason, and leaves a real one alone', async () => {
		const m = await manager();
		await emergencyActivation(m, { licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' }, at(NOW));
		await applyEmergencyResult(m, {
			revoked: true,
			licenseNumber: 'SRV-5BQ7-MKXD-3H99',
			reason: 'emergency_already_used',
			message: 'Already used on device X.'
		});
		expect(await m.db.licenses.get('SRV-5BQ7-MKXD-3H99')).toMatchObject({
			status: 'revoked',
			statusReason: 'Already used on device X.'
		});
		await m.db.licenses.update('SRV-5BQ7-MKXD-3H99', { kind: 'standard', status: 'active' });
		await applyEmergencyResult(m, {
			revoked: true,
			licenseNumber: 'SRV-5BQ7-MKXD-3H99',
			reason: 'emergency_already_used',
			message: 'x'
		});
		expect(await m.db.licenses.get('SRV-5BQ7-MKXD-3H99')).toMatchObject({ status: 'active' });
	});
});
