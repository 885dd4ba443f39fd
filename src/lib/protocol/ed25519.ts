// Ed25519 signing and verification, the one place every format signs and verifies through.
// Native Ed25519 (WebCrypto in browsers, service workers and Node) is used where the runtime has it,
// tweetnacl otherwise; both produce identical signatures (Ed25519 is deterministic), the native path
// is much faster (npm run bench).
import nacl from 'tweetnacl';
import { encodeBase64url } from './base64url';
import { concatBytes } from './bytes';

export const PUBLIC_KEY_BYTES = 32;
export const SEED_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** A key pair in tweetnacl's layout: `secretKey` is the 32-byte seed followed by the public key. */
export interface Ed25519KeyPair {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

/** Anything that can sign for a public key; a device's non-extractable WebCrypto key is one. */
export interface Signer {
	readonly publicKey: Uint8Array;
	sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface Ed25519Backend {
	readonly name: 'native' | 'tweetnacl';
	sign(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array>;
	verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}

export function generateKeyPair(): Ed25519KeyPair {
	return nacl.sign.keyPair();
}

export function keyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
	if (seed.length !== SEED_BYTES) throw new RangeError(`an Ed25519 seed has ${SEED_BYTES} bytes`);
	return nacl.sign.keyPair.fromSeed(seed);
}

export const tweetnaclBackend: Ed25519Backend = {
	name: 'tweetnacl',
	async sign(message, secretKey) {
		return nacl.sign.detached(message, secretKey);
	},
	async verify(message, signature, publicKey) {
		if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
		// tweetnacl accepts S ≥ L, which gives every signature a second form; the native path and
		// RFC 8032 do not, and one license must have exactly one accepted encoding.
		if (!isCanonicalScalar(signature.subarray(32))) return false;
		return nacl.sign.detached.verify(message, signature, publicKey);
	}
};

// L, the order of the Ed25519 base point, little-endian.
const GROUP_ORDER = Uint8Array.from([
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
]);

/** Whether a 32-byte little-endian scalar is below L. */
export function isCanonicalScalar(scalar: Uint8Array): boolean {
	for (let i = 31; i >= 0; i--) {
		if (scalar[i]! < GROUP_ORDER[i]!) return true;
		if (scalar[i]! > GROUP_ORDER[i]!) return false;
	}
	return false;
}

const ED25519 = { name: 'Ed25519' } as const;
// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): the only form WebCrypto imports private keys in.
const PKCS8_PREFIX = new Uint8Array([
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
]);
const KEY_CACHE_LIMIT = 512;

/** Imported keys are cached: importing costs about as much as verifying. */
function keyCache() {
	const keys = new Map<string, Promise<CryptoKey>>();
	return (id: string, importKey: () => Promise<CryptoKey>): Promise<CryptoKey> => {
		let key = keys.get(id);
		if (!key) {
			if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value!);
			key = importKey();
			keys.set(id, key);
			// A failed import must not stay cached.
			key.catch(() => keys.delete(id));
		}
		return key;
	};
}

function bufferOf(bytes: Uint8Array): ArrayBuffer {
	return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function keyId(bytes: Uint8Array): string {
	return String.fromCharCode(...bytes);
}

export function createNativeBackend(subtle: SubtleCrypto): Ed25519Backend {
	const privateKeys = keyCache();
	const publicKeys = keyCache();
	return {
		name: 'native',
		async sign(message, secretKey) {
			const seed = secretKey.subarray(0, SEED_BYTES);
			const key = await privateKeys(keyId(secretKey), () =>
				subtle.importKey('pkcs8', bufferOf(concatBytes(PKCS8_PREFIX, seed)), ED25519, false, ['sign'])
			);
			return new Uint8Array(await subtle.sign(ED25519, key, bufferOf(message)));
		},
		async verify(message, signature, publicKey) {
			if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
			try {
				const key = await publicKeys(keyId(publicKey), () =>
					subtle.importKey('raw', bufferOf(publicKey), ED25519, false, ['verify'])
				);
				return await subtle.verify(ED25519, key, bufferOf(signature), bufferOf(message));
			} catch {
				return false; // a public key that is not a curve point verifies nothing
			}
		}
	};
}

/** node:crypto's one-shot sign and verify (their callback forms), and the key constructors they need. */
export interface NodeCrypto {
	createPrivateKey(input: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): unknown;
	createPublicKey(input: { key: { kty: 'OKP'; crv: 'Ed25519'; x: string }; format: 'jwk' }): unknown;
	sign(
		algorithm: null,
		data: Uint8Array,
		key: never,
		callback: (error: Error | null, signature: Uint8Array) => void
	): void;
	verify(
		algorithm: null,
		data: Uint8Array,
		key: never,
		signature: Uint8Array,
		callback: (error: Error | null, valid: boolean) => void
	): void;
}

/** A bounded cache of key objects, as keyCache but synchronous. */
function keyObjectCache() {
	const keys = new Map<string, unknown>();
	return (id: string, create: () => unknown): unknown => {
		let key = keys.get(id);
		if (key === undefined) {
			if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value!);
			key = create();
			keys.set(id, key);
		}
		return key;
	};
}

/**
 * Node's own Ed25519 (OpenSSL, the same code as its WebCrypto) without WebCrypto's per-call
 * argument normalisation, which under load cost the server more than the signatures themselves.
 * Key objects are made once per key and reused; public keys are made from JWK, which skips
 * OpenSSL's DER decoders (ten times faster: every new device brings a new key). The callback forms
 * run in libuv's thread pool: a server verifying a request and signing its files keeps its one
 * JavaScript thread for other requests meanwhile, and uses the machine's other cores.
 */
export function createNodeBackend(crypto: NodeCrypto): Ed25519Backend {
	const privateKeys = keyObjectCache();
	const publicKeys = keyObjectCache();
	return {
		name: 'native',
		async sign(message, secretKey) {
			const key = privateKeys(keyId(secretKey), () =>
				crypto.createPrivateKey({
					key: concatBytes(PKCS8_PREFIX, secretKey.subarray(0, SEED_BYTES)),
					format: 'der',
					type: 'pkcs8'
				})
			);
			return new Promise((resolve, reject) =>
				crypto.sign(null, message, key as never, (error, signature) =>
					error ? reject(error) : resolve(new Uint8Array(signature))
				)
			);
		},
		async verify(message, signature, publicKey) {
			if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
			try {
				const key = publicKeys(keyId(publicKey), () =>
					crypto.createPublicKey({
						key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(publicKey) },
						format: 'jwk'
					})
				);
				return await new Promise<boolean>((resolve, reject) =>
					crypto.verify(null, message, key as never, signature, (error, valid) =>
						error ? reject(error) : resolve(valid)
					)
				);
			} catch {
				return false; // a public key that is not a curve point verifies nothing
			}
		}
	};
}

