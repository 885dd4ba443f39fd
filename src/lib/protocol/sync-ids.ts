// Device and key ids computed synchronously, for the formats' synchronous checks and the server:
// SHA-512 from node:crypto on Node, @noble/hashes elsewhere (a few KB, where tweetnacl would bring a
// whole signature library to a page that only checks licenses). Code that can wait uses
// computeDeviceId (device-id.ts) and computeKeyId (vendor-keys.ts), which hash with WebCrypto.
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { nodeHash, nodeSha512, toHex } from './bytes.js';
import { checkDeviceKeySize, deviceIdFromDigest } from './device-id.js';

export function sha512(bytes: Uint8Array): Uint8Array {
	return nodeHash ? nodeSha512(nodeHash, bytes) : javascriptSha512(bytes);
}

/** A JavaScript SHA-512: the last resort of digestSha512 (bytes.ts), where no native hash exists. */
export function javascriptSha512(bytes: Uint8Array): Uint8Array {
	return nobleSha512(bytes);
}

/** The device id of an Ed25519 public key. */
export function deviceIdOf(publicKey: Uint8Array): string {
	checkDeviceKeySize(publicKey);
	return deviceIdFromDigest(sha512(publicKey));
}

/** The key id of a public key: the first 8 bytes of SHA-512(public key), as 16 lower-case hex digits. */
export function keyIdOf(publicKey: Uint8Array): string {
	return toHex(sha512(publicKey).subarray(0, 8));
}
