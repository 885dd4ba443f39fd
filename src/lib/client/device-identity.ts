// This device's identity: an Ed25519 key pair made here at first start. Where the browser has
// WebCrypto Ed25519 the private key is a non-extractable CryptoKey (it can sign, never be read out,
// and IndexedDB stores it as such); elsewhere it is a tweetnacl secret key. tweetnacl is loaded only
// then: the home page opens the identity at every start.
import { computeDeviceId } from '$lib/protocol/device-id';
import { signerFromKeyPair, type Signer } from '$lib/protocol/ed25519';
import type { LicenseManagerDatabase } from './db/database';
import { IDENTITY_ROW_ID, identityRowSchema, type IdentityRow } from './db/schemas';

export interface DeviceIdentity {
	deviceId: string;
	signer: Signer;
}

const ED25519 = { name: 'Ed25519' } as const;

/** A new identity: a WebCrypto Ed25519 key where `subtle` has one, a tweetnacl key otherwise. */
export async function newIdentityRow(
	now: number,
	{ subtle }: { subtle?: SubtleCrypto } = { subtle: globalThis.crypto?.subtle }
): Promise<IdentityRow> {
	try {
		if (!subtle) throw new Error('no WebCrypto');
		const pair = (await subtle.generateKey(ED25519, false, ['sign', 'verify'])) as CryptoKeyPair;
		const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
		return {
			id: IDENTITY_ROW_ID,
			deviceId: await computeDeviceId(publicKey),
			publicKey,
			keyKind: 'webcrypto',
			privateKey: pair.privateKey,
			createdAt: now
		};
	} catch {
		// No WebCrypto Ed25519 in this browser: fall back to a tweetnacl key.
		const pair = (await import('$lib/protocol/ed25519-tweetnacl')).generateKeyPair();
		return {
			id: IDENTITY_ROW_ID,
			deviceId: await computeDeviceId(pair.publicKey),
			publicKey: pair.publicKey,
			keyKind: 'tweetnacl',
			secretKey: pair.secretKey,
			createdAt: now
		};
	}
}

function signerOf(row: IdentityRow): Signer {
	if (row.keyKind === 'tweetnacl')
		return signerFromKeyPair({ publicKey: row.publicKey, secretKey: row.secretKey });
	return {
		publicKey: row.publicKey,
		sign: async (message) =>
			new Uint8Array(await crypto.subtle.sign(ED25519, row.privateKey, message as Uint8Array<ArrayBuffer>))
	};
}

export class CorruptIdentityError extends Error {
	override name = 'CorruptIdentityError';
}

/** This device's identity, created on first use. Two tabs starting at once still get one identity. */
export async function loadDeviceIdentity(
	db: LicenseManagerDatabase,
	now = Date.now()
): Promise<DeviceIdentity> {
	const existing = await db.identity.get(IDENTITY_ROW_ID);
	let row = existing;
	if (!row) {
		// Made outside the transaction (key generation is asynchronous work IndexedDB would not wait
		// for), then written only if no other tab wrote one meanwhile.
		const candidate = await newIdentityRow(now);
		row = await db.transaction('rw', db.identity, async () => {
			const raced = await db.identity.get(IDENTITY_ROW_ID);
			if (raced) return raced;
			await db.identity.add(candidate);
			return candidate;
		});
	}
	const parsed = identityRowSchema.safeParse(row);
	if (!parsed.success)
		throw new CorruptIdentityError('The device identity stored in this browser is damaged.');
	return { deviceId: parsed.data.deviceId, signer: signerOf(parsed.data) };
}
