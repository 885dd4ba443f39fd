// Every error body of the activation server's API: a stable code for programs and a sentence for
// people (docs/API.md). Checked without zod (shape.ts): any answer the License Manager gets may be one.
import { object, optional, parser, string, type Output } from './shape.js';

const apiErrorBody = object({
	error: object({
		code: string(),
		message: string(),
		field: optional(string()),
		/** For errors about one license of a request. */
		licenseNumber: optional(string())
	})
});
export const apiErrorSchema = parser('error answer', apiErrorBody);
export type ApiError = Output<typeof apiErrorBody>['error'];
