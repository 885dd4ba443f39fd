// DATA_DIR/signing-keys.json, where versions before the keys moved into the database kept the
// active key's seed and the retired keys' public parts. It is read once, imported, and left as it
// is (a marker file records the import), so nothing of it is lost and an older version still reads it.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url';
import { keyPairFromSeed } from '$lib/protocol/ed25519-tweetnacl';
import { keyIdOf } from '$lib/protocol/sync-ids';
import type { ServerConfig } from '../config';

export const KEY_FILE_NAME = 'signing-keys.json';
export const IMPORTED_MARKER_NAME = 'signing-keys.json.imported';

/** The key file is unreadable or malformed; its content is never put in the message. */
export class SigningKeyFileError extends Error {
	override name = 'SigningKeyFileError';
}

const base64urlKey = z
	.string()
	.refine((text) => decodeBase64url(text)?.length === 32, 'a base64url 32-byte key');

const keyFileSchema = z.object({
	version: z.literal(1),
	active: z.object({
		kid: z.string(),
		seed: base64urlKey,
		publicKey: base64urlKey,
		createdAt: z.number().int()
	}),
	retired: z.array(
		z.object({
			kid: z.string(),
			publicKey: base64urlKey,
			createdAt: z.number().int(),
			retiredAt: z.number().int()
		})
	)
});
export type LegacyKeyFile = z.infer<typeof keyFileSchema>;

export function legacyKeyFilePath(config: ServerConfig): string {
	return join(config.dataDir, KEY_FILE_NAME);
}

/** The file, if there is one not imported yet. */
export function readLegacyKeyFile(config: ServerConfig): LegacyKeyFile | null {
	const path = legacyKeyFilePath(config);
	if (!existsSync(path) || existsSync(join(config.dataDir, IMPORTED_MARKER_NAME))) return null;
	// Someone loosened the permissions (a copy, a restore): the seed must stay private to this user.
	if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
	let json: unknown;
	try {
		json = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new SigningKeyFileError(`${path} is not valid JSON; restore it from a backup or set SIGNING_KEY`, {
			cause: error instanceof SyntaxError ? undefined : error
		});
	}
	const parsed = keyFileSchema.safeParse(json);
	if (!parsed.success) {
		throw new SigningKeyFileError(
			`${path} is not an Airlock signing key file (expected version 1 with an active key)`
		);
	}
	const { active, retired } = parsed.data;
	const derived = keyPairFromSeed(decodeBase64url(active.seed)!).publicKey;
	if (encodeBase64url(derived) !== active.publicKey || keyIdOf(derived) !== active.kid) {
		throw new SigningKeyFileError(`${path}: the active key's public key or kid does not match its seed`);
	}
	for (const key of retired) {
		if (keyIdOf(decodeBase64url(key.publicKey)!) !== key.kid)
			throw new SigningKeyFileError(
				`${path}: the retired key ${key.kid}'s kid does not match its public key`
			);
	}
	return parsed.data;
}

/** Records that the file was imported: later starts leave it (and the keys it names) alone. */
export function markLegacyKeyFileImported(config: ServerConfig, kids: string[], now: number): void {
	writeFileSync(
		join(config.dataDir, IMPORTED_MARKER_NAME),
		`${KEY_FILE_NAME} imported into the database on ${new Date(now).toISOString()}: ${kids.join(', ')}\n` +
			'The keys now live there (encrypted under the key-encryption key); this file is kept as it was.\n',
		{ mode: 0o600 }
	);
}
