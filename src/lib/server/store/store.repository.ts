// Reads and writes of the store: an account's projects, license links, lost-edit reports, and the
// license list with its devices. Every query is scoped by account id.
import type { Db, LicenseLinkRow, ProjectRow } from '../db/schema';

export async function findProjects(db: Db, accountId: string, ids: string[]): Promise<ProjectRow[]> {
	if (ids.length === 0) return [];
	return db
		.selectFrom('projects')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('id', 'in', ids)
		.execute();
}

export async function listProjects(db: Db, accountId: string): Promise<ProjectRow[]> {
	return db
		.selectFrom('projects')
		.selectAll()
		.where('account_id', '=', accountId)
		.orderBy('created_at')
		.orderBy('id')
		.execute();
}

export async function upsertProject(db: Db, row: ProjectRow): Promise<void> {
	await db
		.insertInto('projects')
		.values(row)
		.onConflict((conflict) =>
			conflict.columns(['account_id', 'id']).doUpdateSet({
				name: row.name,
				name_stamp: row.name_stamp,
				deleted_stamp: row.deleted_stamp,
				updated_at: row.updated_at
			})
		)
		.execute();
}

export async function findLink(
	db: Db,
	accountId: string,
	licenseNumber: string
): Promise<LicenseLinkRow | undefined> {
	return db
		.selectFrom('license_links')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('license_number', '=', licenseNumber)
		.executeTakeFirst();
}

export async function listLinksToProject(
	db: Db,
	accountId: string,
	projectId: string
): Promise<LicenseLinkRow[]> {
	return db
		.selectFrom('license_links')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('project_id', '=', projectId)
		.execute();
}

export async function listLinks(db: Db, accountId: string): Promise<LicenseLinkRow[]> {
	return db.selectFrom('license_links').selectAll().where('account_id', '=', accountId).execute();
}

export async function upsertLink(db: Db, row: LicenseLinkRow): Promise<void> {
	await db
		.insertInto('license_links')
		.values(row)
		.onConflict((conflict) =>
			conflict.column('license_number').doUpdateSet({
				project_id: row.project_id,
				stamp: row.stamp,
				updated_at: row.updated_at,
				account_id: row.account_id
			})
		)
		.execute();
}

export async function insertConflict(
	db: Db,
	row: { account_id: string; key: string; device_id: string; report: string; created_at: number }
): Promise<void> {
	await db
		.insertInto('store_conflicts')
		.values(row)
		.onConflict((conflict) => conflict.columns(['account_id', 'key']).doNothing())
		.execute();
}

export async function listConflicts(db: Db, accountId: string, since: number, limit: number) {
	return db
		.selectFrom('store_conflicts')
		.selectAll()
		.where('account_id', '=', accountId)
		.where('created_at', '>=', since)
		.orderBy('created_at', 'desc')
		.orderBy('key')
		.limit(limit)
		.execute();
}

/** Forgets lost-edit reports made before `before` (they are no longer handed out). */
export async function pruneConflicts(db: Db, before: number): Promise<void> {
	await db.deleteFrom('store_conflicts').where('created_at', '<', before).execute();
}
