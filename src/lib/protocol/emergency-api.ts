// The emergency parts of the activation server's HTTP API, as zod schemas: the emergency code a
// license's owner fetches, and the queued report of an Emergency Activation with the server's
// answer. Apart from the formats (emergency-code.ts, emergency-license.ts), which a license check
// reads without zod.
import { z } from './zod.js';
import {
	EMERGENCY_MAX_DAYS,
	MAX_EMERGENCY_CODE_CHARS,
	MAX_EMERGENCY_CODE_COMPACT_CHARS
} from './emergency-code.js';
import { MAX_EMERGENCY_USE_CHARS } from './emergency-license.js';

/** Body of `GET /api/v1/licenses/{number}/emergency-code`. */
export const emergencyCodeResponseSchema = z.object({
	licenseNumber: z.string(),
	/** The compact text, also the QR code's content. */
	code: z.string().max(MAX_EMERGENCY_CODE_COMPACT_CHARS),
	/** The printable sheet. */
	sheet: z.string().max(MAX_EMERGENCY_CODE_CHARS),
	fileName: z.string(),
	issuedAt: z.number(),
	maxDays: z.number().int().min(1).max(EMERGENCY_MAX_DAYS),
	/** Set once a device has reported using this license's Emergency Activation. */
	used: z.object({ deviceId: z.string(), usedAt: z.number() }).nullable()
});
export type EmergencyCodeResponse = z.infer<typeof emergencyCodeResponseSchema>;

/** Payload of the sync operation `emergency-report`. */
export const emergencyReportPayloadSchema = z.object({ use: z.string().min(1).max(MAX_EMERGENCY_USE_CHARS) });
export type EmergencyReportPayload = z.infer<typeof emergencyReportPayloadSchema>;

export const EMERGENCY_REVOCATION_REASONS = [
	'emergency_already_used',
	'emergency_not_allowed',
	'emergency_bare_number_refused',
	'license_expired'
] as const;
export type EmergencyRevocationReason = (typeof EMERGENCY_REVOCATION_REASONS)[number];

/** The `result` of an applied `emergency-report` operation. */
export const emergencyReportResultSchema = z.discriminatedUnion('revoked', [
	z.object({
		revoked: z.literal(false),
		licenseNumber: z.string(),
		deviceId: z.string(),
		endsAt: z.number()
	}),
	z.object({
		revoked: z.literal(true),
		licenseNumber: z.string(),
		reason: z.enum(EMERGENCY_REVOCATION_REASONS),
		message: z.string()
	})
]);
export type EmergencyReportResult = z.infer<typeof emergencyReportResultSchema>;
