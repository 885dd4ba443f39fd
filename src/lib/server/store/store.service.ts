// The store's license list and projects for a signed-in account: reading them, applying the edits
// devices queue (through the merge rule of $lib/protocol/store-merge.ts) and releasing seats.
//
// Authorization is by scoping: every read and write names the account, and a license, project or
// seat of another account answers exactly like one that does not exist.
import { DAY_MS, EMERGENCY_MAX_DAYS } from '$lib/protocol/emergency-code';
import {
	parseStampKey,
	stampKey,
	type LostEdit,
	type StoreConflict,
	type StoreEdit,
	type StoreLicense,
	type StoreLicenseStatus,
	type ProjectState
} from '$lib/protocol/store';
import {
	applyEdit,
	emptyStoreState,
	lostEditKey,
	type LinkRegister,
	type ProjectRegister,
	type StoreState
} from '$lib/protocol/store-merge';
import type { Refusal } from '../errors';
import { lockAccount } from '../accounts/accounts.repository';
import type { Db, LicenseLinkRow, ProjectRow } from '../db/schema';
import {
	findActiveActivation,
	listLiveActivationsOfAccount,
	releaseActivation
} from '../activation/activations.repository';
import {
	findLicense,
	findLicenseEntry,
	listAccountLicensesWithProducts
} from '../catalogue/licenses.repository';
import { listEmergencyUsesOfAccount } from '../emergency/emergency-uses.repository';
import { recordAuditEvent, type AuditOrigin } from '../audit/audit.service';
import {
	findLink,
	findProjects,
	insertConflict,
	listConflicts,
	listLinks,
	listLinksToProject,
	listProjects,
	upsertLink,
	upsertProject
} from './store.repository';

/** An edit stamped further ahead than this was made on a computer whose clock is wrong. */
export const EDIT_CLOCK_TOLERANCE_MS = 60 * 60_000;
/** Lost-edit reports are handed out for this long. */
export const CONFLICT_RETENTION_MS = 30 * DAY_MS;
const MAX_CONFLICTS = 100;

export type StoreOutcome<T> = { ok: true; value: T } | { ok: false; error: Refusal };

function licenseNotFound(number: string): Refusal {
	return {
		code: 'license_not_found',
		message: `License ${number} was not found in your account. Check the number, and that you are signed in with the account it was sold to.`,
		licenseNumber: number
	};
}

function projectNotFound(): Refusal {
	return {
		code: 'project_not_found',
		message: 'This project was not found in your account. Refresh the License list and choose it again.'
	};
}

function toRegister(row: ProjectRow): ProjectRegister {
	return {
		id: row.id,
		name: row.name,
		nameStamp: parseStampKey(row.name_stamp),
		deleted: row.deleted_stamp === null ? null : parseStampKey(row.deleted_stamp)
	};
}

function toLinkRegister(row: LicenseLinkRow): LinkRegister {
	return { projectId: row.project_id, stamp: parseStampKey(row.stamp) };
}

/**
 * Applies one edit of the account's store and returns the edits that lost because of it; every
 * loss is also kept, for the device that made the lost edit to be told.
 */
export async function applyStoreEdit(
	db: Db,
	accountId: string,
	edit: StoreEdit,
	now: number
): Promise<StoreOutcome<LostEdit[]>> {
	if (edit.stamp.wall > now + EDIT_CLOCK_TOLERANCE_MS) {
		return {
			ok: false,
			error: {
				code: 'edit_from_future',
				message:
					'This change is dated in the future: the clock of the computer that made it is wrong. Correct its date and time, then make the change again.'
			}
		};
	}
	return db.transaction().execute(async (trx) => {
		await lockAccount(trx, accountId);
		const state: StoreState = emptyStoreState();
		const createdAt = new Map<string, number>();
		const linkProject = edit.kind === 'license-link' ? edit.projectId : null;
		const projectIds = edit.kind === 'license-link' ? (linkProject ? [linkProject] : []) : [edit.projectId];
		for (const row of await findProjects(trx, accountId, projectIds)) {
			state.projects.set(row.id, toRegister(row));
			createdAt.set(row.id, row.created_at);
		}
		if (edit.kind === 'license-link') {
			const license = await findLicense(trx, edit.licenseNumber);
			if (!license || license.account_id !== accountId)
				return { ok: false, error: licenseNotFound(edit.licenseNumber) };
			if (linkProject && !state.projects.has(linkProject)) return { ok: false, error: projectNotFound() };
			const link = await findLink(trx, accountId, edit.licenseNumber);
			if (link) state.links.set(link.license_number, toLinkRegister(link));
		} else {
			if (edit.kind === 'project-delete' && !state.projects.has(edit.projectId))
				return { ok: false, error: projectNotFound() };
			for (const link of await listLinksToProject(trx, accountId, edit.projectId))
				state.links.set(link.license_number, toLinkRegister(link));
		}

		const lost = applyEdit(state, edit);

		if (edit.kind === 'license-link') {
			const link = state.links.get(edit.licenseNumber)!;
			await upsertLink(trx, {
				license_number: edit.licenseNumber,
				account_id: accountId,
				project_id: link.projectId,
				stamp: stampKey(link.stamp),
				updated_at: now
			});
		} else {
			const project = state.projects.get(edit.projectId)!;
			await upsertProject(trx, {
				account_id: accountId,
				id: project.id,
				name: project.name ?? '',
				name_stamp: stampKey(project.nameStamp!),
				deleted_stamp: project.deleted ? stampKey(project.deleted) : null,
				created_at: createdAt.get(project.id) ?? now,
				updated_at: now
			});
		}
		for (const loss of lost) {
			await insertConflict(trx, {
				account_id: accountId,
				key: lostEditKey(loss),
				device_id: loss.edit.stamp.device,
				report: JSON.stringify(loss),
				created_at: now
			});
		}
		return { ok: true, value: lost };
	});
}

