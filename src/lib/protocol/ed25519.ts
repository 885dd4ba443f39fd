// Ed25519 signing and verification, the one place every format signs and verifies through.
// Native Ed25519 (WebCrypto in browsers, service workers and Node) is used where the runtime has it,
// tweetnacl otherwise; both produce identical signatures (Ed25519 is deterministic), the native path
// is much faster (npm run bench). tweetnacl is loaded only when the fallback is needed
// (ed25519-tweetnacl.ts): it would otherwise cost every page that verifies anything ~10 KB gzip.
import { encodeBase64url } from './base64url.js';
import { concatBytes, fromHex } from './bytes.js';
import { isStrictSignature } from './ed25519-strict.js';

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

const ED25519 = { name: 'Ed25519' } as const;
/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): the only form WebCrypto imports private keys in. */
export const PKCS8_PREFIX = new Uint8Array([
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

// RFC 8032, section 7.1, TEST 2: a known answer instead of a comparison with tweetnacl, so probing
// the native backend does not load the fallback it is meant to spare.
const KNOWN_SEED = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';
const KNOWN_PUBLIC_KEY = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
const KNOWN_MESSAGE = '72';
const KNOWN_SIGNATURE =
	'92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
	'085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';

/** The RFC 8032 vector the native backend is checked against (exported for its test). */
export const KNOWN_ANSWER = {
	secretKey: concatBytes(fromHex(KNOWN_SEED), fromHex(KNOWN_PUBLIC_KEY)),
	publicKey: fromHex(KNOWN_PUBLIC_KEY),
	message: fromHex(KNOWN_MESSAGE),
	signature: fromHex(KNOWN_SIGNATURE)
} as const;

/** Uses a native backend only if it signs and verifies the known answer exactly. */
async function agreesWithReference(native: Ed25519Backend): Promise<boolean> {
	const { secretKey, publicKey, message, signature } = KNOWN_ANSWER;
	const signed = await native.sign(message, secretKey);
	return (
		signed.length === signature.length &&
		signed.every((byte, i) => byte === signature[i]) &&
		(await native.verify(message, signature, publicKey))
	);
}

let givenFallback: Ed25519Backend | undefined;

/**
 * Gives the tweetnacl backend up front, for a service worker: import() is not allowed there, and
 * the build (SvelteKit's with rolldown) leaves it in the worker's code.
 */
export function provideFallbackBackend(backend: Ed25519Backend | undefined): void {
	givenFallback = backend;
}

async function fallback(): Promise<Ed25519Backend> {
	return givenFallback ?? (await import('./ed25519-tweetnacl.js')).tweetnaclBackend;
}

/** What a runtime offers for Ed25519: node:crypto, WebCrypto, either or neither. */
export interface CryptoRuntime {
	node?: NodeCrypto;
	subtle?: SubtleCrypto;
}

/** The first native backend of the runtime that gives the known answer, tweetnacl otherwise. */
export async function selectBackend(runtime: CryptoRuntime): Promise<Ed25519Backend> {
	if (runtime.node) {
		try {
			const backend = createNodeBackend(runtime.node);
			if (await agreesWithReference(backend)) return backend;
		} catch {
			// An OpenSSL without Ed25519: try WebCrypto, then tweetnacl.
		}
	}
	if (!runtime.subtle) return fallback();
	try {
		const native = createNativeBackend(runtime.subtle);
		if (await agreesWithReference(native)) return native;
	} catch {
		// The runtime has WebCrypto without Ed25519: fall through to tweetnacl.
	}
	return fallback();
}

/** The fastest backend this runtime offers (probed once). */
export function ed25519Backend(): Promise<Ed25519Backend> {
	selected ??= selectBackend({ node: nodeCrypto(), subtle: globalThis.crypto?.subtle });
	return selected;
}

export async function sign(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
	return (await ed25519Backend()).sign(message, secretKey);
}

/** Strict verification: the backend's, after the checks every backend skips (ed25519-strict.ts). */
export async function verify(
	message: Uint8Array,
	signature: Uint8Array,
	publicKey: Uint8Array
): Promise<boolean> {
	if (!isStrictSignature(signature, publicKey)) return false;
	return (await ed25519Backend()).verify(message, signature, publicKey);
}

export function signerFromKeyPair(pair: Ed25519KeyPair): Signer {
	return { publicKey: pair.publicKey, sign: (message) => sign(message, pair.secretKey) };
}
