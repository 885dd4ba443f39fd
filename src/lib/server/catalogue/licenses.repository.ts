// The catalogue: products and the licenses sold for them, with expansions attached to a parent.
import { generateLicenseNumber } from '$lib/protocol/license-number';
import { execute, statement } from '../db/compiled';
import type { Db, License, NewLicense, NewProduct, Product } from '../db/schema';

/** Gave up generating a license number: every try collided, which means something else is wrong. */
export class LicenseNumberExhaustedError extends Error {
	override name = 'LicenseNumberExhaustedError';
}

/** Inserts a product, or leaves an existing one with the same code alone; true when inserted. */
export async function insertProduct(db: Db, product: NewProduct): Promise<boolean> {
	const result = await db
		.insertInto('products')
		.values(product)
		.onConflict((conflict) => conflict.column('code').doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findProduct(db: Db, code: string): Promise<Product | undefined> {
	return db.selectFrom('products').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listProducts(db: Db): Promise<Product[]> {
	return db.selectFrom('products').selectAll().orderBy('code').execute();
}

export type NewLicenseFields = Omit<NewLicense, 'number' | 'revision'>;

const MAX_NUMBER_ATTEMPTS = 8;

/**
 * Inserts a license under a fresh random number for its product. A collision (one in 31^11 per
 * existing license) is retried with another number; `ON CONFLICT DO NOTHING` keeps a collision from
 * aborting a surrounding PostgreSQL transaction.
 */
export async function insertLicense(
	db: Db,
	fields: NewLicenseFields,
	nextNumber: (prefix: string) => string = generateLicenseNumber
): Promise<License> {
	for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
		const row = await db
			.insertInto('licenses')
			.values({ ...fields, number: nextNumber(fields.product_code) })
			.onConflict((conflict) => conflict.column('number').doNothing())
			.returningAll()
			.executeTakeFirst();
		if (row) return row;
	}
	throw new LicenseNumberExhaustedError(
		`no free license number for ${fields.product_code} after ${MAX_NUMBER_ATTEMPTS} attempts`
	);
}

export async function findLicense(db: Db, number: string): Promise<License | undefined> {
	return db.selectFrom('licenses').selectAll().where('number', '=', number).executeTakeFirst();
}

/** A license and its product. */
export interface LicenseEntry {
	license: License;
	product: Product;
}

export interface LicenseWithExpansions extends LicenseEntry {
	expansions: LicenseEntry[];
}

/** A license row joined with its product's columns (as product_name, product_kind, …). */
export type LicenseProductRow = License & {
	product_name: string;
	product_kind: Product['kind'];
	product_default_quantity: number;
};

export function splitJoined(row: LicenseProductRow): LicenseEntry {
	const { product_name, product_kind, product_default_quantity, ...license } = row;
	return {
		license,
		product: {
			code: license.product_code,
			name: product_name,
			kind: product_kind,
			default_quantity: product_default_quantity
		}
	};
}

// Every activation and refresh reads these: compiled SQL (db/compiled.ts).
export const WITH_PRODUCT = `select l.number, l.product_code, l.account_id, l.seats, l.quantity, l.kind,
	l.expires_at, l.renewal_days, l.deferred_allowed, l.emergency_allowed, l.parent_number, l.revision,
	l.seats_in_use, l.created_at, l.updated_at, p.name as product_name, p.kind as product_kind,
	p.default_quantity as product_default_quantity
	from licenses l join products p on p.code = l.product_code`;
const LICENSE = statement(`${WITH_PRODUCT} where l.number = ?`);
// PostgreSQL locks the license row for a seat check; SQLite's writer already holds the database.
const LOCKED_LICENSE = statement(`${WITH_PRODUCT} where l.number = ?`, ' for update of l');
const EXPANSIONS = statement(`${WITH_PRODUCT} where l.parent_number = ? order by l.created_at, l.number`);

/** The license and its product, if it exists; with `lock`, its row is locked until the transaction ends. */
export async function findLicenseEntry(
	db: Db,
	number: string,
	{ lock = false }: { lock?: boolean } = {}
): Promise<LicenseEntry | undefined> {
	const row = (await execute<LicenseProductRow>(db, lock ? LOCKED_LICENSE : LICENSE, [number])).rows[0];
	return row && splitJoined(row);
}

/** The expansions attached to a license, oldest first. */
export async function expansionsOf(db: Db, number: string): Promise<LicenseEntry[]> {
	return (await execute<LicenseProductRow>(db, EXPANSIONS, [number])).rows.map(splitJoined);
}

/** A license with its product and the expansions attached to it (oldest first). */
export async function getLicenseWithExpansions(
	db: Db,
	number: string
): Promise<LicenseWithExpansions | undefined> {
	const entry = await findLicenseEntry(db, number);
	return entry && { ...entry, expansions: await expansionsOf(db, number) };
}

/** An account's licenses, expansions included, oldest first. */
export async function listLicensesByAccount(db: Db, accountId: string): Promise<License[]> {
	return db
		.selectFrom('licenses')
		.selectAll()
		.where('account_id', '=', accountId)
		.orderBy('created_at')
		.orderBy('number')
		.execute();
}

/** Every license, for the admin CLI. */
export async function listAllLicenses(db: Db): Promise<(License & { email: string })[]> {
	return db
		.selectFrom('licenses')
		.innerJoin('accounts', 'accounts.id', 'licenses.account_id')
		.selectAll('licenses')
		.select('accounts.email')
		.orderBy('licenses.created_at')
		.orderBy('licenses.number')
		.execute();
}

/** Attaches an existing expansion license to a parent and bumps the parent's revision. */
export async function attachExpansion(
	db: Db,
	expansionNumber: string,
	parentNumber: string,
	now: number
): Promise<void> {
	await db
		.updateTable('licenses')
		.set({ parent_number: parentNumber, updated_at: now })
		.where('number', '=', expansionNumber)
		.execute();
	await bumpRevision(db, parentNumber, now);
}

/** Marks a license as changed so clients holding it know to refresh; returns the new revision. */
export async function bumpRevision(db: Db, number: string, now: number): Promise<number | undefined> {
	const row = await db
		.updateTable('licenses')
		.set((eb) => ({ revision: eb('revision', '+', 1), updated_at: now }))
		.where('number', '=', number)
		.returning('revision')
		.executeTakeFirst();
	return row?.revision;
}

/** The account's licenses with their product names (expansions included), oldest first. */
export async function listAccountLicensesWithProducts(db: Db, accountId: string) {
	return db
		.selectFrom('licenses')
		.innerJoin('products', 'products.code', 'licenses.product_code')
		.select([
			'licenses.number',
			'licenses.product_code',
			'licenses.kind',
			'licenses.seats',
			'licenses.expires_at',
			'licenses.renewal_days',
			'licenses.deferred_allowed',
			'licenses.emergency_allowed',
			'licenses.parent_number',
			'products.name as product_name'
		])
		.where('licenses.account_id', '=', accountId)
		.orderBy('licenses.created_at')
		.orderBy('licenses.number')
		.execute();
}
