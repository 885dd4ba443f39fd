// Device and key ids computed synchronously, for the formats' synchronous checks and the server:
// SHA-512 from node:crypto on Node, tweetnacl elsewhere. Code that can wait uses computeDeviceId
// (device-id.ts) and computeKeyId (vendor-keys.ts), which hash with WebCrypto and need no tweetnacl.
import nacl from 'tweetnacl';
import { nodeHash, nodeSha512, toHex } from './bytes.js';
import { checkDeviceKeySize, deviceIdFromDigest } from './device-id.js';

export function sha512(bytes: Uint8Array): Uint8Array {
	return nodeHash ? nodeSha512(nodeHash, bytes) : tweetnaclSha512(bytes);
}

/** tweetnacl's SHA-512: the last resort of digestSha512 (bytes.ts), where no native hash exists. */
export function tweetnaclSha512(bytes: Uint8Array): Uint8Array {
	return nacl.hash(bytes);
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
