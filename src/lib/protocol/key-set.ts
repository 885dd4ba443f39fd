// The signed key set (FORMATS.md §6.2): what lets a device take the server's answer to
// GET /api/v1/keys as the vendor's word rather than whoever answered. The set is signed by its active
// key; a key that became active after another carries that other key's signature over it (its
// introduction), so a device that trusts only an older key can follow the chain; and the set's
// issue time must grow, so an old genuine set replayed cannot bring back a withdrawn key.
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { utf8 } from './bytes.js';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verify, type Signer } from './ed25519.js';
import {
	computeKeyId,
	KEY_ID_PATTERN,
	trustedKeysFrom,
	type KeyIntroduction,
	type PublishedKey,
	type PublishedKeySet
} from './vendor-keys.js';

export const KEY_SET_DOMAIN = 'airlock/key-set/v1';
export const KEY_INTRODUCTION_DOMAIN = 'airlock/key-introduction/v1';

/** At most this many introductions are followed: the set holds at most 64 keys anyway. */
const MAX_CHAIN = 64;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}$/;

/** The bytes an introduction signs: the new key, named by its kid and public key, and its introducer. */
export function introductionBytes(kid: string, publicKey: string, introducerKid: string): Uint8Array {
	return utf8(
		`${KEY_INTRODUCTION_DOMAIN}\nKey-Id: ${kid}\nPublic-Key: ${publicKey}\nIntroduced-By: ${introducerKid}\n`
	);
}

/**
 * The bytes the set's signature covers: the domain line, the issue time, the signing kid, one line
 * per key in the order of `keys` and one per withdrawn kid, each ending in LF. `createdAt`,
 * `introducedBy` (signed on their own) and `seal` (signed on its own, §6.3) are not covered.
 */
export function keySetBytes(
	set: Pick<PublishedKeySet, 'keys' | 'withdrawn'>,
	issuedAt: number,
	signerKid: string
): Uint8Array {
	const lines = [KEY_SET_DOMAIN, `Issued-At: ${issuedAt}`, `Signed-By: ${signerKid}`];
	for (const key of set.keys) lines.push(`Key: ${key.kid} ${key.status} ${key.publicKey}`);
	for (const kid of set.withdrawn ?? []) lines.push(`Withdrawn: ${kid}`);
	return utf8(`${lines.join('\n')}\n`);
}

export interface KidSigner extends Signer {
	readonly kid: string;
}

/** The introduction of key (kid, publicKey) by `introducer`, the key active before it. */
export async function introduceKey(
	kid: string,
	publicKey: string,
	introducer: KidSigner
): Promise<KeyIntroduction> {
	const signature = await introducer.sign(introductionBytes(kid, publicKey, introducer.kid));
	return { kid: introducer.kid, signature: encodeBase64url(signature) };
}

/** Signs a set with its active key (`signer`), as of `issuedAt`. */
export async function signKeySet(
	set: Omit<PublishedKeySet, 'signature' | 'issuedAt'>,
	issuedAt: number,
	signer: KidSigner
): Promise<PublishedKeySet> {
	const signature = await signer.sign(keySetBytes(set, issuedAt, signer.kid));
	return { ...set, issuedAt, signature: { kid: signer.kid, value: encodeBase64url(signature) } };
}

export type KeySetVerdict =
	| { accept: true; firstContact: boolean }
	| {
			accept: false;
			reason: 'unsigned' | 'stale' | 'malformed' | 'bad_signature' | 'untrusted_signer';
	  };

async function keyOf(entry: { kid: string; publicKey: string }): Promise<Uint8Array | null> {
	if (!BASE64URL_KEY.test(entry.publicKey)) return null;
	const bytes = decodeBase64url(entry.publicKey);
	if (bytes?.length !== PUBLIC_KEY_BYTES || (await computeKeyId(bytes)) !== entry.kid) return null;
	return bytes;
}

async function verifies(message: Uint8Array, signature: string, publicKey: Uint8Array): Promise<boolean> {
	const bytes = decodeBase64url(signature);
	return bytes?.length === SIGNATURE_BYTES && (await verify(message, bytes, publicKey));
}

/**
 * Whether a device holding `stored` may take `received` (FORMATS.md §6.2): signed by its one active
 * key, newer than the stored set, and that key trusted already or introduced, link by link, by a key
 * the device trusts. A device that trusts no key yet takes any well-formed set (its first contact:
 * it has nothing to check it with), signed or not.
 */
