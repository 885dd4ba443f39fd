// `GET /api/v1/health`: whether the activation server and its database answer, which version it
// runs, its time (signed, for the trusted clock) and whom to contact — the vendor's support details
// from its configuration, shown on the troubleshooting page and kept for when the server is away —
// and whether anyone may create an account there.
// Checked without zod (shape.ts): the License Manager asks for it at every start.
import { MAX_SERVER_TIME_CHARS } from './server-time.js';
import {
	array,
	boolean,
	INVALID,
	literal,
	number,
	object,
	optional,
	parser,
	string,
	type Check,
	type Output
} from './shape.js';

/** An absolute http(s) URL, as zod's `z.url({ protocol: /^https?$/ })`: trimmed, tabs and newlines dropped. */
export const httpUrl: Check<string> = (value) => {
	if (typeof value !== 'string') return INVALID;
	const trimmed = value.trim();
	// Without `://`, the URL parser would accept `http:example.com` as a URL of that host.
	if (!/^https?:\/\//i.test(trimmed)) return INVALID;
	const url = URL.canParse(trimmed) ? new URL(trimmed) : null;
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return INVALID;
	return trimmed.replace(/[\t\n\r]/g, '');
};

const vendorContacts = object({
	name: string({ min: 1, max: 100 }),
	supportUrl: (value: unknown) => {
		const url = httpUrl(value);
		return url !== INVALID && url.length <= 2000 ? url : INVALID;
	},
	phones: array(object({ region: string({ min: 2, max: 3 }), number: string({ min: 1, max: 40 }) }), {
		max: 50
	})
});
export const vendorContactsSchema = parser('vendor contacts', vendorContacts);
export type VendorContacts = Output<typeof vendorContacts>;

const healthResponse = object({
	status: literal('ok'),
	/** The build the server runs (the same string as the License Manager's app version). */
	version: string({ min: 1, max: 100 }),
	serverTime: number(),
	signedTime: string({ max: MAX_SERVER_TIME_CHARS }),
	vendor: vendorContacts,
	/**
	 * Whether self-service sign-up is open (`POST /api/v1/accounts`, SIGNUP=open). Optional: servers
	 * before it say nothing, which means closed.
	 */
	signup: optional(boolean)
});
export const healthResponseSchema = parser('health answer', healthResponse);
export type HealthResponse = Output<typeof healthResponse>;
