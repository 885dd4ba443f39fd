// The store's license list and projects on the wire: the edits a License Manager queues (sync
// operation `store-edit`), the state the server hands out (GET /api/v1/store/…), and the hybrid
// logical clock that stamps every edit. store-merge.ts applies edits; docs/API.md has the rule.
import { z } from './zod.js';

/** A hybrid logical clock stamp: wall time, a counter for edits in the same millisecond, the device. */
export const stampSchema = z.object({
	wall: z.number().int().nonnegative().max(8.64e15),
	counter: z.number().int().nonnegative().max(999_999),
	device: z.string().min(1).max(64)
});
export type Stamp = z.infer<typeof stampSchema>;

/** The total order of stamps: wall time, then counter, then device id. */
export function compareStamps(a: Stamp, b: Stamp): number {
	return a.wall - b.wall || a.counter - b.counter || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0);
}

export function sameStamp(a: Stamp | null, b: Stamp | null): boolean {
	return a === null || b === null ? a === b : compareStamps(a, b) === 0;
}

/** A text form that sorts like the stamp (for database columns and keys). */
export function stampKey(stamp: Stamp): string {
	return `${String(stamp.wall).padStart(16, '0')}.${String(stamp.counter).padStart(6, '0')}.${stamp.device}`;
}

export function parseStampKey(key: string): Stamp {
	const first = key.indexOf('.');
	const second = key.indexOf('.', first + 1);
	return {
		wall: Number(key.slice(0, first)),
		counter: Number(key.slice(first + 1, second)),
		device: key.slice(second + 1)
	};
}

/**
 * The next stamp of a device: later than both its clock and every stamp it has seen, so an edit
 * made after seeing another always orders after it, whatever the two computers' clocks say.
 */
export function nextStamp(last: Stamp | null, now: number, device: string): Stamp {
	if (!last || now > last.wall) return { wall: now, counter: 0, device };
	return { wall: last.wall, counter: last.counter + 1, device };
}

/** The clock after seeing a stamp from elsewhere (keeps only the later of the two). */
export function observeStamp(clock: Stamp | null, seen: Stamp): Stamp {
	if (!clock || compareStamps(seen, clock) > 0) return { ...seen, device: clock?.device ?? seen.device };
	return clock;
}

export const MAX_PROJECT_NAME = 80;
export const projectIdSchema = z.uuid();
export const projectNameSchema = z
	.string()
	.trim()
	.min(1, 'Give the project a name.')
	.max(MAX_PROJECT_NAME, `A project name has at most ${MAX_PROJECT_NAME} characters.`);

/**
 * One edit. `base` is the stamp of the value the device saw when it made the edit (null when
 * there was none): an edit whose base is not the current value's stamp was made concurrently.
 */
export const storeEditSchema = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('project-name'),
		projectId: projectIdSchema,
		name: projectNameSchema,
		stamp: stampSchema,
		base: stampSchema.nullable()
	}),
	z.object({
		kind: z.literal('project-delete'),
		projectId: projectIdSchema,
		stamp: stampSchema,
		base: stampSchema.nullable()
	}),
	z.object({
		kind: z.literal('license-link'),
		licenseNumber: z.string().min(1).max(40),
		projectId: projectIdSchema.nullable(),
		stamp: stampSchema,
		base: stampSchema.nullable()
	})
]);
export type StoreEdit = z.infer<typeof storeEditSchema>;

/** The payload of a `store-edit` sync operation. */
export const storeEditPayloadSchema = z.object({ edit: storeEditSchema });

export const lostEditSchema = z.object({
	edit: storeEditSchema,
	/** older: a later edit already won; overridden: a later edit replaced it; project-deleted. */
	reason: z.enum(['older', 'overridden', 'project-deleted']),
	winner: stampSchema
});
export type LostEdit = z.infer<typeof lostEditSchema>;

/** The result of an applied `store-edit`: the edits it made lose (its own, or one it overrode). */
export const storeEditResultSchema = z.object({ lost: z.array(lostEditSchema) });
export type StoreEditResult = z.infer<typeof storeEditResultSchema>;

export const projectStateSchema = z.object({
	id: projectIdSchema,
	name: z.string(),
	nameStamp: stampSchema,
	/** The stamp of the deletion; a deleted project stays as a tombstone so the rule holds. */
	deleted: stampSchema.nullable()
});
export type ProjectState = z.infer<typeof projectStateSchema>;

export const linkStateSchema = z.object({ projectId: projectIdSchema.nullable(), stamp: stampSchema });
export type LinkState = z.infer<typeof linkStateSchema>;

export const storeLicenseStatusSchema = z.enum(['active', 'expired', 'temporary', 'emergency']);
export type StoreLicenseStatus = z.infer<typeof storeLicenseStatusSchema>;

export const storeDeviceSchema = z.object({
	deviceId: z.string(),
	activatedAt: z.number(),
	lastSeenAt: z.number()
});

export const storeLicenseSchema = z.object({
	number: z.string(),
	product: z.string(),
	productName: z.string(),
	kind: z.enum(['standard', 'temporary']),
	status: storeLicenseStatusSchema,
	expiresAt: z.number().nullable(),
	// The three below came later than the rest: a License list copy stored before gets these defaults.
	/** A temporary license's files run this many days from each activation or Refresh. */
	renewalDays: z.number().int().nullable().default(null),
	/** False for an "R" license: Deferred Activation is refused, so the device says so before the trip. */
	deferredAllowed: z.boolean().default(true),
	emergencyAllowed: z.boolean().default(true),
	seats: z.number().int(),
	seatsUsed: z.number().int(),
	expansions: z.array(z.object({ number: z.string(), product: z.string(), productName: z.string() })),
	devices: z.array(storeDeviceSchema),
	link: linkStateSchema.nullable()
});
export type StoreLicense = z.infer<typeof storeLicenseSchema>;

export const storeLicensesResponseSchema = z.object({
	licenses: z.array(storeLicenseSchema),
	serverTime: z.number()
});
export type StoreLicensesResponse = z.infer<typeof storeLicensesResponseSchema>;

export const storeConflictSchema = z.object({
	id: z.string(),
	lost: lostEditSchema,
	reportedAt: z.number()
});
export type StoreConflict = z.infer<typeof storeConflictSchema>;

export const storeProjectsResponseSchema = z.object({
	projects: z.array(projectStateSchema),
	/** Edits of this account's devices that lost to another device's, recent first. */
	conflicts: z.array(storeConflictSchema),
	serverTime: z.number()
});
export type StoreProjectsResponse = z.infer<typeof storeProjectsResponseSchema>;

export const releaseSeatRequestSchema = z.object({ deviceId: z.string().min(1).max(64) });
export const releaseSeatResponseSchema = z.object({
	licenseNumber: z.string(),
	deviceId: z.string(),
	releasedAt: z.number()
});
