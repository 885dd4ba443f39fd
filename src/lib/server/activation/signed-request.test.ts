// The review's forgery: a request whose device key is the identity point, "signed" with R = identity
// and S = 0 — no private key at all. Every Ed25519 backend accepts it for any message; the server
// must not (strict verification, protocol/ed25519-strict.ts).
import { describe, expect, it } from 'vitest';
import { fromHex } from '$lib/protocol/bytes';
import { generateLicenseNumber } from '$lib/protocol/license-number';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import { DomainError } from '../errors';
import { parseSignedRequestText } from './signed-request';

const IDENTITY = fromHex('01'.padEnd(64, '0'));
const FORGED_SIGNATURE = fromHex('01'.padEnd(128, '0'));

describe('signed requests', () => {
	it('refuses a request from a small-order device key with a keyless signature', async () => {
		const request = await createRegistrationRequest({
			purpose: 'activate',
			licenseNumbers: [generateLicenseNumber('SRV')],
			email: 'attacker@example.com',
			signer: { publicKey: IDENTITY, sign: async () => FORGED_SIGNATURE },
			now: Date.now()
		});
		const text = formatRegFile(request, 'http://localhost/portal');
		const refusal = await parseSignedRequestText(text).then(
			() => null,
			(error: unknown) => (error instanceof DomainError ? error.refusal.code : error)
		);
		expect(refusal).toBe('request_bad_signature');
	});
});
