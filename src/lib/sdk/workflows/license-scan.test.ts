import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '$lib/protocol/base64url';
import { ALPHABET, checkCharacterFor } from '$lib/protocol/check-character';
import { formatLicenseNumber } from '$lib/protocol/license-number';
import { licenseBatchQrCodes, licenseQrText, requestQrUrl } from '$lib/protocol/qr-payload';
import type { SignedLicense } from '$lib/protocol/license-file';
import {
	CLIENT_EXPANSION,
	EXAMPLE_TIME,
	exampleLicense,
	exampleRequest,
	SERVER_LICENSE
} from '../../../../tests/fixtures/protocol-builders.js';
import { testVendor, testVendorKid } from '../../../../tests/fixtures/test-keys.js';
import { rowsOf, testCore } from '../testing/test-core.js';
import { mergeTrustedKeys } from '../trusted-keys.js';
import { createScanSession, readScannedCode, type ScanStep } from './license-scan.js';
import { storeConfirmed } from './deferred.js';

const DEVELOPER_LICENSE = 'DEV-2345-6789-ABCC';
/** More valid license numbers (each with its check character). */
const MORE = ['DEV', 'SRV', 'DEV'].map((product, i) => {
	const symbols = `${product}2345678ABD${ALPHABET[i]}`;
	return formatLicenseNumber(symbols + checkCharacterFor(symbols));
});

async function scanningDevice() {
	const core = await testCore({ now: EXAMPLE_TIME });
	await mergeTrustedKeys(core.storage, {
		keys: [
			{
				kid: testVendorKid,
				alg: 'Ed25519',
				publicKey: encodeBase64url(testVendor.publicKey),
				status: 'active',
				createdAt: '2026-11-01T00:00:00.000Z'
			}
		]
	});
	const device = { publicKey: core.identity.signer.publicKey, secretKey: new Uint8Array(64) };
	const license = (number: string, more: Partial<SignedLicense> = {}) =>
		exampleLicense({ licenseNumber: number, product: number.slice(0, 3), ...more }, device);
	const answer = [
		await license(SERVER_LICENSE, { expansions: [CLIENT_EXPANSION] }),
		await license(CLIENT_EXPANSION, { parent: SERVER_LICENSE }),
		await license(DEVELOPER_LICENSE)
	];
	return { core, answer, license };
}

const numbersOf = (step: ScanStep) =>
	step.kind === 'read'
		? step.added.map((f) => (f.outcome.ok ? f.outcome.license.licenseNumber : f.outcome.error.code))
		: [];

describe('a scanning session', () => {
	it('finishes with one code holding every license of the request, expansions included', async () => {
		const { core, answer } = await scanningDevice();
		const session = createScanSession([SERVER_LICENSE, DEVELOPER_LICENSE]);
		const code = licenseBatchQrCodes(answer)[0]!.text;
		const step = await readScannedCode(core, session, code);
		expect(step).toMatchObject({ kind: 'read', complete: true, missing: [] });
		expect(numbersOf(step)).toEqual([SERVER_LICENSE, CLIENT_EXPANSION, DEVELOPER_LICENSE]);
		const stored = await storeConfirmed(core, session.files);
		expect(stored.every((result) => result.ok)).toBe(true);
		expect((await rowsOf(core.storage, 'licenses')).length).toBe(3);
	});

	it('reads a sequence part by part, a part seen again adds nothing, and finishes with the last one', async () => {
		const { core, answer, license } = await scanningDevice();
		const more = await Promise.all(MORE.map((n) => license(n)));
		const codes = licenseBatchQrCodes([...answer, ...more]).map((code) => code.text);
		expect(codes.length).toBeGreaterThan(1);
		// Nothing known of the request: the parts say when the sequence is whole.
		const session = createScanSession([]);
		for (const [i, code] of codes.entries()) {
			const step = await readScannedCode(core, session, code);
			expect(step).toMatchObject({ kind: 'read', complete: i === codes.length - 1 });
			if (i === 0) {
				const again = await readScannedCode(core, session, code);
				expect(again).toMatchObject({ kind: 'read', added: [], complete: false });
			}
		}
		expect(session.files.filter((f) => f.outcome.ok)).toHaveLength(6);
	});

	it('with license codes one at a time, waits for every number of the request and the expansions listed', async () => {
		const { core, answer } = await scanningDevice();
		const session = createScanSession([SERVER_LICENSE, DEVELOPER_LICENSE]);
		const steps = [];
		for (const license of answer) steps.push(await readScannedCode(core, session, licenseQrText(license)));
		expect(steps.map((s) => s.kind === 'read' && s.complete)).toEqual([false, false, true]);
		// Without a known request, one license code is a whole answer (as before sequences).
		const alone = await readScannedCode(core, createScanSession([]), licenseQrText(answer[2]!));
		expect(alone).toMatchObject({ kind: 'read', complete: true });
	});

	it('says which numbers of the request a whole sequence did not bring', async () => {
		const { core, answer } = await scanningDevice();
		const session = createScanSession([SERVER_LICENSE, DEVELOPER_LICENSE, MORE[1]!]);
		const step = await readScannedCode(core, session, licenseBatchQrCodes(answer)[0]!.text);
		expect(step).toMatchObject({ kind: 'read', complete: true, missing: [MORE[1]] });
	});

	it('refuses codes that are not licenses, and keeps a license for another device as a refusal', async () => {
		const { core, answer } = await scanningDevice();
		const session = createScanSession([SERVER_LICENSE]);
		expect(await readScannedCode(core, session, 'https://example.com')).toMatchObject({
			kind: 'refused',
			error: { code: 'scan_not_a_license' }
		});
		expect(
			await readScannedCode(core, session, requestQrUrl(await exampleRequest(), 'https://a.example/portal'))
		).toMatchObject({ kind: 'refused', error: { message: expect.stringContaining('registration request') } });
		expect(await readScannedCode(core, session, 'AIRLOCK:LB1:AQEB')).toMatchObject({
			kind: 'refused',
			error: { code: 'license_batch_malformed' }
		});
		const foreign = await exampleLicense({ licenseNumber: DEVELOPER_LICENSE, product: 'DEV' });
		const step = await readScannedCode(core, session, licenseQrText(foreign));
		expect(numbersOf(step)).toEqual(['license_wrong_device']);
		expect(step).toMatchObject({ complete: false });
		expect(await readScannedCode(core, session, licenseQrText(answer[0]!))).toMatchObject({
			complete: false
		});
		expect(await readScannedCode(core, session, licenseQrText(answer[1]!))).toMatchObject({ complete: true });
		expect(await rowsOf(core.storage, 'licenses')).toEqual([]);
	});
});
