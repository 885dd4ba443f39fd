// Request and response bodies of the activation server's HTTP API (/api/v1), shared by the server
// (which parses requests with them) and the License Manager and portal (which parse responses).
// docs/API.md describes every endpoint and error.
import { z } from './zod.js';
import { MAX_LICENSE_FILE_CHARS } from './license-file.js';
import { MAX_REG_FILE_CHARS } from './reg-file.js';
import { MAX_SEALED_CHARS, MAX_SYNC_BATCH } from './api-limits.js';
import { MAX_SERVER_TIME_CHARS, TIME_NONCE } from './server-time.js';

export { API_PREFIX, MAX_SEALED_CHARS, MAX_SYNC_BATCH } from './api-limits.js';

export { apiErrorSchema, type ApiError, type ApiErrorCode } from './api-error.js';

export const credentialsSchema = z.object({
	email: z.string().trim().toLowerCase().min(3).max(254),
	password: z.string().min(1).max(1024)
});

export const sessionSchema = z.object({ account: z.object({ email: z.string() }) });
export type SessionBody = z.infer<typeof sessionSchema>;

/** A signed request in any of its encodings: reg.txt text, or the portal URL of its QR code. */
export const signedRequestBodySchema = z.object({ request: z.string().min(1).max(MAX_REG_FILE_CHARS) });
export type SignedRequestBody = z.infer<typeof signedRequestBodySchema>;

export const issuedLicenseSchema = z.object({
	licenseNumber: z.string(),
	fileName: z.string(),
	/** The .license4d file's text. */
	file: z.string().max(MAX_LICENSE_FILE_CHARS)
});
export type IssuedLicense = z.infer<typeof issuedLicenseSchema>;

export const revokedLicenseSchema = z.object({
	licenseNumber: z.string(),
	reason: z.enum(['seat_released', 'license_removed', 'emergency_refused']),
	message: z.string()
});
export type RevokedLicense = z.infer<typeof revokedLicenseSchema>;

/** Answer to activation (instant or deferred) and refresh. */
export const activationResponseSchema = z.object({
	licenses: z.array(issuedLicenseSchema).max(512),
	/** Licenses this device may no longer use (refresh only). */
	revoked: z.array(revokedLicenseSchema).max(512).default([]),
	serverTime: z.number()
});
export type ActivationResponse = z.infer<typeof activationResponseSchema>;

export const syncOperationSchema = z.object({
	/** Client-generated, unique per account: the server applies each id at most once. */
	id: z.string().min(8).max(64),
	type: z.string().min(1).max(40),
	payload: z.unknown(),
	/** The account the operation belongs to: never applied under another account's session. */
	account: z.string().max(254).optional(),
	/** A sealed authorization (sealed-authorization.ts): applies it with no session. */
	authorization: z.string().max(MAX_SEALED_CHARS).optional()
});
export type SyncOperation = z.infer<typeof syncOperationSchema>;

export const syncRequestSchema = z.object({
	operations: z.array(syncOperationSchema).min(1).max(MAX_SYNC_BATCH),
	/** The client's time nonce (server-time.ts): the answer's `signedTime` is then a T2 bound to it. */
	timeNonce: z.string().regex(TIME_NONCE).optional()
});

export const syncResultSchema = z.object({
	id: z.string(),
	status: z.enum(['applied', 'rejected', 'needs-sign-in']),
	result: z.unknown().optional(),
	error: z.object({ code: z.string(), message: z.string() }).optional()
});
export type SyncResult = z.infer<typeof syncResultSchema>;

export const syncResponseSchema = z.object({ results: z.array(syncResultSchema), serverTime: z.number() });
export type SyncResponse = z.infer<typeof syncResponseSchema>;

/** The sync response with the optional signed time (`POST /api/v1/sync`; server-time.ts). */
export const syncResponseWithTimeSchema = syncResponseSchema.extend({
	signedTime: z.string().max(MAX_SERVER_TIME_CHARS).optional()
});
export type SyncResponseWithTime = z.infer<typeof syncResponseWithTimeSchema>;
