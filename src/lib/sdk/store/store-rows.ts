// Row schemas of the store's offline copy (the License list and Projects pages), in zod like the
// protocol schemas they are: only the store's pages read them, so zod loads with those pages.
import { z } from 'zod';
import { projectStateSchema, storeConflictSchema, storeLicenseSchema } from '$lib/protocol/store.js';

/** The store's rows are the server's answers as they came (parsed again when read back). */
export const storeLicenseRowSchema = storeLicenseSchema;
export type StoreLicenseRow = z.infer<typeof storeLicenseRowSchema>;
export const storeProjectRowSchema = projectStateSchema;
export type StoreProjectRow = z.infer<typeof storeProjectRowSchema>;
export const storeConflictRowSchema = storeConflictSchema.extend({ dismissed: z.boolean() });
export type StoreConflictRow = z.infer<typeof storeConflictRowSchema>;
