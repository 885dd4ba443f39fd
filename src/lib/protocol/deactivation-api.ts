// The bodies of POST /api/v1/deactivations and of the outbox's `deactivation-report` operation
// (docs/API.md): a deactivation statement in either text form, and what the server did with it.
import { MAX_DEACTIVATION_FILE_CHARS } from './deactivation.js';
import { z } from './zod.js';

export const deactivationBodySchema = z.object({
	/** deactivation.txt's text, or the portal URL of its QR code. */
	statement: z.string().min(1).max(MAX_DEACTIVATION_FILE_CHARS)
});
export type DeactivationBody = z.infer<typeof deactivationBodySchema>;

export const deactivationReceiptSchema = z.object({
	licenseNumber: z.string(),
	deviceId: z.string(),
	releasedAt: z.number()
});
export type DeactivationReceiptBody = z.infer<typeof deactivationReceiptSchema>;

/**
 * The result of a queued report: the seat was freed now (`freed`), or the server already had the
 * statement or the seat was free already (`already`) — either way the server has what it needs.
 */
export const deactivationReportResultSchema = z.object({
	licenseNumber: z.string(),
	outcome: z.enum(['freed', 'already'])
});
export type DeactivationReportResult = z.infer<typeof deactivationReportResultSchema>;
