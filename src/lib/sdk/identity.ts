// This device's identity: an Ed25519 key pair made on the device at first start. Where the storage
// can hold WebCrypto keys (IndexedDB) and the runtime has WebCrypto Ed25519, the private key is a
// non-extractable CryptoKey: it can sign, never be read out. Elsewhere (a Node program's file store,
// an old browser) it is a 64-byte secret key kept by the storage, which a file store writes readable
// by its owner only. tweetnacl is loaded only where it is needed.
import { computeDeviceId } from '$lib/protocol/device-id.js';
import { signerFromKeyPair, type Signer } from '$lib/protocol/ed25519.js';
import type { LicenseStorage } from './platform/storage.js';
import { IDENTITY_ROW_ID, identityRowSchema, type IdentityRow } from './rows.js';

export interface DeviceIdentity {
	deviceId: string;
	signer: Signer;
	createdAt: number;
}

const ED25519 = { name: 'Ed25519' } as const;

/**
 * A new identity: a non-extractable WebCrypto key where `subtle` has Ed25519 and the storage can keep
 * it (`webCrypto`), a secret key otherwise.
 */
export async function newIdentityRow(
	now: number,
	{ subtle, webCrypto = true }: { subtle?: SubtleCrypto; webCrypto?: boolean } = {
		subtle: globalThis.crypto?.subtle
	}
): Promise<IdentityRow> {
	if (webCrypto && subtle) {
		try {
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
			// No WebCrypto Ed25519 in this runtime: a secret key below.
		}
	}
	const pair = (await import('$lib/protocol/ed25519-tweetnacl.js')).generateKeyPair();
	return {
		id: IDENTITY_ROW_ID,
		deviceId: await computeDeviceId(pair.publicKey),
		publicKey: pair.publicKey,
		keyKind: 'tweetnacl',
		secretKey: pair.secretKey,
		createdAt: now
	};
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

function identityOf(row: unknown): DeviceIdentity {
	const parsed = identityRowSchema.safeParse(row);
	if (!parsed.success) throw new CorruptIdentityError('The device identity stored here is damaged.');
	return { deviceId: parsed.data.deviceId, signer: signerOf(parsed.data), createdAt: parsed.data.createdAt };
}

/** This device's identity, created on first use. Two tabs (or processes) starting at once get one. */
export async function loadDeviceIdentity(storage: LicenseStorage, now: number): Promise<DeviceIdentity> {
	const existing = await storage.transaction('r', ['identity'], (tx) => tx.get('identity', IDENTITY_ROW_ID));
	if (existing) return identityOf(existing);
	// Made outside the transaction (key generation is work the storage would not wait for), then
	// written only if no other tab or process wrote one meanwhile.
	const candidate = await newIdentityRow(now, {
		subtle: globalThis.crypto?.subtle,
		webCrypto: storage.holdsCryptoKeys
	});
	const row = await storage.transaction('rw', ['identity'], async (tx) => {
		const raced = await tx.get('identity', IDENTITY_ROW_ID);
		if (raced) return raced;
		await tx.put('identity', candidate);
		return candidate;
	});
	return identityOf(row);
}
