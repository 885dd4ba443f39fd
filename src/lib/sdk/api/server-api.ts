// The calls the License Manager makes, typed by the shared protocol schemas. Health and keys are
// checked without zod (every start asks for them); the other answers with zod schemas loaded on
// their first answer.
import type { SyncOperation } from '$lib/protocol/api.js';
import { healthResponseSchema } from '$lib/protocol/health.js';
import { publishedKeySetSchema } from '$lib/protocol/vendor-keys.js';
import type { ApiClient } from './api-client.js';

type Schemas = typeof import('./response-schemas.js');
const schema =
	<K extends keyof Schemas>(name: K) =>
	async (): Promise<Schemas[K]> =>
		(await import('./response-schemas.js'))[name];

export function serverApi(client: ApiClient) {
	return {
		signIn: (email: string, password: string) =>
			client.post('/api/v1/session', { email, password }, schema('sessionSchema')),
		whoAmI: () => client.get('/api/v1/session', schema('sessionSchema')),
		signOut: () => client.delete('/api/v1/session'),
		keys: () => client.get('/api/v1/keys', publishedKeySetSchema),
		/** Instant Activation of a signed request (reg.txt text). */
		activate: (request: string) =>
			client.post('/api/v1/activations', { request }, schema('activationResponseSchema')),
		/** Deferred Activation on the portal: a reg.txt or the request QR URL brought from an offline device. */
		deferred: (request: string) =>
			client.post('/api/v1/deferred', { request }, schema('activationResponseSchema')),
		/** A deactivation statement (deactivation.txt or its QR code's URL): frees the seat it gives up. */
		deactivate: (statement: string) =>
			client.post('/api/v1/deactivations', { statement }, schema('deactivationReceiptSchema')),
		refresh: (request: string) =>
			client.post('/api/v1/refresh', { request }, schema('activationResponseSchema')),
		/** `timeNonce` (time-nonce.ts): the answer's signed time is then bound to this request. */
		sync: (operations: SyncOperation[], timeNonce?: string) =>
			client.post(
				'/api/v1/sync',
				timeNonce === undefined ? { operations } : { operations, timeNonce },
				schema('syncResponseWithTimeSchema')
			),
		/** The license's vendor-signed emergency code (the owner only). */
		emergencyCode: (licenseNumber: string) =>
			client.get(
				`/api/v1/licenses/${encodeURIComponent(licenseNumber)}/emergency-code`,
				schema('emergencyCodeResponseSchema')
			),
		/** Reachability, version, signed time (bound to `timeNonce` when given) and the vendor's contacts. */
		health: (timeNonce?: string) =>
			client.get(
				// A nonce is base64url: nothing in it needs escaping in a query.
				timeNonce === undefined ? '/api/v1/health' : `/api/v1/health?nonce=${timeNonce}`,
				healthResponseSchema
			),
		storeLicenses: () => client.get('/api/v1/store/licenses', schema('storeLicensesResponseSchema')),
		storeProjects: () => client.get('/api/v1/store/projects', schema('storeProjectsResponseSchema')),
		/** The audit events of one of the account's licenses (the owner only). */
		licenseHistory: (licenseNumber: string) =>
			client.get(
				`/api/v1/store/licenses/${encodeURIComponent(licenseNumber)}/history`,
				schema('licenseHistoryResponseSchema')
			),
		releaseSeat: (licenseNumber: string, deviceId: string) =>
			client.post(
				`/api/v1/store/licenses/${encodeURIComponent(licenseNumber)}/release`,
				{ deviceId },
				schema('releaseSeatResponseSchema')
			)
	};
}

export type ServerApi = ReturnType<typeof serverApi>;