/** The account's projects (deleted ones as tombstones) and its recent lost edits. */
export async function readProjects(
	db: Db,
	accountId: string,
	now: number
): Promise<{ projects: ProjectState[]; conflicts: StoreConflict[] }> {
	const projects = (await listProjects(db, accountId)).map((row) => ({
		id: row.id,
		name: row.name,
		nameStamp: parseStampKey(row.name_stamp),
		deleted: row.deleted_stamp === null ? null : parseStampKey(row.deleted_stamp)
	}));
	const conflicts = (await listConflicts(db, accountId, now - CONFLICT_RETENTION_MS, MAX_CONFLICTS)).map(
		(row) => ({ id: row.key, lost: JSON.parse(row.report) as LostEdit, reportedAt: row.created_at })
	);
	return { projects, conflicts };
}

function statusOf(
	license: { kind: string; expires_at: number | null },
	emergencyUntil: number | undefined,
	now: number
): StoreLicenseStatus {
	if (license.expires_at !== null && license.expires_at <= now) return 'expired';
	if (emergencyUntil !== undefined && emergencyUntil > now) return 'emergency';
	return license.kind === 'temporary' ? 'temporary' : 'active';
}

/** Every license of the account (expansions inside their parent), with its devices and project. */
export async function readLicenses(db: Db, accountId: string, now: number): Promise<StoreLicense[]> {
	const rows = await listAccountLicensesWithProducts(db, accountId);
	const devices = new Map<string, StoreLicense['devices']>();
	for (const activation of await listLiveActivationsOfAccount(db, accountId)) {
		const list = devices.get(activation.license_number) ?? [];
		list.push({
			deviceId: activation.device_id,
			activatedAt: activation.first_activated_at,
			lastSeenAt: activation.last_seen_at
		});
		devices.set(activation.license_number, list);
	}
	const emergencyUntil = new Map<string, number>();
	for (const use of await listEmergencyUsesOfAccount(db, accountId))
		emergencyUntil.set(use.license_number, use.ends_at ?? use.used_at + EMERGENCY_MAX_DAYS * DAY_MS);
	const links = new Map((await listLinks(db, accountId)).map((row) => [row.license_number, row]));
	const expansions = new Map<string, StoreLicense['expansions']>();
	for (const row of rows) {
		if (!row.parent_number) continue;
		const list = expansions.get(row.parent_number) ?? [];
		list.push({ number: row.number, product: row.product_code, productName: row.product_name });
		expansions.set(row.parent_number, list);
	}
	return rows
		.filter((row) => !row.parent_number)
		.map((row) => {
			const held = devices.get(row.number) ?? [];
			const link = links.get(row.number);
			return {
				number: row.number,
				product: row.product_code,
				productName: row.product_name,
				kind: row.kind,
				status: statusOf(row, emergencyUntil.get(row.number), now),
				expiresAt: row.expires_at,
				renewalDays: row.renewal_days,
				deferredAllowed: row.deferred_allowed === 1,
				emergencyAllowed: row.emergency_allowed === 1,
				seats: row.seats,
				seatsUsed: held.length,
				expansions: expansions.get(row.number) ?? [],
				devices: held,
				link: link ? { projectId: link.project_id, stamp: parseStampKey(link.stamp) } : null
			};
		});
}

/**
 * The owner releases a device's seat: the seat is free at once, and that device is told at its next
 * Refresh (or sync) that the license was deactivated. The activation row stays, with when and why.
 */
export async function releaseSeat(
	db: Db,
	input: { account: { id: string; email: string }; licenseNumber: string; deviceId: string },
	now: number,
	origin?: AuditOrigin
): Promise<StoreOutcome<{ licenseNumber: string; deviceId: string; releasedAt: number }>> {
	return db.transaction().execute(async (trx) => {
		// The license row first, as an activation takes it: freeing the seat changes its count of
		// seats in use, and taking the two rows in the same order keeps the two from deadlocking.
		const license = (await findLicenseEntry(trx, input.licenseNumber, { lock: true }))?.license;
		const activation =
			license && license.account_id === input.account.id
				? await findActiveActivation(trx, input.licenseNumber, input.deviceId)
				: undefined;
		if (!activation || !(await releaseActivation(trx, activation.id, now, 'owner'))) {
			return {
				ok: false,
				error: {
					code: 'seat_not_found',
					message: `No device ${input.deviceId} holds a seat of license ${input.licenseNumber} in your account. Refresh the License list.`,
					licenseNumber: input.licenseNumber
				}
			};
		}
		await recordAuditEvent(
			trx,
			{
				kind: 'seat.release',
				actor: 'customer',
				account: input.account,
				licenseNumber: activation.license_number,
				deviceId: input.deviceId
			},
			now,
			origin
		);
		return {
			ok: true,
			value: { licenseNumber: input.licenseNumber, deviceId: input.deviceId, releasedAt: now }
		};
	});
}
