// The zod schemas of the answers the License Manager checks with zod, in one module server-api.ts
// loads when such an answer arrives (so zod is not part of the home page's start-up).
export { activationResponseSchema, sessionSchema, syncResponseWithTimeSchema } from '$lib/protocol/api.js';
export { emergencyCodeResponseSchema } from '$lib/protocol/emergency-api.js';
export { licenseHistoryResponseSchema } from '$lib/protocol/audit-api.js';
export {
	releaseSeatResponseSchema,
	storeLicensesResponseSchema,
	storeProjectsResponseSchema
} from '$lib/protocol/store.js';
export { deactivationReceiptSchema } from '$lib/protocol/deactivation-api.js';
