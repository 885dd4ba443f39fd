// Emergency Activation through the HTTP API: the owner's emergency code, the emergency-report sync
// operation (no session: the device signature is the credential), and the signed server time.
import { expect, test } from '@playwright/test';
import { signerFromKeyPair } from '../../src/lib/protocol/ed25519';
import { generateKeyPair } from '../../src/lib/protocol/ed25519-tweetnacl';
import { deviceIdOf } from '../../src/lib/protocol/sync-ids';
import { generateLicenseNumber } from '../../src/lib/protocol/license-number';
import {
	emergencyCodeResponseSchema,
	emergencyReportResultSchema
} from '../../src/lib/protocol/emergency-api';
import { verifyEmergencyCode } from '../../src/lib/protocol/emergency-code';
import { createEmergencyUse } from '../../src/lib/protocol/emergency-license';
import { syncResponseWithTimeSchema } from '../../src/lib/protocol/api';
import { verifyServerTime } from '../../src/lib/protocol/server-time';
import { createTestAccount, createTestLicense } from './support/admin';
import { apiClient, publishedTrustedKeys } from './support/api-client';

const codePath = (number: string) => `/api/v1/licenses/${number}/emergency-code`;

test('the owner gets one emergency code; others, strangers and forbidden licenses are refused', async () => {
	const owner = createTestAccount('em-owner');
	const other = createTestAccount('em-other');
	const license = createTestLicense(owner.email);
	const forbidden = createTestLicense(owner.email, { noEmergency: true });
	const api = await apiClient(owner);

	const response = await api.get(codePath(license.number));
	expect(response.status()).toBe(200);
	const body = emergencyCodeResponseSchema.parse(await response.json());
	expect(body).toMatchObject({ licenseNumber: license.number, maxDays: 5, used: null });
	const keys = await publishedTrustedKeys(api);
	const verified = await verifyEmergencyCode(body.code, { trustedKeys: keys, now: Date.now() });
	expect(verified.ok && verified.code.email).toBe(owner.email);
	expect((await verifyEmergencyCode(body.sheet, { trustedKeys: keys, now: Date.now() })).ok).toBe(true);
	expect(await (await api.get(codePath(license.number))).json()).toEqual(body);

	const stranger = await apiClient(other);
	const theirs = await stranger.get(codePath(license.number));
	const unknownNumber = generateLicenseNumber('SRV');
	const missing = await api.get(codePath(unknownNumber));
	expect(theirs.status()).toBe(404);
	expect(missing.status()).toBe(404);
	expect(JSON.stringify(await theirs.json()).replaceAll(license.number, 'N')).toBe(
		JSON.stringify(await missing.json()).replaceAll(unknownNumber, 'N')
	);
	expect((await (await apiClient()).get(codePath(license.number))).status()).toBe(401);
	const refused = await api.get(codePath(forbidden.number));
	expect(refused.status()).toBe(403);
	expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('emergency_not_allowed');
	expect((await api.get(codePath('not-a-number'))).status()).toBe(400);
});

test('an emergency use is reported without a session; a second device is revoked; the sync answer carries a signed time', async () => {
	const owner = createTestAccount('em-report');
	const license = createTestLicense(owner.email);
	const signedIn = await apiClient(owner);
	const code = emergencyCodeResponseSchema.parse(await (await signedIn.get(codePath(license.number))).json());
	const anonymous = await apiClient();
	const keys = await publishedTrustedKeys(anonymous);
	const parsed = await verifyEmergencyCode(code.code, { trustedKeys: keys, now: Date.now() });
	if (!parsed.ok) throw new Error(parsed.error.message);

	async function report(device: ReturnType<typeof generateKeyPair>, id: string) {
		const use = await createEmergencyUse({
			licenseNumber: license.number,
			code: parsed.ok ? parsed.code : undefined,
			signer: signerFromKeyPair(device),
			now: Date.now()
		});
		if (!use.ok) throw new Error(use.error.message);
		const before = Date.now();
		const response = await anonymous.post('/api/v1/sync', {
			data: { operations: [{ id, type: 'emergency-report', payload: { use: use.text } }] }
		});
		expect(response.status()).toBe(200);
		const body = syncResponseWithTimeSchema.parse(await response.json());
		const time = await verifyServerTime(body.signedTime, { trustedKeys: keys });
		expect(time.ok && time.serverTime).toBeGreaterThanOrEqual(before - 1000);
		expect(time.ok && time.serverTime).toBeGreaterThanOrEqual(body.serverTime);
		expect(body.results[0]!.status).toBe('applied');
		return { use, result: emergencyReportResultSchema.parse(body.results[0]!.result) };
	}

	const first = generateKeyPair();
	const accepted = await report(first, 'em-op-first-0001');
	expect(accepted.result).toEqual({
		revoked: false,
		licenseNumber: license.number,
		deviceId: deviceIdOf(first.publicKey),
		endsAt: accepted.use.ok ? accepted.use.use.endsAt : 0
	});
	const second = await report(generateKeyPair(), 'em-op-second-001');
	expect(second.result).toMatchObject({ revoked: true, reason: 'emergency_already_used' });
	// The second device is told the license was used elsewhere, never which device used it: only the
	// owner, signed in, sees that (below).
	expect(second.result.revoked && second.result.message).toContain('another device');
	expect(JSON.stringify(second.result)).not.toContain(deviceIdOf(first.publicKey));
	const code2 = emergencyCodeResponseSchema.parse(
		await (await signedIn.get(codePath(license.number))).json()
	);
	expect(code2.used?.deviceId).toBe(deviceIdOf(first.publicKey));
});
