// The typed shape of the server database. Timestamps are epoch milliseconds (bigint in PostgreSQL,
// parsed to number by database.ts) and booleans are 0/1 integers, so every query is the same SQL on
// SQLite and PostgreSQL.
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';

/** 0 or 1: booleans are stored as integers on both databases. */
export type Flag = 0 | 1;

export interface AccountsTable {
	id: string;
	/** Trimmed and lower-cased; unique. */
	email: string;
	password_hash: string;
	created_at: number;
}

export interface SessionsTable {
	/** Hex SHA-256 of the session token: the token itself is never stored. */
	id: string;
	account_id: string;
	created_at: number;
	expires_at: number;
	last_used_at: number;
}

/** Fixed-window counters, shared by every app node because they live in the database. */
export interface RateLimitsTable {
	key: string;
	window_start: number;
	count: number;
}

export type ProductKind = 'application' | 'expansion';

export interface ProductsTable {
	/** The three-symbol prefix of the product's license numbers. */
	code: string;
	name: string;
	kind: ProductKind;
	default_quantity: number;
}

export type LicenseKind = 'standard' | 'temporary';

export interface LicensesTable {
	number: string;
	product_code: string;
	account_id: string;
	/** How many devices may hold an activation at once. */
	seats: number;
	/** What the license grants on each device (e.g. 10 client connections for an expansion). */
	quantity: number;
	kind: LicenseKind;
	expires_at: number | null;
	/** Temporary licenses: how many days an issued file is valid before it must be refreshed. */
	renewal_days: number | null;
	deferred_allowed: Flag;
	emergency_allowed: Flag;
	/** For an expansion: the license it is attached to. */
	parent_number: string | null;
	/** Bumped whenever the license or its expansions change, so clients know to refresh. */
	revision: Generated<number>;
	/** Live activations of the license, kept by triggers (migration 0004). */
	seats_in_use: Generated<number>;
	created_at: number;
	updated_at: number;
}

