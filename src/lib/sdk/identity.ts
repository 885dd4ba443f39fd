// This device's identity: an Ed25519 key pair made on the device at first start. Where the storage
// can hold WebCrypto keys (IndexedDB) and the runtime has WebCrypto Ed25519, the private key is a
// non-extractable CryptoKey: it can sign, never be read out. Elsewhere (a Node program's file store,
// an old browser) it is a 64-byte secret key kept by the storage, which a file store writes readable
// by its owner only. tweetnacl is loaded only where it is needed.
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url.js';
import { bytesEqual } from '$lib/protocol/bytes.js';
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
	{
		subtle,
		webCrypto = true,
		exportable = false
	}: { subtle?: SubtleCrypto; webCrypto?: boolean; exportable?: boolean } = {
		subtle: globalThis.crypto?.subtle
	}
): Promise<IdentityRow> {
	if (webCrypto && subtle) {
		try {
			// Exportable only when the program asked for backups that carry the identity (openCore's
			// `exportableIdentity`): otherwise no script, not even this one, can ever read it out.
			const pair = (await subtle.generateKey(ED25519, exportable, ['sign', 'verify'])) as CryptoKeyPair;
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

export function identityOf(row: unknown): DeviceIdentity {
	const parsed = identityRowSchema.safeParse(row);
	if (!parsed.success) throw new CorruptIdentityError('The device identity stored here is damaged.');
	return { deviceId: parsed.data.deviceId, signer: signerOf(parsed.data), createdAt: parsed.data.createdAt };
}

/**
 * The private key's 32-byte Ed25519 seed (RFC 8032), for a backup; null when it cannot be read out
 * (a non-extractable WebCrypto key, made before backups or without `exportableIdentity`).
 */
export async function exportSeed(row: IdentityRow): Promise<Uint8Array | null> {
	if (row.keyKind === 'tweetnacl') return row.secretKey.slice(0, 32);
	if (!row.privateKey.extractable) return null;
	const jwk = await crypto.subtle.exportKey('jwk', row.privateKey);
	const seed = jwk.d ? decodeBase64url(jwk.d) : null;
	return seed?.length === 32 ? seed : null;
}

/**
 * An identity row for a restored private key (its seed): a WebCrypto key where the storage keeps
 * them and the runtime has Ed25519 (exportable again only if `exportable`), a secret key otherwise.
 * Null if the seed does not give `publicKey` (the backup was not made from this key).
 */
export async function identityRowFromSeed(
	seed: Uint8Array,
	publicKey: Uint8Array,
	createdAt: number,
	{ webCrypto, exportable }: { webCrypto: boolean; exportable: boolean }
): Promise<IdentityRow | null> {
	const pair = (await import('$lib/protocol/ed25519-tweetnacl.js')).keyPairFromSeed(seed);
	if (!bytesEqual(pair.publicKey, publicKey)) return null;
	const deviceId = await computeDeviceId(pair.publicKey);
	if (webCrypto && globalThis.crypto?.subtle) {
		try {
			const privateKey = await crypto.subtle.importKey(
				'jwk',
				{ kty: 'OKP', crv: 'Ed25519', d: encodeBase64url(seed), x: encodeBase64url(pair.publicKey) },
				ED25519,
				exportable,
				['sign']
			);
			return {
				id: IDENTITY_ROW_ID,
				deviceId,
				publicKey: pair.publicKey,
				keyKind: 'webcrypto',
				privateKey,
				createdAt
			};
		} catch {
			// No WebCrypto Ed25519 here: a secret key below.
		}
	}
	return {
		id: IDENTITY_ROW_ID,
		deviceId,
		publicKey: pair.publicKey,
		keyKind: 'tweetnacl',
		secretKey: pair.secretKey,
		createdAt
	};
}

/** This device's identity, created on first use. Two tabs (or processes) starting at once get one. */
export async function loadDeviceIdentity(
	storage: LicenseStorage,
	now: number,
	{ exportable = false }: { exportable?: boolean } = {}
): Promise<DeviceIdentity> {
	const existing = await storage.transaction('r', ['identity'], (tx) => tx.get('identity', IDENTITY_ROW_ID));
	if (existing) return identityOf(existing);
	// Made outside the transaction (key generation is work the storage would not wait for), then
	// written only if no other tab or process wrote one meanwhile.
	const candidate = await newIdentityRow(now, {
		subtle: globalThis.crypto?.subtle,
		webCrypto: storage.holdsCryptoKeys,
		exportable
	});
	const row = await storage.transaction('rw', ['identity'], async (tx) => {
		const raced = await tx.get('identity', IDENTITY_ROW_ID);
		if (raced) return raced;
		await tx.put('identity', candidate);
		return candidate;
	});
	return identityOf(row);
}
