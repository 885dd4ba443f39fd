import { describe, expect, it } from 'vitest';
import { signerFromKeyPair } from '$lib/protocol/ed25519';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { generateLicenseNumber } from '$lib/protocol/license-number';
import { requestQrUrl } from '$lib/protocol/qr-payload';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import { openingRequest } from './portal';

const PORTAL = 'https://licenses.example.com/portal';

async function requestOf(email: string) {
	return createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [generateLicenseNumber('SRV')],
		email,
		signer: signerFromKeyPair(generateKeyPair()),
		now: Date.now()
	});
}

describe('the request the portal opens with', () => {
	it('a link’s request waits for the user, even when the user has a pending request of their own', async () => {
		const own = formatRegFile(await requestOf('me@example.com'), PORTAL);
		const link = requestQrUrl(await requestOf('attacker@example.com'), PORTAL);
		const opened = await openingRequest(link, own);
		expect(opened.read?.ok && opened.read.value.request.email).toBe('attacker@example.com');
		expect(opened.resume).toBe(false);
		expect((await openingRequest(link, null)).resume).toBe(false);
	});

	it('the user’s own pending request goes on by itself, from a file or from the same link', async () => {
		const file = formatRegFile(await requestOf('me@example.com'), PORTAL);
		const fromFile = await openingRequest(PORTAL, file);
		expect(fromFile.read?.ok && fromFile.read.value.request.email).toBe('me@example.com');
		expect(fromFile.resume).toBe(true);
		const link = requestQrUrl(await requestOf('me@example.com'), PORTAL);
		expect((await openingRequest(link, link)).resume).toBe(true);
		expect(await openingRequest(PORTAL, null)).toEqual({ read: null, resume: false });
	});
});
