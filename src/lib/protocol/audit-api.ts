// A license's history as its owner sees it (GET /api/v1/store/licenses/{number}/history): the audit
// events of that license and its expansions in the owner's account, newest first. docs/API.md.
import { z } from './zod.js';

export const LICENSE_HISTORY_KINDS = [
	'activation',
	'emergency.use',
	'emergency.revocation',
	'seat.release',
	'license.creation',
	'license.expansion'
] as const;

export const licenseHistoryEventSchema = z.object({
	at: z.number().int().nonnegative(),
	kind: z.enum(LICENSE_HISTORY_KINDS),
	licenseNumber: z.string(),
	/** The device the event concerns (activations, emergency uses, releases). */
	deviceId: z.string().nullable(),
	/** The network address the server saw; null for the vendor's own changes. */
	clientAddress: z.string().nullable(),
	/** Activations: Instant or Deferred Activation. */
	via: z.enum(['instant', 'deferred']).nullable(),
	/** Activations: a new seat, or the device's own seat with a fresh file. */
	seat: z.enum(['taken', 'renewed']).nullable()
});
export type LicenseHistoryEvent = z.infer<typeof licenseHistoryEventSchema>;

export const licenseHistoryResponseSchema = z.object({
	licenseNumber: z.string(),
	events: z.array(licenseHistoryEventSchema),
	/** Whether older events exist beyond the ones answered. */
	more: z.boolean()
});
export type LicenseHistoryResponse = z.infer<typeof licenseHistoryResponseSchema>;
