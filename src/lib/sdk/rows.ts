// Row schemas of the client core's storage. The storage is not fully under the program's control
// (another version, an extension, another process or a user can write to it), so every row read back
// is parsed with these schemas; the row types are inferred from them. They are checked without zod
// (shape.ts) because a License Manager reads them at every start; the store's rows, read only by the
// store's pages, are in store/store-rows.ts.
import { OPERATION_TYPES } from '$lib/protocol/operation-types.js';
import {
	array,
	custom,
	json,
	literal,
	nullable,
	number,
	object,
	oneOf,
	optional,
	parser,
	string,
	union,
	type Output
} from '$lib/protocol/shape.js';

const bytes = custom((value): value is Uint8Array => value instanceof Uint8Array);
const epochMs = number({ int: true, min: 0 });

/** A WebCrypto key, checked structurally so the schema also loads where `CryptoKey` is not a global. */
const cryptoKey = custom(
	(value): value is CryptoKey =>
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { type?: unknown }).type === 'string' &&
		typeof (value as { algorithm?: unknown }).algorithm === 'object'
);

export const IDENTITY_ROW_ID = 'device';

const webCryptoIdentity = object({
	id: literal(IDENTITY_ROW_ID),
	deviceId: string(),
	publicKey: bytes,
	// Non-extractable: the private key can sign but can never be read out of the browser.
	keyKind: literal('webcrypto'),
	privateKey: cryptoKey,
	createdAt: epochMs,
	emergencyUsedAt: optional(epochMs)
});
const tweetnaclIdentity = object({
	id: literal(IDENTITY_ROW_ID),
	deviceId: string(),
	publicKey: bytes,
	// Only where the browser has no WebCrypto Ed25519: tweetnacl's 64-byte secret key.
	keyKind: literal('tweetnacl'),
	secretKey: bytes,
	createdAt: epochMs,
	/**
	 * When this device's one Emergency Activation was used. Kept with the key it was signed with (and
	 * in `settings`), so deleting one row does not make the device forget it.
	 */
	emergencyUsedAt: optional(epochMs)
});
export type IdentityRow = Output<typeof webCryptoIdentity> | Output<typeof tweetnaclIdentity>;
export const identityRowSchema = parser<IdentityRow>(
	'identity',
	union<IdentityRow>(webCryptoIdentity, tweetnaclIdentity)
);

export const licenseKinds = ['standard', 'temporary', 'emergency'] as const;
export const licenseStatuses = ['active', 'expired', 'revoked', 'deactivated'] as const;

const deactivationRecord = object({
	/** deactivation.txt's text. */
	statement: string(),
	/** The statement as a QR code's text: the portal's address with the statement in its fragment. */
	qrUrl: string(),
	deactivatedAt: epochMs,
	reportedAt: nullable(epochMs)
});
export type DeactivationRecord = Output<typeof deactivationRecord>;

const licenseRow = object({
	licenseNumber: string(),
	/** The signed license file exactly as received, so it can be re-verified or exported later. */
	fileText: string(),
	product: string(),
	productName: string(),
	quantity: number({ int: true, min: 1 }),
	kind: oneOf(licenseKinds),
	/** The license this one expands, or null for an application license. */
	parent: nullable(string()),
	expansions: array(string()),
	email: string(),
	deviceId: string(),
	issuedAt: epochMs,
	expiresAt: nullable(epochMs),
	kid: string(),
	storedAt: epochMs,
	status: oneOf(licenseStatuses),
	/** Why the license may no longer be used, in the server's words (revoked or deactivated). */
	statusReason: optional(string()),
	/**
	 * This device gave the license up (workflows/deactivation.ts): the signed statement, kept so it
	 * can be shown again, and when the server was known to have it (null: not yet reported).
	 */
	deactivation: optional(deactivationRecord)
});
export const licenseRowSchema = parser('license row', licenseRow);
export type LicenseRow = Output<typeof licenseRow>;

export const outboxStates = ['queued', 'sending', 'done', 'failed', 'needs-sign-in'] as const;
export type OutboxState = (typeof outboxStates)[number];

const outboxError = object({ code: string(), message: string() });
export type OutboxError = Output<typeof outboxError>;

const outboxItem = object({
	/** Client-generated (crypto.randomUUID): the server applies each id at most once. */
	id: string({ min: 1 }),
	type: oneOf(OPERATION_TYPES),
	payload: json,
	createdAt: epochMs,
	state: oneOf(outboxStates),
	attempts: number({ int: true, min: 0 }),
	nextAttemptAt: epochMs,
	lastError: nullable(outboxError),
	/** What the server answered for an applied item, kept for the UI. */
	result: optional(json),
	/** When the server's answer to it was stored (applied, refused, or waiting for a sign-in). */
	settledAt: optional(epochMs),
	/** The account that queued it (its e-mail): never sent for another account. */
	account: optional(string({ max: 254 })),
	/** Its sealed authorization (protocol/sealed-authorization.ts), until the server has answered. */
	authorization: optional(nullable(string({ max: 2_000 })))
});
export const outboxItemSchema = parser('outbox item', outboxItem);
export type OutboxItem = Output<typeof outboxItem>;

/** Key/value rows (settings, syncState): the value is parsed by the schema of its key where it is read. */
export interface KeyValueRow {
	key: string;
	value: unknown;
}
