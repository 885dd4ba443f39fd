// Row schemas of the store's offline copy (the License list and Projects pages), in zod like the
// protocol schemas they are: only the store's pages read them, so zod loads with those pages.
import { z } from '$lib/protocol/zod.js';
import { projectStateSchema, storeConflictSchema, storeLicenseSchema } from '$lib/protocol/store.js';

/** The store's rows are the server's answers as they came (parsed again when read back). */
export const storeLicenseRowSchema = storeLicenseSchema;
export type StoreLicenseRow = z.infer<typeof storeLicenseRowSchema>;
export const storeProjectRowSchema = projectStateSchema;
export type StoreProjectRow = z.infer<typeof storeProjectRowSchema>;
export const storeConflictRowSchema = storeConflictSchema.extend({ dismissed: z.boolean() });
export type StoreConflictRow = z.infer<typeof storeConflictRowSchema>;

/**
 * Every stored row also names the account whose copy it is part of (its e-mail, lower case), and is
 * shown to that account only. A row without one was stored by a version that kept a single copy for
 * whoever was signed in: no one can tell whose it is, so it is shown to no one.
 */
export type Owned<T> = T & { account: string };

export const accountKey = (email: string): string => email.trim().toLowerCase();

/** The account a stored row belongs to, or null when it names none. */
export function ownerOf(row: Record<string, unknown>): string | null {
	return typeof row.account === 'string' && row.account !== '' ? row.account : null;
}
