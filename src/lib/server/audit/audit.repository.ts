// The audit_events table's statements: insert, read by filter in pages, prune past the retention.
import type { AuditEventRow, Db } from '../db/schema';

export interface AuditFilter {
	licenseNumbers?: string[];
	accountEmail?: string;
	/** Epoch ms, inclusive. */
	since?: number;
	/** Epoch ms, exclusive. */
	until?: number;
}

/** Where a page of events ends: the next page starts after it. */
export interface AuditCursor {
	at: number;
	id: string;
}

export async function insertAuditEvent(db: Db, row: AuditEventRow): Promise<void> {
	await db.insertInto('audit_events').values(row).execute();
}

/** Events matching `filter`, oldest first, at most `limit`, after `cursor` when given. */
export async function findAuditEvents(
	db: Db,
	filter: AuditFilter,
	limit: number,
	cursor?: AuditCursor
): Promise<AuditEventRow[]> {
	let query = db.selectFrom('audit_events').selectAll();
	if (filter.licenseNumbers) {
		if (filter.licenseNumbers.length === 0) return [];
		query = query.where('license_number', 'in', filter.licenseNumbers);
	}
	if (filter.accountEmail !== undefined) query = query.where('account_email', '=', filter.accountEmail);
	if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
	if (filter.until !== undefined) query = query.where('at', '<', filter.until);
	if (cursor)
		query = query.where((eb) =>
			eb.or([eb('at', '>', cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', '>', cursor.id)])])
		);
	return query.orderBy('at').orderBy('id').limit(limit).execute();
}

/** The newest `limit` events of these licenses under one account, newest first (the owner's view). */
export async function latestAuditEvents(
	db: Db,
	licenseNumbers: string[],
	accountId: string,
	limit: number
): Promise<AuditEventRow[]> {
	if (licenseNumbers.length === 0) return [];
	return db
		.selectFrom('audit_events')
		.selectAll()
		.where('license_number', 'in', licenseNumbers)
		.where('account_id', '=', accountId)
		.orderBy('at', 'desc')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
}

/** Housekeeping: removes the events older than `before`; returns how many. */
export async function pruneAuditEvents(db: Db, before: number): Promise<number> {
	const result = await db.deleteFrom('audit_events').where('at', '<', before).executeTakeFirst();
	return Number(result.numDeletedRows);
}
