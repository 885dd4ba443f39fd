import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleCode, exampleUse } from '../../../tests/fixtures/emergency-builders.js';
import { EXAMPLE_TIME, SERVER_LICENSE } from '../../../tests/fixtures/protocol-builders.js';
import { otherTestDevice, testDevice, testTrustedKeys } from '../../../tests/fixtures/test-keys.js';
import { signerFromKeyPair, sign } from './ed25519.js';
import { generateKeyPair } from './ed25519-tweetnacl.js';
import { DAY_MS, formatEmergencyCode } from './emergency-code.js';
import {
	createEmergencyUse,
	emergencyDaysLeft,
	emergencyUseSignedBytes,
	formatEmergencyUse,
	isEmergencyUseActive,
	verifyEmergencyUse,
	type EmergencyUse,
	type EmergencyUsePayload
} from './emergency-license.js';
import { keyIdOf } from './sync-ids.js';

const options = { trustedKeys: testTrustedKeys, now: EXAMPLE_TIME };
const golden = (name: string) =>
	readFileSync(new URL(`../../../tests/fixtures/golden/${name}`, import.meta.url), 'utf8');

/** A controllable clock: starts at EXAMPLE_TIME, moved by the test. */
function clock(start = EXAMPLE_TIME) {
	let now = start;
	return {
		now: () => now,
		advance(ms: number) {
			now += ms;
		},
		set(ms: number) {
			now = ms;
		}
	};
}

async function codeOf(text: string, overrides: Partial<Parameters<typeof verifyEmergencyUse>[1]> = {}) {
	const result = await verifyEmergencyUse(text, { ...options, ...overrides });
	return result.ok ? 'accepted' : result.error.code;
}

/** Signs any payload with a device key, bypassing createEmergencyUse's checks (a hostile device). */
async function forged(payload: Partial<EmergencyUsePayload>, base: EmergencyUse): Promise<string> {
	const { signature: _unused, ...rest } = base;
	void _unused;
	const unsigned = { ...rest, ...payload };
	return formatEmergencyUse({
		...unsigned,
		signature: await sign(emergencyUseSignedBytes(unsigned), testDevice.secretKey)
	});
}