export async function judgeKeySet(
	received: PublishedKeySet,
	stored: PublishedKeySet | null
): Promise<KeySetVerdict> {
	const trusted = stored ? await trustedKeysFrom(stored) : new Map();
	const firstContact = trusted.size === 0;
	const { signature, issuedAt } = received;
	if (!signature || issuedAt === undefined) {
		return firstContact ? { accept: true, firstContact } : { accept: false, reason: 'unsigned' };
	}
	if (stored?.issuedAt !== undefined && issuedAt <= stored.issuedAt)
		return { accept: false, reason: 'stale' };

	// Every entry well formed: a signed set with a bad entry is a forgery or a bug, never half taken.
	const byKid = new Map<string, { entry: PublishedKey; publicKey: Uint8Array }>();
	for (const entry of received.keys) {
		const publicKey = await keyOf(entry);
		if (!publicKey || byKid.has(entry.kid)) return { accept: false, reason: 'malformed' };
		byKid.set(entry.kid, { entry, publicKey });
	}
	const withdrawn = new Set(received.withdrawn ?? []);
	if ([...withdrawn].some((kid) => byKid.has(kid) || !KEY_ID_PATTERN.test(kid)))
		return { accept: false, reason: 'malformed' };
	const active = received.keys.filter((entry) => entry.status === 'active');
	if (active.length !== 1 || active[0]!.kid !== signature.kid) return { accept: false, reason: 'malformed' };
	const signer = byKid.get(signature.kid)!;
	if (!(await verifies(keySetBytes(received, issuedAt, signature.kid), signature.value, signer.publicKey)))
		return { accept: false, reason: 'bad_signature' };
	if (firstContact) return { accept: true, firstContact };

	// Follow the introductions back from the signer until a key this device trusts.
	const known = new Set(stored?.withdrawn ?? []);
	let current = signer;
	for (let step = 0; step <= MAX_CHAIN; step++) {
		const trustedHere = trusted.get(current.entry.kid);
		if (trustedHere) {
			const same = encodeBase64url(trustedHere.publicKey) === current.entry.publicKey;
			return same ? { accept: true, firstContact } : { accept: false, reason: 'untrusted_signer' };
		}
		const introduction = current.entry.introducedBy;
		if (!introduction || known.has(introduction.kid)) break;
		const introducer = trusted.get(introduction.kid) ?? byKid.get(introduction.kid);
		if (!introducer) break;
		const bytes = introductionBytes(current.entry.kid, current.entry.publicKey, introduction.kid);
		if (!(await verifies(bytes, introduction.signature, introducer.publicKey))) break;
		const next = byKid.get(introduction.kid);
		// Not listed, so the introducer came from the device's own trusted keys: the chain ends there.
		if (!next) return { accept: true, firstContact };
		current = next;
	}
	return { accept: false, reason: 'untrusted_signer' };
}

/**
 * The set a device keeps after taking `received`: its keys, then the stored keys it neither lists
 * nor withdraws (a key simply left out, e.g. beyond the 64 listed, stays trusted: only a withdrawal
 * removes trust), the withdrawn kids of both, and the received issue time and seal.
 */
export function mergeAcceptedKeySet(
	received: PublishedKeySet,
	stored: PublishedKeySet | null
): PublishedKeySet {
	const withdrawn = [...new Set([...(received.withdrawn ?? []), ...(stored?.withdrawn ?? [])])].slice(0, 64);
	const gone = new Set(withdrawn);
	const listed = new Set(received.keys.map((key) => key.kid));
	const kept = (stored?.keys ?? [])
		.filter((key) => !listed.has(key.kid) && !gone.has(key.kid))
		.map((key) => ({ ...key, status: 'verify-only' as const }));
	const merged: PublishedKeySet = {
		keys: [...received.keys.filter((key) => !gone.has(key.kid)), ...kept].slice(0, 64)
	};
	if (withdrawn.length > 0) merged.withdrawn = withdrawn;
	const issuedAt = received.issuedAt ?? stored?.issuedAt;
	if (issuedAt !== undefined) merged.issuedAt = issuedAt;
	const seal = received.seal ?? stored?.seal;
	if (seal) merged.seal = seal;
	return merged;
}
