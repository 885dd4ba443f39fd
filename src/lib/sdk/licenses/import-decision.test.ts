import { describe, expect, it } from 'vitest';
import { EXAMPLE_TIME, exampleLicense } from '../../../../tests/fixtures/protocol-builders.js';
import { otherTestDevice, testDevice, testTrustedKeys } from '../../../../tests/fixtures/test-keys.js';
import { formatLicenseFile } from '$lib/protocol/license-file.js';
import { licenseQrText } from '$lib/protocol/qr-payload.js';
import {
	decideAgainstStored,
	fileSizeError,
	verifyIncoming,
	type StoredLicenseSummary
} from './import-decision.js';

/** What importing does: verify, then compare with what the device holds. */
async function decideImport(
	text: string,
	options: typeof base & { stored: (n: string) => StoredLicenseSummary | undefined }
) {
	const verified = await verifyIncoming(text, options);
	if (!verified.ok) return verified;
	const existing = options.stored(verified.license.licenseNumber) ?? null;
	const refusal = decideAgainstStored(verified.license, existing);
	return refusal
		? { ok: false as const, error: refusal }
		: { ok: true as const, license: verified.license, replaces: existing };
}

const base = {
	trustedKeys: testTrustedKeys,
	devicePublicKey: testDevice.publicKey,
	now: EXAMPLE_TIME + 60_000
};
const none = () => undefined;

describe('license import decision', () => {
	it('accepts a valid file or QR text for this device', async () => {
		const license = await exampleLicense();
		expect(await decideImport(formatLicenseFile(license), { ...base, stored: none })).toMatchObject({
			ok: true,
			replaces: null
		});
		expect(await decideImport(licenseQrText(license), { ...base, stored: none })).toMatchObject({
			ok: true,
			license
		});
	});

	it('refuses another device’s file, a file already loaded, and an older file than the stored one', async () => {
		const license = await exampleLicense();
		const text = formatLicenseFile(license);
		const stored =
			(issuedAt: number): (() => StoredLicenseSummary) =>
			() => ({ licenseNumber: license.licenseNumber, kind: 'standard', issuedAt });
		expect(
			await decideImport(text, { ...base, devicePublicKey: otherTestDevice.publicKey, stored: none })
		).toMatchObject({ ok: false, error: { code: 'license_wrong_device' } });
		expect(await decideImport(text, { ...base, stored: stored(license.issuedAt) })).toMatchObject({
			ok: false,
			error: { code: 'license_already_loaded' }
		});
		expect(await decideImport(text, { ...base, stored: stored(license.issuedAt + 1000) })).toMatchObject({
			ok: false,
			error: { code: 'license_older_than_stored' }
		});
		expect(await decideImport(text, { ...base, stored: stored(license.issuedAt - 1000) })).toMatchObject({
			ok: true,
			replaces: { issuedAt: license.issuedAt - 1000 }
		});
	});

	it('lets a real license replace an emergency one whatever its date', async () => {
		const license = await exampleLicense();
		const emergency = () => ({
			licenseNumber: license.licenseNumber,
			kind: 'emergency' as const,
			issuedAt: license.issuedAt + 86_400_000
		});
		expect(await decideImport(formatLicenseFile(license), { ...base, stored: emergency })).toMatchObject({
			ok: true,
			replaces: { kind: 'emergency' }
		});
	});

	it('refuses a file too large to be a license before reading it', () => {
		expect(fileSizeError(10 * 1024 * 1024)).toMatchObject({ code: 'file_too_large' });
		expect(fileSizeError(2000)).toBeNull();
	});
});