/** node:crypto where this runs on Node (process.getBuiltinModule, Node ≥ 20.16), else undefined. */
export function nodeCrypto(): NodeCrypto | undefined {
	const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
	return runtime?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
}

let selected: Promise<Ed25519Backend> | undefined;

/** Uses a native backend only if it agrees with the reference implementation. */
async function agreesWithReference(native: Ed25519Backend): Promise<boolean> {
	const pair = keyPairFromSeed(new Uint8Array(SEED_BYTES).fill(7));
	const message = new Uint8Array([1, 2, 3]);
	const signature = await native.sign(message, pair.secretKey);
	const expected = nacl.sign.detached(message, pair.secretKey);
	return (
		signature.every((byte, i) => byte === expected[i]) &&
		(await native.verify(message, signature, pair.publicKey))
	);
}

async function probeNative(): Promise<Ed25519Backend> {
	const node = nodeCrypto();
	if (node) {
		try {
			const backend = createNodeBackend(node);
			if (await agreesWithReference(backend)) return backend;
		} catch {
			// An OpenSSL without Ed25519: try WebCrypto, then tweetnacl.
		}
	}
	const subtle = globalThis.crypto?.subtle;
	if (!subtle) return tweetnaclBackend;
	try {
		const native = createNativeBackend(subtle);
		if (await agreesWithReference(native)) return native;
	} catch {
		// The runtime has WebCrypto without Ed25519: fall through to tweetnacl.
	}
	return tweetnaclBackend;
}

/** The fastest backend this runtime offers (probed once). */
export function ed25519Backend(): Promise<Ed25519Backend> {
	selected ??= probeNative();
	return selected;
}

export async function sign(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
	return (await ed25519Backend()).sign(message, secretKey);
}

export async function verify(
	message: Uint8Array,
	signature: Uint8Array,
	publicKey: Uint8Array
): Promise<boolean> {
	return (await ed25519Backend()).verify(message, signature, publicKey);
}

export function signerFromKeyPair(pair: Ed25519KeyPair): Signer {
	return { publicKey: pair.publicKey, sign: (message) => sign(message, pair.secretKey) };
}
