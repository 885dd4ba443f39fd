// The device backup file (docs/FORMATS.md §10): one JSON document with every license and emergency
// code of a device, the marks a restored device must keep (its Emergency Activation used, its
// trusted clock's mark) and, only when the user sets a passphrase, the device's private key
// encrypted under a key derived from it (scrypt, then AES-256-GCM).
//
// What protects what: a SHA-256 over the document catches a truncated or damaged file, and any
// change made by someone who does not recompute it. It is no signature: whoever edits the file can
// recompute it. With a passphrase, the AEAD's tag also covers every other field of the document (as
// associated data), so a file that opens with the passphrase is exactly the one made with it. The
// licenses verify on their own (vendor-signed, bound to the device id) at every check, whatever the
// file says about them; the vendor's keys are never taken from a backup (a file the user holds must
// not decide which keys sign licenses).
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeBase64url, encodeBase64url } from '$lib/protocol/base64url.js';
import { parseJsonStrict } from '$lib/protocol/strict-json.js';
import {
	array,
	isRecord,
	json,
	literal,
	nullable,
	number,
	object,
	parser,
	string,
	type Output
} from '$lib/protocol/shape.js';

export const BACKUP_FORMAT = 'airlock-device-backup';
export const BACKUP_VERSION = 1;
/** Far more than a device's licenses take (1,000 licenses are about 2 MB): a bigger file is not one. */
export const MAX_BACKUP_CHARS = 32 * 1024 * 1024;

/** scrypt's cost: N = 2^17, r = 8, p = 1 (128 MiB, the OWASP recommendation), about 2 s on a laptop. */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
/** Highest cost a reader accepts: a file cannot make a device spend more than 4 × the above. */
const MAX_SCRYPT_N = 2 ** 19;
const SEED_BYTES = 32;

const epochMs = number({ int: true, min: 0 });
const b64 = string({ min: 1, max: 200, pattern: /^[A-Za-z0-9_-]+$/ });

const sealedIdentity = object({
	kdf: object({
		name: literal('scrypt'),
		N: number({ int: true, min: 2 }),
		r: number({ int: true, min: 1 }),
		p: number({ int: true, min: 1 }),
		salt: b64
	}),
	cipher: object({ name: literal('AES-256-GCM'), nonce: b64 }),
	ciphertext: b64
});
export type SealedIdentity = Output<typeof sealedIdentity>;

const content = object({
	deviceId: string({ min: 1, max: 40 }),
	publicKey: b64,
	madeAt: epochMs,
	/** The license rows as stored: each holds its signed file, verified again at every check. */
	licenses: array(json, { max: 10_000 }),
	/** The emergency codes kept on the device (the server's answers, each with its signed code). */
	emergencyCodes: array(json, { max: 10_000 }),
	/** When this device used its one Emergency Activation, if it did. */
	emergencyUsedAt: nullable(epochMs),
	/** The trusted clock's mark: no time before it is believed (a restore never lowers it). */
	clockMarkMs: epochMs
});
export type BackupContent = Output<typeof content>;

const document = object({
	format: literal(BACKUP_FORMAT),
	version: number({ int: true }),
	content,
	identity: nullable(sealedIdentity),
	sha256: string({ pattern: /^[0-9a-f]{64}$/ })
});
const documentSchema = parser('device backup', document);

/**
 * RFC 8785 (JCS) for what a backup holds — objects, arrays, strings, integers, booleans, null: keys
 * sorted by UTF-16 code units, no white space, strings escaped as JSON.stringify does. A dozen lines
 * rather than a dependency: without fractions JCS is exactly this.
 */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (isRecord(value))
		return `{${Object.keys(value)
			.filter((key) => value[key] !== undefined)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
			.join(',')}}`;
	if (typeof value === 'number' && !Number.isSafeInteger(value))
		throw new TypeError('A backup holds whole numbers only.');
	return JSON.stringify(value);
}

const encoder = new TextEncoder();

function digestOf({
	format,
	version,
	content,
	identity
}: {
	format: string;
	version: number;
	content: BackupContent;
	identity: SealedIdentity | null;
}): string {
	return bytesToHex(sha256(encoder.encode(canonicalJson({ format, version, content, identity }))));
}

/** The associated data the AEAD covers: everything but the sealed identity itself. */
function associatedData(body: { format: string; version: number; content: BackupContent }): Uint8Array {
	return encoder.encode(canonicalJson({ format: body.format, version: body.version, content: body.content }));
}

async function keyFrom(passphrase: string, kdf: SealedIdentity['kdf']): Promise<CryptoKey> {
	const salt = decodeBase64url(kdf.salt);
	if (!salt) throw new TypeError('salt');
	const raw = await scryptAsync(passphrase.normalize('NFC'), salt, {
		N: kdf.N,
		r: kdf.r,
		p: kdf.p,
		dkLen: 32,
		maxmem: 2 ** 30
	});
	return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
		'encrypt',
		'decrypt'
	]);
}

