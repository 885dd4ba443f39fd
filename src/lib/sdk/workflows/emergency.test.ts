import { describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import type { LicenseClock } from '../licenses/license-view.js';
import type { StorageTransaction } from '../platform/storage.js';
import { memoryStorage } from '../testing/memory-storage.js';
import { rowOf, rowsOf, testCore } from '../testing/test-core.js';
import type { EmergencyReportResult } from '$lib/protocol/emergency-api.js';
import { formatEmergencyCode, formatEmergencyCodeSheet } from '$lib/protocol/emergency-code.js';
import { exampleCode } from '../../../../tests/fixtures/emergency-builders.js';
import {
	applyEmergencyResultIn,
	emergencyActivation,
	emergencyAlreadyUsed,
	readEmergencyCode,
	rememberEmergencyForbidden
} from './emergency.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const DAY = 86_400_000;
const at = (effectiveNow: number): LicenseClock => ({ effectiveNow, problem: null });

const manager = (storage = memoryStorage()) => testCore({ storage, now: NOW });
const write = (m: Core, work: (tx: StorageTransaction) => Promise<void>) =>
	m.storage.transaction('rw', ['licenses', 'settings'], work);
const applyEmergencyResult = (m: Core, result: EmergencyReportResult) =>
	write(m, (tx) => applyEmergencyResultIn(tx, result));
const count = async (m: Core, table: 'licenses' | 'settings' | 'outbox') =>
	(await rowsOf(m.storage, table)).length;

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
		expect((await rowsOf(m.storage, 'outbox')).map((item) => item.type)).toEqual(['emergency-report']);
		const second = await emergencyActivation(
			m,
			{ licenseNumber: 'DEV-2345-6789-ABCC', codeText: '' },
			at(NOW + 1000)
		);
		expect(second).toMatchObject({ ok: false, error: { code: 'emergency_already_used_here' } });
		expect(await count(m, 'licenses')).toBe(1);
		expect(await count(m, 'outbox')).toBe(1);
	});

	it('stays used after the database is opened again (a reload or a browser restart)', async () => {
		const storage = memoryStorage();
		const first = await manager(storage);
		expect(
			(await emergencyActivation(first, { licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' }, at(NOW))).ok
		).toBe(true);
		const reopened = await manager(storage);
		const again = await emergencyActivation(
			reopened,
			{ licenseNumber: 'DEV-2345-6789-ABCC', codeText: '' },
			at(NOW + 3 * DAY)
		);
		expect(again).toMatchObject({ ok: false, error: { code: 'emergency_already_used_here' } });
		expect((await rowsOf(reopened.storage, 'licenses')).map((l) => l.licenseNumber)).toEqual([
			'SRV-5BQ7-MKXD-3H99'
		]);
	});

	it('stays used when its mark is deleted by hand: the identity record and the license keep it too', async () => {
		const m = await manager();
		await emergencyActivation(m, { licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' }, at(NOW));
		expect(await rowOf(m.storage, 'identity', 'device')).toMatchObject({ emergencyUsedAt: NOW });
		const tryAgain = () =>
			emergencyActivation(m, { licenseNumber: 'DEV-2345-6789-ABCC', codeText: '' }, at(NOW + DAY));

		await write(m, (tx) => tx.delete('settings', 'emergencyActivationUsedAt'));
		expect(await tryAgain()).toMatchObject({ ok: false, error: { code: 'emergency_already_used_here' } });
		// The emergency license gone too (replaced, removed): the identity record still knows.
		await write(m, (tx) => tx.delete('licenses', 'SRV-5BQ7-MKXD-3H99'));
		expect(await emergencyAlreadyUsed(m.storage)).toBe(true);
		expect(await tryAgain()).toMatchObject({ ok: false, error: { code: 'emergency_already_used_here' } });
		expect(await count(m, 'outbox')).toBe(1);
	});

	it('refuses while the clock is set back, and stores nothing (the one use is not spent)', async () => {
		const m = await manager();
		const outcome = await emergencyActivation(
			m,
			{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' },
			{ effectiveNow: NOW, problem: 'clock_set_back' }
		);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'clock_set_back' } });
		expect(await count(m, 'licenses')).toBe(0);
		expect(await count(m, 'settings')).toBe(0);
		expect(await count(m, 'outbox')).toBe(0);
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
		await write(other, (tx) => rememberEmergencyForbidden(tx, 'SRV-5BQ7-MKXD-3H99', 'not available'));
		const outcome = await emergencyActivation(
			other,
			{ licenseNumber: 'srv-5bq7-mkxd-3h99', codeText: '' },
			at(NOW)
		);
		expect(outcome).toMatchObject({ ok: false, error: { code: 'emergency_not_allowed' } });
		expect(await count(other, 'licenses')).toBe(0);
		expect(await emergencyAlreadyUsed(other.storage)).toBe(false);
		expect((await rowOf(m.storage, 'settings', 'emergencyForbidden:SRV-5BQ7-MKXD-3H99'))?.value).toContain(
			'not available'
		);
	});

	it('refuses a license the License list copy says has no Emergency Activation, before spending the one use', async () => {
		const m = await manager();
		await m.storage.transaction('rw', ['storeLicenses'], (tx) =>
			tx.put('storeLicenses', { number: 'SRV-5BQ7-MKXD-3H99', emergencyAllowed: false })
		);
		const outcome = await emergencyActivation(
			m,
			{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: '' },
			at(NOW)
		);
		expect(outcome).toMatchObject({
			ok: false,
			error: { code: 'emergency_not_allowed', message: expect.stringContaining('as your License list says') }
		});
		expect(await emergencyAlreadyUsed(m.storage)).toBe(false);
		expect(await count(m, 'licenses')).toBe(0);
	});

	it('refuses a damaged emergency code and stores nothing', async () => {
		const m = await manager();
		const outcome = await emergencyActivation(
			m,
			{ licenseNumber: 'SRV-5BQ7-MKXD-3H99', codeText: 'AIRLOCK-EC1:not-a-code' },
			at(NOW)
		);
		expect(outcome.ok).toBe(false);
		expect(await count(m, 'licenses')).toBe(0);
		expect(await count(m, 'settings')).toBe(0);
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
		expect(await rowOf(m.storage, 'licenses', 'SRV-5BQ7-MKXD-3H99')).toMatchObject({
			status: 'revoked',
			statusReason: 'Already used on device X.'
		});
		await write(m, async (tx) => {
			await tx.update('licenses', 'SRV-5BQ7-MKXD-3H99', { kind: 'standard', status: 'active' });
		});
		await applyEmergencyResult(m, {
			revoked: true,
			licenseNumber: 'SRV-5BQ7-MKXD-3H99',
			reason: 'emergency_already_used',
			message: 'x'
		});
		expect(await rowOf(m.storage, 'licenses', 'SRV-5BQ7-MKXD-3H99')).toMatchObject({ status: 'active' });
	});
});

describe('reading the license number from an emergency code', () => {
	it('reads it from the compact code and from the printed sheet, and says what is wrong with anything else', async () => {
		const code = await exampleCode({ licenseNumber: 'SRV-5BQ7-MKXD-3H99' });
		expect(readEmergencyCode(`  ${formatEmergencyCode(code)}\n`)).toEqual({
			state: 'read',
			licenseNumber: 'SRV-5BQ7-MKXD-3H99'
		});
		expect(readEmergencyCode(formatEmergencyCodeSheet(code))).toEqual({
			state: 'read',
			licenseNumber: 'SRV-5BQ7-MKXD-3H99'
		});
		expect(readEmergencyCode(' ')).toEqual({ state: 'empty' });
		expect(readEmergencyCode('AIRLOCK-EC1:not-a-code')).toMatchObject({
			state: 'invalid',
			message: expect.stringContaining('Paste the whole code')
		});
	});
});
