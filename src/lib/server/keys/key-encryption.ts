// The key-encryption key (KEK) under which the signing keys' private seeds rest in the database:
// AES-256-GCM, a fresh 12-byte IV per seed, the key's kid as associated data (a sealed seed copied
// onto another row does not open). The KEK comes from KEY_ENCRYPTION_KEY, the same value on every
// node; without it, from DATA_DIR/key-encryption-key, created on first start (mode 0600) so that a
// single node needs no setup. A second node with a KEK file of its own cannot open the database's
// key and refuses to start, naming KEY_ENCRYPTION_KEY.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import type { ServerConfig } from '../config';

export const KEK_FILE_NAME = 'key-encryption-key';
const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

export interface KeyEncryptionKey {
	readonly source: 'environment' | 'file';
	/** Where it came from, for messages (never its value). */
	readonly origin: string;
	seal(seed: Uint8Array, kid: string): string;
	/** The seed, or null when it does not open (another KEK, or altered). */
	open(sealed: string, kid: string): Uint8Array | null;
}

/** The KEK file is unreadable or malformed; its content is never put in the message. */
export class KeyEncryptionKeyError extends Error {
	override name = 'KeyEncryptionKeyError';
}

function associatedData(kid: string): Buffer {
	return Buffer.from(`airlock/sealed-seed/v1\n${kid}\n`, 'utf8');
}

export function keyEncryptionKey(
	key: Uint8Array,
	source: KeyEncryptionKey['source'],
	origin: string
): KeyEncryptionKey {
	if (key.length !== KEK_BYTES) throw new RangeError(`a key-encryption key has ${KEK_BYTES} bytes`);
	const secret = Buffer.from(key);
	return {
		source,
		origin,
		seal(seed, kid) {
			const iv = randomBytes(IV_BYTES);
			const cipher = createCipheriv('aes-256-gcm', secret, iv);
			cipher.setAAD(associatedData(kid));
			const body = Buffer.concat([cipher.update(seed), cipher.final(), cipher.getAuthTag()]);
			return `${FORMAT}.${encodeBase64url(iv)}.${encodeBase64url(body)}`;
		},
		open(sealed, kid) {
			const [format, ivText, bodyText, ...rest] = sealed.split('.');
			const iv = ivText === undefined ? null : decodeBase64url(ivText);
			const body = bodyText === undefined ? null : decodeBase64url(bodyText);
			if (
				format !== FORMAT ||
				rest.length > 0 ||
				iv?.length !== IV_BYTES ||
				!body ||
				body.length <= TAG_BYTES
			)
				return null;
			try {
				const decipher = createDecipheriv('aes-256-gcm', secret, iv);
				decipher.setAAD(associatedData(kid));
				decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
				const seed = Buffer.concat([
					decipher.update(body.subarray(0, body.length - TAG_BYTES)),
					decipher.final()
				]);
				return new Uint8Array(seed);
			} catch {
				return null;
			}
		}
	};
}

/**
 * This node's KEK: KEY_ENCRYPTION_KEY, else the KEK file in DATA_DIR, created when `create` is set
 * and there is none. Null when there is none and `create` is not set.
 */
export function loadKeyEncryptionKey(
	config: ServerConfig,
	{ create }: { create: boolean }
): KeyEncryptionKey | null {
	if (config.keyEncryptionKey)
		return keyEncryptionKey(config.keyEncryptionKey, 'environment', 'KEY_ENCRYPTION_KEY');
	const path = join(config.dataDir, KEK_FILE_NAME);
	if (!existsSync(path)) {
		if (!create) return null;
		try {
			// 'wx': when two processes start at once, one creates the file and the other reads it.
			writeFileSync(path, `${encodeBase64url(randomBytes(KEK_BYTES))}\n`, { mode: 0o600, flag: 'wx' });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	// A copy or a restore may have loosened the permissions: the KEK opens every seed.
	if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
	const key = decodeBase64url(readFileSync(path, 'utf8').trim());
	if (key?.length !== KEK_BYTES) {
		throw new KeyEncryptionKeyError(
			`${path} is not a key-encryption key (43 base64url characters); restore it from a backup or set KEY_ENCRYPTION_KEY`
		);
	}
	return keyEncryptionKey(key, 'file', path);
}