/** The backup's text. `seed` (the Ed25519 private key's 32 bytes) only with a passphrase. */
export async function writeBackup(
	backup: BackupContent,
	secret: { seed: Uint8Array; passphrase: string } | null
): Promise<string> {
	const body = { format: BACKUP_FORMAT, version: BACKUP_VERSION, content: backup };
	let identity: SealedIdentity | null = null;
	if (secret) {
		const salt = crypto.getRandomValues(new Uint8Array(16));
		const nonce = crypto.getRandomValues(new Uint8Array(12));
		const kdf = { name: 'scrypt' as const, ...SCRYPT_PARAMS, salt: encodeBase64url(salt) };
		const key = await keyFrom(secret.passphrase, kdf);
		const sealed = await crypto.subtle.encrypt(
			{ name: 'AES-GCM', iv: nonce, additionalData: associatedData(body) as Uint8Array<ArrayBuffer> },
			key,
			secret.seed as Uint8Array<ArrayBuffer>
		);
		identity = {
			kdf,
			cipher: { name: 'AES-256-GCM', nonce: encodeBase64url(nonce) },
			ciphertext: encodeBase64url(new Uint8Array(sealed))
		};
	}
	const full = { ...body, identity };
	return `${JSON.stringify({ ...full, sha256: digestOf(full) }, null, '\t')}\n`;
}

export type BackupRefusalCode =
	| 'backup_unreadable'
	| 'backup_damaged'
	| 'backup_unsupported'
	| 'backup_passphrase_needed'
	| 'backup_passphrase_wrong';

export interface BackupRefusal {
	code: BackupRefusalCode;
	message: string;
}

export interface ReadBackup {
	content: BackupContent;
	/** Whether the file holds the device's identity (it was made with a passphrase). */
	sealed: SealedIdentity | null;
}

const refuse = (code: BackupRefusalCode, message: string) => ({
	ok: false as const,
	error: { code, message }
});

/** Reads and checks a backup's text (format, version, SHA-256); the identity stays sealed. */
export function readBackup(
	text: string
): { ok: true; backup: ReadBackup } | { ok: false; error: BackupRefusal } {
	if (text.length > MAX_BACKUP_CHARS)
		return refuse(
			'backup_unreadable',
			'This file is far too large to be a backup of this program. Choose the file “Back up this device” saved.'
		);
	const parsed = parseJsonStrict(text.replace(/^\uFEFF/, ''));
	if (!parsed.ok) {
		const started = text.trimStart().startsWith(`{`) && text.includes(BACKUP_FORMAT);
		return started
			? refuse(
					'backup_damaged',
					'This backup is incomplete or damaged (it ends early or is not valid JSON any more), so nothing was restored. Use another copy of the backup.'
				)
			: refuse(
					'backup_unreadable',
					'This file is not a backup of this program. Choose the file “Back up this device” saved (its name ends in .airlock-backup.json).'
				);
	}
	const value = parsed.value as Record<string, unknown> | null;
	if (!isRecord(value) || value.format !== BACKUP_FORMAT)
		return refuse(
			'backup_unreadable',
			'This file is not a backup of this program. Choose the file “Back up this device” saved (its name ends in .airlock-backup.json).'
		);
	if (value.version !== BACKUP_VERSION)
		return refuse(
			'backup_unsupported',
			`This backup was made by a newer version of the program (format version ${String(value.version)}). Update the program, then restore it.`
		);
	const checked = documentSchema.safeParse(value);
	if (!checked.success || checked.data.sha256 !== digestOf(checked.data))
		return refuse(
			'backup_damaged',
			'This backup was changed or damaged after it was made (its checksum does not match), so nothing was restored. Use another copy of the backup.'
		);
	return { ok: true, backup: { content: checked.data.content, sealed: checked.data.identity } };
}

/** The device's private key from a sealed identity, or why it cannot be opened. */
export async function openIdentity(
	backup: ReadBackup,
	passphrase: string
): Promise<{ ok: true; seed: Uint8Array } | { ok: false; error: BackupRefusal }> {
	const sealed = backup.sealed;
	if (!sealed) throw new TypeError('This backup holds no identity.');
	if (!passphrase)
		return refuse(
			'backup_passphrase_needed',
			'This backup holds the device’s identity, locked with a passphrase: enter the passphrase chosen when it was made.'
		);
	const { kdf } = sealed;
	if (kdf.N > MAX_SCRYPT_N || (kdf.N & (kdf.N - 1)) !== 0 || kdf.r * kdf.p > 64)
		return refuse(
			'backup_unsupported',
			'This backup asks for a key derivation far costlier than this program makes; it was not made by this program.'
		);
	const nonce = decodeBase64url(sealed.cipher.nonce);
	const ciphertext = decodeBase64url(sealed.ciphertext);
	if (!nonce || nonce.length !== 12 || !ciphertext)
		return refuse(
			'backup_damaged',
			'This backup was changed or damaged after it was made, so nothing was restored. Use another copy of the backup.'
		);
	try {
		const key = await keyFrom(passphrase, kdf);
		const seed = new Uint8Array(
			await crypto.subtle.decrypt(
				{
					name: 'AES-GCM',
					iv: nonce as Uint8Array<ArrayBuffer>,
					additionalData: associatedData({
						format: BACKUP_FORMAT,
						version: BACKUP_VERSION,
						content: backup.content
					}) as Uint8Array<ArrayBuffer>
				},
				key,
				ciphertext as Uint8Array<ArrayBuffer>
			)
		);
		if (seed.length !== SEED_BYTES) throw new Error('length');
		return { ok: true, seed };
	} catch {
		// AES-GCM cannot tell a wrong key from a changed text; the checksum above matched, so a wrong
		// passphrase is by far the likelier.
		return refuse(
			'backup_passphrase_wrong',
			'The passphrase does not open this backup, so nothing was restored. Check it (capitals count) and try again.'
		);
	}
}
