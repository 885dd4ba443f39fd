// Shared set-up for the emergency tests: a vendor key, accounts and licenses on a test database.
import { sign, type Ed25519KeyPair } from '$lib/protocol/ed25519';
import { signEmergencyCode, type EmergencyCode } from '$lib/protocol/emergency-code';
import { createEmergencyUse } from '$lib/protocol/emergency-license';
import { signerFromKeyPair } from '$lib/protocol/ed25519';
import { keyIdOf } from '$lib/protocol/sync-ids';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { createRegistrationRequest, formatRegFile } from '$lib/protocol/reg-file';
import type { Db } from '../db/schema';
import { createAccount } from '../accounts/account.service';
import { createLicense, type CreateLicenseInput } from '../catalogue/catalogue.service';
import { TEST_PASSWORD_COST } from '../accounts/password';
import { signerFromSeed } from '../keys/signing-keys.service';

export const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
export const vendor = signerFromSeed(new Uint8Array(32).fill(9));
export const trustedKeys = new Map([[vendor.kid, { kid: vendor.kid, publicKey: vendor.publicKey }]]);

let accounts = 0;
export async function newAccount(db: Db) {
	const result = await createAccount(
		db,
		{ email: `em${++accounts}-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'correct horse' },
		NOW,
		TEST_PASSWORD_COST
	);
	if (!result.ok) throw new Error(result.message);
	return { id: result.account.id, email: result.account.email };
}

export async function newLicense(db: Db, email: string, input: Partial<CreateLicenseInput> = {}) {
	const result = await createLicense(db, { productCode: 'SRV', email, seats: 1, ...input }, NOW);
	if (!result.ok) throw new Error(result.message);
	return result.created;
}

/** A code for any number, as the vendor would sign it (also for numbers this database lacks). */
export function codeFor(
	licenseNumber: string,
	signer: { kid: string; sign(m: Uint8Array): Promise<Uint8Array> } = vendor
) {
	return signEmergencyCode(
		{
			licenseNumber,
			product: licenseNumber.slice(0, 3),
			productName: 'Airlock Server Edition',
			email: 'someone@example.com',
			issuedAt: NOW - 86_400_000,
			codeId: 'q83vEjRWeJq83vEjRWeJqw',
			maxDays: 5
		},
		signer
	);
}

/** A signer with a key the server does not know. */
export function strangerSigner(pair: Ed25519KeyPair) {
	return { kid: keyIdOf(pair.publicKey), sign: (m: Uint8Array) => sign(m, pair.secretKey) };
}

/** The signed text a device reports: with a code, or for a bare number. */
export async function useText(
	device: Ed25519KeyPair,
	input: { licenseNumber: string; code?: EmergencyCode; now?: number }
): Promise<string> {
	const result = await createEmergencyUse({
		licenseNumber: input.licenseNumber,
		...(input.code ? { code: input.code } : {}),
		signer: signerFromKeyPair(device),
		now: input.now ?? NOW
	});
	if (!result.ok) throw new Error(result.error.message);
	return result.text;
}

/** An Instant Activation as a License Manager queues it: a signed request of a new device, as reg.txt. */
export async function queuedActivation(id: string, licenseNumber: string, email: string) {
	const request = await createRegistrationRequest({
		purpose: 'activate',
		licenseNumbers: [licenseNumber],
		email,
		signer: signerFromKeyPair(generateKeyPair()),
		now: NOW
	});
	return {
		id,
		type: 'instant-activation',
		payload: { request: formatRegFile(request, 'https://activation.example.com/portal') }
	};
}