describe('emergency uses', () => {
	it('writes the worked examples byte for byte and verifies them', async () => {
		const code = await exampleCode();
		const withCode = await exampleUse({ code });
		expect(withCode.text).toBe(golden('emergency-use.txt'));
		expect(await verifyEmergencyUse(withCode.text, options)).toEqual({ ok: true, use: withCode.use, code });
		const bare = await exampleUse();
		expect(bare.text).toBe(golden('emergency-use-bare.txt'));
		expect(bare.use).toMatchObject({ basis: 'bare-number', product: 'SRV', productName: null, code: null });
		expect(await verifyEmergencyUse(bare.text, options)).toEqual({ ok: true, use: bare.use, code: null });
	});

	it('lasts 5 days at most, to the millisecond, with no tolerance', async () => {
		const time = clock(EXAMPLE_TIME + 999); // sub-second part is dropped: the start is whole seconds
		const { use } = await exampleUse({ now: time.now() });
		expect(use.startedAt).toBe(EXAMPLE_TIME);
		expect(use.endsAt - use.startedAt).toBe(5 * DAY_MS);
		time.set(use.startedAt);
		expect(emergencyDaysLeft(use, time.now())).toBe(5);
		time.advance(1);
		expect(emergencyDaysLeft(use, time.now())).toBe(5);
		time.advance(DAY_MS);
		expect(emergencyDaysLeft(use, time.now())).toBe(4);
		time.set(use.endsAt - 1);
		expect(emergencyDaysLeft(use, time.now())).toBe(1);
		expect(isEmergencyUseActive(use, time.now())).toBe(true);
		time.advance(1);
		expect(emergencyDaysLeft(use, time.now())).toBe(0);
		expect(isEmergencyUseActive(use, time.now())).toBe(false);
		// A clock set back never gives more than the signed days.
		time.set(use.startedAt - 30 * DAY_MS);
		expect(emergencyDaysLeft(use, time.now())).toBe(5);
		expect(isEmergencyUseActive(use, use.endsAt + 1)).toBe(false);
	});

	it('refuses to create more than 5 days, more than the code allows, or a code for another license', async () => {
		const signer = signerFromKeyPair(testDevice);
		const create = (input: Partial<Parameters<typeof createEmergencyUse>[0]>) =>
			createEmergencyUse({ licenseNumber: SERVER_LICENSE, signer, now: EXAMPLE_TIME, ...input }).then((r) =>
				r.ok ? (r.use.endsAt - r.use.startedAt) / DAY_MS : r.error.code
			);
		expect(await create({ days: 6 })).toBe('emergency_use_too_long');
		expect(await create({ days: 0 })).toBe('emergency_use_too_long');
		expect(await create({ days: 2.5 })).toBe('emergency_use_too_long');
		expect(await create({ days: 2 })).toBe(2);
		const threeDays = await exampleCode({ maxDays: 3 });
		expect(await create({ code: threeDays })).toBe(3);
		expect(await create({ code: threeDays, days: 4 })).toBe('emergency_use_too_long');
		expect(await create({ code: threeDays, licenseNumber: 'SRV-7K3M-Q9XP-R2T4' })).toBe(
			'emergency_use_code_mismatch'
		);
		expect(await create({ licenseNumber: 'SRV-5BQ7-MKXD-3H98' })).toBe(
			'emergency_use_invalid_license_number'
		);
		expect(await create({ licenseNumber: 'srv 5bq7 mkxd 3h99' })).toBe(5);
	});

	it('checks in the documented order, each failure with its own code', async () => {
		const code = await exampleCode({ maxDays: 3 });
		const { use, text } = await exampleUse({ code });
		expect(await codeOf('x'.repeat(5000))).toBe('emergency_use_too_large');
		expect(await codeOf(formatEmergencyCode(code))).toBe('emergency_use_not_a_use');
		expect(await codeOf(text.replace('airlock-emergency-use/1', 'airlock-emergency-use/9'))).toBe(
			'emergency_use_unsupported_version'
		);
		expect(await codeOf(text.replace('Basis: code', 'Basis: maybe'))).toBe('emergency_use_malformed');
		expect(await codeOf(text.replace('Algorithm: Ed25519', 'Algorithm: RSA'))).toBe(
			'emergency_use_unsupported_algorithm'
		);
		expect(await codeOf(await forged({ basis: 'bare-number' }, use))).toBe('emergency_use_malformed');
		expect(await codeOf(await forged({ endsAt: use.startedAt + 5 * DAY_MS + 1000 }, use))).toBe(
			'emergency_use_too_long'
		);
		expect(await codeOf(text.replace('Ends-At: 2026-12-01', 'Ends-At: 2026-12-02'))).toBe(
			'emergency_use_bad_signature'
		);
		expect(await codeOf(text, { devicePublicKey: otherTestDevice.publicKey })).toBe(
			'emergency_use_wrong_device'
		);
		expect(await codeOf(text, { devicePublicKey: testDevice.publicKey })).toBe('accepted');
		const stranger = generateKeyPair();
		const strangerCode = await exampleCode(
			{},
			{ kid: keyIdOf(stranger.publicKey), sign: (m) => sign(m, stranger.secretKey) }
		);
		expect(await codeOf(await forged({ code: formatEmergencyCode(strangerCode) }, use))).toBe(
			'emergency_code_unknown_key'
		);
		const otherLicense = await exampleCode({ licenseNumber: 'SRV-7K3M-Q9XP-R2T4' });
		expect(await codeOf(await forged({ code: formatEmergencyCode(otherLicense) }, use))).toBe(
			'emergency_code_wrong_license'
		);
		expect(await codeOf(await forged({ productName: 'Something else' }, use))).toBe(
			'emergency_use_code_mismatch'
		);
		// Within 5 days, but longer than this code's 3.
		expect(await codeOf(await forged({ endsAt: use.startedAt + 4 * DAY_MS }, use))).toBe(
			'emergency_use_too_long'
		);
	});
});
