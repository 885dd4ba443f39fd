// The device's trusted keys follow the vendor's signed key set (FORMATS.md §6.2): rotations are
// followed, withdrawals drop keys (and the files they signed), and a forged, unsigned or replayed
// answer changes nothing.
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '$lib/protocol/base64url';
import { generateKeyPair } from '$lib/protocol/ed25519-tweetnacl';
import { signerFromKeyPair } from '$lib/protocol/ed25519';
import { introduceKey, judgeKeySet, signKeySet, type KidSigner } from '$lib/protocol/key-set';
import { signLicense, verifyLicense, type LicensePayload } from '$lib/protocol/license-file';
import { keyIdOf } from '$lib/protocol/sync-ids';
import type { PublishedKey, PublishedKeySet } from '$lib/protocol/vendor-keys';
import { deviceIdOf } from '$lib/protocol/sync-ids';
import type { ServerApi } from './api/server-api.js';
import { memoryStorage } from './testing/memory-storage.js';
import { loadTrustedKeys, mergeTrustedKeys, updateTrustedKeys } from './trusted-keys.js';

interface VendorKey extends KidSigner {
	publicKeyText: string;
	introducedBy?: PublishedKey['introducedBy'];
}

function vendorKey(): VendorKey {
	const pair = generateKeyPair();
	return {
		...signerFromKeyPair(pair),
		kid: keyIdOf(pair.publicKey),
		publicKeyText: encodeBase64url(pair.publicKey)
	};
}

/** `next`, introduced by `previous` as a rotation on the server does. */
async function rotateTo(previous: VendorKey, next: VendorKey = vendorKey()): Promise<VendorKey> {
	next.introducedBy = await introduceKey(next.kid, next.publicKeyText, previous);
	return next;
}

function entry(key: VendorKey, status: PublishedKey['status']): PublishedKey {
	return {
		kid: key.kid,
		alg: 'Ed25519',
		publicKey: key.publicKeyText,
		status,
		createdAt: '2026-12-01T00:00:00.000Z',
		...(key.introducedBy && { introducedBy: key.introducedBy })
	};
}

/** A set as the server publishes it: signed by `active`, the others verify-only. */
function keySet(
	issuedAt: number,
	active: VendorKey,
	others: VendorKey[] = [],
	withdrawn: VendorKey[] = []
): Promise<PublishedKeySet> {
	return signKeySet(
		{
			keys: [entry(active, 'active'), ...others.map((key) => entry(key, 'verify-only'))],
			...(withdrawn.length > 0 && { withdrawn: withdrawn.map((key) => key.kid) })
		},
		issuedAt,
		active
	);
}

function answering(value: unknown): ServerApi {
	return { keys: async () => ({ kind: 'ok', value }) } as unknown as ServerApi;
}

async function trustedKids(storage: ReturnType<typeof memoryStorage>): Promise<string[]> {
	return [...(await loadTrustedKeys(storage)).keys()].sort();
}

const sorted = (...keys: VendorKey[]) => keys.map((key) => key.kid).sort();

const device = generateKeyPair();

async function licenseSignedBy(key: VendorKey) {
	const payload: LicensePayload = {
		licenseNumber: 'SRV-5BQ7-MKXD-3H99',
		product: 'SRV',
		productName: 'Server',
		quantity: 1,
		kind: 'standard',
		parent: null,
		expansions: [],
		email: 'ada@example.test',
		deviceId: deviceIdOf(device.publicKey),
		devicePublicKey: device.publicKey,
		issuedAt: 1_764_000_000_000,
		expiresAt: null,
		requestNonce: 'AAAAAAAAAAAAAAAAAAAAAA',
		kid: key.kid
	};
	return signLicense(payload, (message) => key.sign(message));
}

