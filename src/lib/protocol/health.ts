// `GET /api/v1/health`: whether the activation server and its database answer, which version it
// runs, its time (signed, for the trusted clock) and whom to contact — the vendor's support details
// from its configuration, shown on the troubleshooting page and kept for when the server is away.
import { z } from 'zod';
import { MAX_SERVER_TIME_CHARS } from './server-time';

export const vendorContactsSchema = z.object({
	name: z.string().min(1).max(100),
	supportUrl: z.url({ protocol: /^https?$/ }).max(2000),
	phones: z.array(z.object({ region: z.string().min(2).max(3), number: z.string().min(1).max(40) })).max(50)
});
export type VendorContacts = z.infer<typeof vendorContactsSchema>;

export const healthResponseSchema = z.object({
	status: z.literal('ok'),
	/** The build the server runs (the same string as the License Manager's app version). */
	version: z.string().min(1).max(100),
	serverTime: z.number(),
	signedTime: z.string().max(MAX_SERVER_TIME_CHARS),
	vendor: vendorContactsSchema
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
