// Row schemas of the local database. IndexedDB is storage the app does not fully control (another
// version of the app, an extension or a user with devtools can write to it), so every row read back
// is parsed with these schemas; the row types are inferred from them.
import { z } from 'zod';
import { projectStateSchema, storeConflictSchema, storeLicenseSchema } from '$lib/protocol/store';

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, { message: 'not bytes' });
const epochMs = z.number().int().nonnegative();

/** A WebCrypto key, checked structurally so the schema also loads where `CryptoKey` is not a global. */
const cryptoKey = z.custom<CryptoKey>(
	(value) =>
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { type?: unknown }).type === 'string' &&
		typeof (value as { algorithm?: unknown }).algorithm === 'object',
	{ message: 'not a CryptoKey' }
);

export const IDENTITY_ROW_ID = 'device';

export const identityRowSchema = z.discriminatedUnion('keyKind', [
	z.object({
		id: z.literal(IDENTITY_ROW_ID),
		deviceId: z.string(),
		publicKey: bytes,
		// Non-extractable: the private key can sign but can never be read out of the browser.
		keyKind: z.literal('webcrypto'),
		privateKey: cryptoKey,
		createdAt: epochMs
	}),
	z.object({
		id: z.literal(IDENTITY_ROW_ID),
		deviceId: z.string(),
		publicKey: bytes,
		// Only where the browser has no WebCrypto Ed25519: tweetnacl's 64-byte secret key.
		keyKind: z.literal('tweetnacl'),
		secretKey: bytes,
		createdAt: epochMs
	})
]);
export type IdentityRow = z.infer<typeof identityRowSchema>;

export const licenseKindSchema = z.enum(['standard', 'temporary', 'emergency']);
export const licenseStatusSchema = z.enum(['active', 'expired', 'revoked', 'deactivated']);

export const licenseRowSchema = z.object({
	licenseNumber: z.string(),
	/** The signed license file exactly as received, so it can be re-verified or exported later. */
	fileText: z.string(),
	product: z.string(),
	productName: z.string(),
	quantity: z.number().int().positive(),
	kind: licenseKindSchema,
	/** The license this one expands, or null for an application license. */
	parent: z.string().nullable(),
	expansions: z.array(z.string()),
	email: z.string(),
	deviceId: z.string(),
	issuedAt: epochMs,
	expiresAt: epochMs.nullable(),
	kid: z.string(),
	storedAt: epochMs,
	status: licenseStatusSchema,
	/** Why the license may no longer be used, in the server's words (revoked or deactivated). */
	statusReason: z.string().optional()
});
export type LicenseRow = z.infer<typeof licenseRowSchema>;

export const outboxTypeSchema = z.enum(['instant-activation', 'refresh', 'emergency-report', 'store-edit']);
export type OutboxType = z.infer<typeof outboxTypeSchema>;

export const outboxStateSchema = z.enum(['queued', 'sending', 'done', 'failed', 'needs-sign-in']);
export type OutboxState = z.infer<typeof outboxStateSchema>;

export const outboxErrorSchema = z.object({ code: z.string(), message: z.string() });
export type OutboxError = z.infer<typeof outboxErrorSchema>;

const jsonValue: z.ZodType<unknown> = z.json();

export const outboxItemSchema = z.object({
	/** Client-generated (crypto.randomUUID): the server applies each id at most once. */
	id: z.string().min(1),
	type: outboxTypeSchema,
	payload: jsonValue,
	createdAt: epochMs,
	state: outboxStateSchema,
	attempts: z.number().int().nonnegative(),
	nextAttemptAt: epochMs,
	lastError: outboxErrorSchema.nullable(),
	/** What the server answered for an applied item, kept for the UI. */
	result: jsonValue.optional()
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** Key/value rows: the value is parsed by the schema of its key (see settings.ts, sync-state.ts). */
export const keyValueRowSchema = z.object({ key: z.string(), value: z.unknown() });
export type KeyValueRow = z.infer<typeof keyValueRowSchema>;

/** The store's rows are the server's answers as they came (parsed again when read back). */
export const storeLicenseRowSchema = storeLicenseSchema;
export type StoreLicenseRow = z.infer<typeof storeLicenseRowSchema>;
export const storeProjectRowSchema = projectStateSchema;
export type StoreProjectRow = z.infer<typeof storeProjectRowSchema>;
export const storeConflictRowSchema = storeConflictSchema.extend({ dismissed: z.boolean() });
export type StoreConflictRow = z.infer<typeof storeConflictRowSchema>;