export interface ActivationsTable {
	id: string;
	license_number: string;
	device_id: string;
	/** base64url Ed25519 public key of the device. */
	device_public_key: string;
	account_id: string;
	first_activated_at: number;
	last_issued_at: number;
	last_seen_at: number;
	released_at: number | null;
	/** Why the seat was released (e.g. `owner` from the License list); null while live. */
	release_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Registration requests already answered: a replayed request gets the same answer, never a new one. */
export interface RequestsTable {
	device_id: string;
	nonce: string;
	/** Hex SHA-256 of the request's canonical bytes: the same nonce with other content is refused. */
	digest: string;
	account_id: string | null;
	response: string;
	created_at: number;
}

export type SigningKeyStatus = 'active' | 'verify-only';

/** Public parts only: private keys live in SIGNING_KEY or the key file, never in the database. */
export interface SigningKeysTable {
	kid: string;
	public_key: string;
	/** At most one row is active (a partial unique index); withdrawn keys keep 'verify-only'. */
	status: SigningKeyStatus;
	created_at: number;
	/** The private seed, AES-256-GCM under the key-encryption key (keys/key-encryption.ts); null for
	 * keys that no longer sign, for SIGNING_KEY's key and for public parts imported from elsewhere. */
	sealed_seed: ColumnType<string | null, string | null | undefined, string | null>;
	/** The kid of the key active before this one, which signed `introduction` (FORMATS.md §6.2). */
	introduced_by: ColumnType<string | null, string | null | undefined, string | null>;
	introduction: ColumnType<string | null, string | null | undefined, string | null>;
	retired_at: ColumnType<number | null, number | null | undefined, number | null>;
	/** Set when the vendor withdrew trust in the key: no longer published as trusted, ever. */
	withdrawn_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** One row (id 1): when the published key set last changed; key changes lock it (PostgreSQL). */
export interface KeySetTable {
	id: number;
	issued_at: number;
}

export interface EmergencyUsesTable {
	/** Unique: an emergency activation can be used once per license. */
	license_number: string;
	device_id: string;
	used_at: number;
	reported_at: number | null;
	/** The columns below arrived with migration 0002; rows written before it have them null. */
	device_public_key: string | null;
	basis: 'code' | 'bare-number' | null;
	code_id: string | null;
	ends_at: number | null;
	/** The signed emergency use (AIRLOCK EMERGENCY USE block) the device reported. */
	report: string | null;
}

/** One emergency use per device: the first one it reported (migration 0006). */
export interface EmergencyDeviceUsesTable {
	device_id: string;
	license_number: string;
	used_at: number;
}

/** One emergency code per license, issued on first request and handed out unchanged after. */
export interface EmergencyCodesTable {
	license_number: string;
	code_id: string;
	/** The compact text, AIRLOCK-EC1:…. */
	code: string;
	kid: string;
	issued_at: number;
}

export interface SyncOperationsTable {
	account_id: string;
	op_id: string;
	result: string;
	applied_at: number;
}

/** A project of an account; the stamps are $lib/protocol/store.ts stampKey text. */
export interface ProjectsTable {
	account_id: string;
	id: string;
	name: string;
	name_stamp: string;
	deleted_stamp: string | null;
	created_at: number;
	updated_at: number;
}

export interface LicenseLinksTable {
	license_number: string;
	account_id: string;
	project_id: string | null;
	stamp: string;
	updated_at: number;
}

/** An edit of one device that lost to another device's, kept to tell the device that made it. */
export interface StoreConflictsTable {
	account_id: string;
	key: string;
	device_id: string;
	/** The LostEdit, as JSON. */
	report: string;
	created_at: number;
}

export interface Database {
	accounts: AccountsTable;
	sessions: SessionsTable;
	rate_limits: RateLimitsTable;
	products: ProductsTable;
	licenses: LicensesTable;
	activations: ActivationsTable;
	requests: RequestsTable;
	signing_keys: SigningKeysTable;
	key_set: KeySetTable;
	emergency_uses: EmergencyUsesTable;
	emergency_device_uses: EmergencyDeviceUsesTable;
	emergency_codes: EmergencyCodesTable;
	sync_operations: SyncOperationsTable;
	projects: ProjectsTable;
	license_links: LicenseLinksTable;
	store_conflicts: StoreConflictsTable;
	audit_events: AuditEventsTable;
}

/** One audit event (migration 0007): append-only, pruned only past the retention. */
export interface AuditEventsTable {
	id: string;
	at: number;
	/** What happened: audit/audit-kinds.ts. */
	kind: string;
	/** Who did it: the signed-in customer, a device by its signed request, the vendor's admin CLI. */
	actor: string;
	account_id: string | null;
	/** The account's e-mail when the event happened. */
	account_email: string | null;
	license_number: string | null;
	device_id: string | null;
	/** The client's network address as the server saw it (ADDRESS_HEADER); none for the CLI. */
	client_address: string | null;
	/** The server node that handled it (NODE_NAME). */
	node: string;
	/** JSON object with the kind's own facts (e.g. the activation's path, a key id). */
	detail: string;
}

/** What repositories take: the database or a transaction on it. */
export type Db = Kysely<Database>;

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type Session = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type Product = Selectable<ProductsTable>;
export type NewProduct = Insertable<ProductsTable>;
export type License = Selectable<LicensesTable>;
export type NewLicense = Insertable<LicensesTable>;
export type LicenseUpdate = Updateable<LicensesTable>;
export type Activation = Selectable<ActivationsTable>;
export type NewActivation = Insertable<ActivationsTable>;
export type RequestRecord = Selectable<RequestsTable>;
export type NewRequestRecord = Insertable<RequestsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type EmergencyUse = Selectable<EmergencyUsesTable>;
export type NewEmergencyUse = Insertable<EmergencyUsesTable>;
export type EmergencyCodeRow = Selectable<EmergencyCodesTable>;
export type SyncOperation = Selectable<SyncOperationsTable>;
export type NewSyncOperation = Insertable<SyncOperationsTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type LicenseLinkRow = Selectable<LicenseLinksTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
