// The audit log: an append-only record of every event that changes who may use what — activations
// (instant, deferred, sync), emergency uses and their revocations, seat releases, key rotations,
// retirements and withdrawals, account changes and sign-in lockouts — with when, who (account,
// license, device), from which client address and through which node. Events are written in the
// same transaction as the change they record where there is one, so an event exists exactly when
// its change does. Housekeeping removes events older than AUDIT_RETENTION_DAYS; nothing else does.
import type { LicenseHistoryEvent, LicenseHistoryResponse } from '$lib/protocol/audit-api';
import type { AuditEventRow, Db } from '../db/schema';
import { expansionsOf, findLicense } from '../catalogue/licenses.repository';
import { NODE_NAME } from '../observability/logger';
import type { Refusal } from '../errors';
import {
	findAuditEvents,
	insertAuditEvent,
	latestAuditEvents,
	pruneAuditEvents,
	type AuditCursor,
	type AuditFilter
} from './audit.repository';

export const AUDIT_KINDS = [
	'activation',
	'emergency.use',
	'emergency.revocation',
	'seat.release',
	'license.creation',
	'license.expansion',
	'key.rotation',
	'key.retirement',
	'key.withdrawal',
	'account.creation',
	'account.password',
	'account.unlock',
	'account.lockout'
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * Who did it: the signed-in customer, a device by its own signature, the vendor's admin CLI, or
 * someone not signed in (the sign-in attempts that lock an account: the owner or anyone else).
 */
export type AuditActor = 'customer' | 'device' | 'admin' | 'unauthenticated';

/** Where a request came from and which node handled it. */
export interface AuditOrigin {
	clientAddress: string | null;
	node: string;
}

/** A request's origin from its client address (none for the admin CLI), on this node. */
export function originOf(clientAddress: string | null): AuditOrigin {
	return { clientAddress, node: NODE_NAME };
}

export type AuditDetail = Record<string, string | number | boolean | null>;

export interface AuditEvent {
	kind: AuditKind;
	actor: AuditActor;
	account?: { id: string; email: string } | null;
	licenseNumber?: string | null;
	deviceId?: string | null;
	detail?: AuditDetail;
}

let sequence = 0;

/**
 * An event id that sorts as this process wrote them (events of one millisecond are listed by
 * (at, id)): the process's sequence number, then random bytes so that nodes never collide.
 */
function newEventId(): string {
	sequence = (sequence + 1) % 0x1_0000_0000;
	const random = crypto.getRandomValues(new Uint8Array(8));
	return `${sequence.toString(16).padStart(8, '0')}-${Buffer.from(random).toString('hex')}`;
}

/** The row one event is stored as (a fresh id), for a caller that writes it itself. */
export function auditRowOf(
	event: AuditEvent,
	at: number,
	origin: AuditOrigin = originOf(null)
): AuditEventRow {
	return {
		id: newEventId(),
		at,
		kind: event.kind,
		actor: event.actor,
		account_id: event.account?.id ?? null,
		account_email: event.account?.email ?? null,
		license_number: event.licenseNumber ?? null,
		device_id: event.deviceId ?? null,
		client_address: origin.clientAddress,
		node: origin.node,
		detail: JSON.stringify(event.detail ?? {})
	};
}

/** Appends one event; pass the transaction of the change it records. */
export async function recordAuditEvent(
	db: Db,
	event: AuditEvent,
	at: number,
	origin: AuditOrigin = originOf(null)
): Promise<void> {
	await insertAuditEvent(db, auditRowOf(event, at, origin));
}

/** One event as the admin CLI lists it. */
export interface AuditEntry {
	id: string;
	at: string;
	kind: string;
	actor: string;
	account: string | null;
	license: string | null;
	device: string | null;
	clientAddress: string | null;
	node: string;
	detail: AuditDetail;
}

function entryOf(row: AuditEventRow): AuditEntry {
	return {
		id: row.id,
		at: new Date(row.at).toISOString(),
		kind: row.kind,
		actor: row.actor,
		account: row.account_email,
		license: row.license_number,
		device: row.device_id,
		clientAddress: row.client_address,
		node: row.node,
		detail: JSON.parse(row.detail) as AuditDetail
	};
}

/** Every event matching `filter`, oldest first, read a page at a time (the log can be large). */
export async function* auditEntries(
	db: Db,
	filter: AuditFilter,
	pageSize = 1000
): AsyncGenerator<AuditEntry> {
	let cursor: AuditCursor | undefined;
	for (;;) {
		const page = await findAuditEvents(db, filter, pageSize, cursor);
		for (const row of page) yield entryOf(row);
		if (page.length < pageSize) return;
		const last = page.at(-1)!;
		cursor = { at: last.at, id: last.id };
	}
}

/** A license's number and its expansions': a license's history includes theirs. */
export async function withExpansions(db: Db, licenseNumber: string): Promise<string[]> {
	return [licenseNumber, ...(await expansionsOf(db, licenseNumber)).map((entry) => entry.license.number)];
}

/** How many events the owner's history view answers at most. */
export const LICENSE_HISTORY_LIMIT = 200;

function historyEventOf(row: AuditEventRow): LicenseHistoryEvent {
	const detail = JSON.parse(row.detail) as AuditDetail;
	const { via, seat } = detail;
	return {
		at: row.at,
		kind: row.kind as LicenseHistoryEvent['kind'],
		licenseNumber: row.license_number!,
		deviceId: row.device_id,
		clientAddress: row.client_address,
		via: via === 'instant' || via === 'deferred' ? via : null,
		seat: seat === 'taken' || seat === 'renewed' ? seat : null
	};
}

/**
 * The history of one of the account's licenses and its expansions, newest first. Only the events
 * recorded under this account: a license number of another account is answered as not found, so
 * nobody learns which numbers exist.
 */
export async function licenseHistory(
	db: Db,
	account: { id: string },
	licenseNumber: string
): Promise<{ ok: true; value: LicenseHistoryResponse } | { ok: false; error: Refusal }> {
	const number = licenseNumber.trim().toUpperCase();
	const license = await findLicense(db, number);
	if (!license || license.account_id !== account.id)
		return {
			ok: false,
			error: {
				code: 'license_not_found',
				message: `License ${number} was not found in your account. Refresh the License list.`,
				licenseNumber: number
			}
		};
	const rows = await latestAuditEvents(
		db,
		await withExpansions(db, number),
		account.id,
		LICENSE_HISTORY_LIMIT + 1
	);
	return {
		ok: true,
		value: {
			licenseNumber: number,
			events: rows.slice(0, LICENSE_HISTORY_LIMIT).map(historyEventOf),
			more: rows.length > LICENSE_HISTORY_LIMIT
		}
	};
}

/** Housekeeping: forgets the events older than the retention. */
export function pruneAuditLog(db: Db, now: number, retentionMs: number): Promise<number> {
	return pruneAuditEvents(db, now - retentionMs);
}