describe('trusted keys from the signed key set', () => {
	it('follows a rotation, then drops a withdrawn key, whose files then fail with license_unknown_key', async () => {
		const storage = memoryStorage();
		const a = vendorKey();
		await updateTrustedKeys(storage, answering(await keySet(100, a)));
		expect(await trustedKids(storage)).toEqual([a.kid]);

		const b = await rotateTo(a);
		await updateTrustedKeys(storage, answering(await keySet(200, b, [a])));
		expect(await trustedKids(storage)).toEqual(sorted(a, b));
		const signedByA = await licenseSignedBy(a);
		const options = { devicePublicKey: device.publicKey, now: null };
		expect(
			await verifyLicense(signedByA, 'Ed25519', { ...options, trustedKeys: await loadTrustedKeys(storage) })
		).toMatchObject({ ok: true });

		await updateTrustedKeys(storage, answering(await keySet(300, b, [], [a])));
		expect(await trustedKids(storage)).toEqual([b.kid]);
		const trustedKeys = await loadTrustedKeys(storage);
		expect(await verifyLicense(signedByA, 'Ed25519', { ...options, trustedKeys })).toMatchObject({
			ok: false,
			error: { code: 'license_unknown_key' }
		});
		expect(
			await verifyLicense(await licenseSignedBy(b), 'Ed25519', { ...options, trustedKeys })
		).toMatchObject({ ok: true });

		// The vendor's bundled key set, made before the withdrawal, does not bring it back.
		await mergeTrustedKeys(storage, { keys: [entry(a, 'active')] });
		expect(await trustedKids(storage)).toEqual([b.kid]);
		// Nor does the old set replayed (its issue time is older), nor an unsigned answer.
		await updateTrustedKeys(storage, answering(await keySet(200, b, [a])));
		await updateTrustedKeys(storage, answering({ keys: [entry(a, 'active'), entry(b, 'verify-only')] }));
		expect(await trustedKids(storage)).toEqual([b.kid]);
	});

	it('follows a chain of introductions from the one key it trusts', async () => {
		const storage = memoryStorage();
		const a = vendorKey();
		await mergeTrustedKeys(storage, { keys: [entry(a, 'active')] });
		const b = await rotateTo(a);
		const c = await rotateTo(b);
		await updateTrustedKeys(storage, answering(await keySet(500, c, [b, a])));
		expect(await trustedKids(storage)).toEqual(sorted(a, b, c));
	});

	it('refuses forged answers: unknown signer, forged introduction, altered set, two active keys', async () => {
		const storage = memoryStorage();
		const a = vendorKey();
		const b = await rotateTo(a);
		await updateTrustedKeys(storage, answering(await keySet(100, b, [a])));
		const before = await trustedKids(storage);
		const stored = await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'trustedKeys'));

		const attacker = vendorKey();
		// Signed by a key the device does not trust, withdrawing the genuine ones.
		const unknown = await keySet(900, attacker, [], [a, b]);
		// "Introduced" by b, with a signature b never made.
		const forgedIntro = {
			...attacker,
			introducedBy: { kid: b.kid, signature: (await rotateTo(vendorKey(), attacker)).introducedBy!.signature }
		};
		const forgedChain = await keySet(900, forgedIntro, [b, a]);
		// The genuine set, altered after signing (a key added, or one dropped).
		const genuine = await keySet(900, b, [a]);
		const added = { ...genuine, keys: [...genuine.keys, entry(attacker, 'verify-only')] };
		const dropped = { ...genuine, keys: genuine.keys.slice(0, 1), withdrawn: [a.kid] };
		const laterClaim = { ...genuine, issuedAt: 1_000_000 };
		// Two active keys, the attacker's signed by itself.
		const twoActive = await signKeySet(
			{ keys: [entry(attacker, 'active'), entry(b, 'active')] },
			900,
			attacker
		);
		const verdicts = [];
		for (const answer of [unknown, forgedChain, added, dropped, laterClaim, twoActive]) {
			await updateTrustedKeys(storage, answering(answer));
			verdicts.push((await judgeKeySet(answer, stored!.value as PublishedKeySet)).accept);
		}
		expect(verdicts).toEqual([false, false, false, false, false, false]);
		expect(await trustedKids(storage)).toEqual(before);
		expect(await storage.transaction('r', ['settings'], (tx) => tx.get('settings', 'trustedKeys'))).toEqual(
			stored
		);
	});

	it('does not follow an introduction by a key it has seen withdrawn', async () => {
		const storage = memoryStorage();
		const a = vendorKey();
		const b = await rotateTo(a);
		await updateTrustedKeys(storage, answering(await keySet(100, b, [a])));
		await updateTrustedKeys(storage, answering(await keySet(200, b, [], [a])));
		// Whoever holds the withdrawn key a introduces a key of their own, listing a again.
		const stolen = await rotateTo(a);
		expect((await judgeKeySet(await keySet(300, stolen, [a]), null)).accept).toBe(true);
		await updateTrustedKeys(storage, answering(await keySet(300, stolen, [a])));
		expect(await trustedKids(storage)).toEqual([b.kid]);
	});

	it('keeps a key the set merely leaves out (only a withdrawal removes trust)', async () => {
		const storage = memoryStorage();
		const a = vendorKey();
		const b = await rotateTo(a);
		await updateTrustedKeys(storage, answering(await keySet(100, b, [a])));
		await updateTrustedKeys(storage, answering(await keySet(200, b)));
		expect(await trustedKids(storage)).toEqual(sorted(a, b));
	});

	it('takes an unsigned set only at first contact, as before', async () => {
		const storage = memoryStorage();
		const a = vendorKey();
		await updateTrustedKeys(storage, answering({ keys: [entry(a, 'active')] }));
		expect(await trustedKids(storage)).toEqual([a.kid]);
		// A device upgraded from an unsigned set takes the first signed set its key vouches for.
		const b = await rotateTo(a);
		await updateTrustedKeys(storage, answering(await keySet(100, b, [a])));
		expect(await trustedKids(storage)).toEqual(sorted(a, b));
	});
});
