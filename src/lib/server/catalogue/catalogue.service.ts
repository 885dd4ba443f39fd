// Selling licenses: creating a license (with its expansions) for an account's product.
import type { Account, Db, License, NewProduct, Product } from '../db/schema';
import { findAccountByEmail, findAccountById } from '../accounts/accounts.repository';
import { recordAuditEvent } from '../audit/audit.service';
import { bumpRevision, findLicense, findProduct, insertLicense, insertProduct } from './licenses.repository';

/** The products every Airlock server knows, in the spirit of the reference's editions and expansions. */
export const DEMO_PRODUCTS: readonly NewProduct[] = [
	{ code: 'DEV', name: 'Airlock Developer Edition', kind: 'application', default_quantity: 1 },
	{ code: 'SRV', name: 'Airlock Server Edition', kind: 'application', default_quantity: 1 },
	{ code: 'CLX', name: 'Client Connections Expansion', kind: 'expansion', default_quantity: 10 },
	{ code: 'WEB', name: 'Web & REST Expansion', kind: 'expansion', default_quantity: 1 }
];

/** Adds the catalogue's products that are missing; existing ones are left as they are. */
export async function ensureCatalogue(db: Db): Promise<void> {
	for (const product of DEMO_PRODUCTS) await insertProduct(db, product);
}

export interface CreateLicenseInput {
	productCode: string;
	email: string;
	seats?: number;
	quantity?: number;
	/** Epoch ms after which the license no longer activates; none by default. */
	expiresAt?: number | null;
	/** Makes a temporary license whose issued files must be refreshed every N days. */
	temporaryDays?: number | null;
	deferredAllowed?: boolean;
	emergencyAllowed?: boolean;
	/** Product codes of expansions to create and attach, each with its own number. */
	expansions?: string[];
}

export interface CreatedLicense {
	license: License;
	product: Product;
	expansions: { license: License; product: Product }[];
}

export type CreateLicenseResult =
	| { ok: true; created: CreatedLicense }
	| {
			ok: false;
			code:
				'unknown_product' | 'unknown_account' | 'not_an_application' | 'not_an_expansion' | 'invalid_value';
			message: string;
	  };

function invalid(message: string): CreateLicenseResult {
	return { ok: false, code: 'invalid_value', message };
}

/** Creates a license and its expansions in one transaction; the caller passes `db` (not a transaction). */
export async function createLicense(
	db: Db,
	input: CreateLicenseInput,
	now: number
): Promise<CreateLicenseResult> {
	const seats = input.seats ?? 1;
	if (!Number.isInteger(seats) || seats < 1 || seats > 10_000)
		return invalid('Seats are a whole number from 1 to 10000.');
	if (
		input.temporaryDays != null &&
		(!Number.isInteger(input.temporaryDays) || input.temporaryDays < 1 || input.temporaryDays > 3650)
	) {
		return invalid('Temporary days are a whole number from 1 to 3650.');
	}
	if (input.expiresAt != null && input.expiresAt <= now) return invalid('The expiry date is in the past.');

	return db.transaction().execute(async (trx): Promise<CreateLicenseResult> => {
		const product = await findProduct(trx, input.productCode.toUpperCase());
		if (!product)
			return { ok: false, code: 'unknown_product', message: `There is no product ${input.productCode}.` };
		if (product.kind !== 'application') {
			return {
				ok: false,
				code: 'not_an_application',
				message: `${product.code} is an expansion: create it with --expansion on the license it extends.`
			};
		}
		const account: Account | undefined = await findAccountByEmail(trx, input.email);
		if (!account)
			return { ok: false, code: 'unknown_account', message: `There is no account ${input.email}.` };

		const expansionProducts: Product[] = [];
		for (const code of input.expansions ?? []) {
			const expansion = await findProduct(trx, code.toUpperCase());
			if (!expansion) return { ok: false, code: 'unknown_product', message: `There is no product ${code}.` };
			if (expansion.kind !== 'expansion') {
				return { ok: false, code: 'not_an_expansion', message: `${expansion.code} is not an expansion.` };
			}
			expansionProducts.push(expansion);
		}

		const common = {
			account_id: account.id,
			kind: input.temporaryDays != null ? ('temporary' as const) : ('standard' as const),
			expires_at: input.expiresAt ?? null,
			renewal_days: input.temporaryDays ?? null,
			deferred_allowed: input.deferredAllowed === false ? (0 as const) : (1 as const),
			emergency_allowed: input.emergencyAllowed === false ? (0 as const) : (1 as const),
			created_at: now,
			updated_at: now
		};
		const license = await insertLicense(trx, {
			...common,
			product_code: product.code,
			seats,
			quantity: input.quantity ?? product.default_quantity,
			parent_number: null
		});
		const expansions: CreatedLicense['expansions'] = [];
		for (const expansion of expansionProducts) {
			// An expansion follows its parent: same seats and the same rules.
			const row = await insertLicense(trx, {
				...common,
				product_code: expansion.code,
				seats,
				quantity: expansion.default_quantity,
				parent_number: license.number
			});
			expansions.push({ license: row, product: expansion });
		}
		await recordAuditEvent(
			trx,
			{
				kind: 'license.creation',
				actor: 'admin',
				account,
				licenseNumber: license.number,
				detail: {
					product: product.code,
					seats,
					expansions: expansions.map((e) => e.license.number).join(' ')
				}
			},
			now
		);
		return { ok: true, created: { license, product, expansions } };
	});
}

/** Creates an expansion and attaches it to an existing license, bumping that license's revision. */
export async function addExpansion(
	db: Db,
	parentNumber: string,
	expansionCode: string,
	now: number
): Promise<
	| { ok: true; license: License }
	| { ok: false; code: 'unknown_license' | 'unknown_product' | 'not_an_expansion'; message: string }
> {
	return db.transaction().execute(async (trx) => {
		const parent = await findLicense(trx, parentNumber);
		if (!parent || parent.parent_number !== null) {
			return {
				ok: false as const,
				code: 'unknown_license' as const,
				message: `There is no license ${parentNumber} to extend.`
			};
		}
		const product = await findProduct(trx, expansionCode.toUpperCase());
		if (!product)
			return {
				ok: false as const,
				code: 'unknown_product' as const,
				message: `There is no product ${expansionCode}.`
			};
		if (product.kind !== 'expansion') {
			return {
				ok: false as const,
				code: 'not_an_expansion' as const,
				message: `${product.code} is not an expansion.`
			};
		}
		const license = await insertLicense(trx, {
			product_code: product.code,
			account_id: parent.account_id,
			seats: parent.seats,
			quantity: product.default_quantity,
			kind: parent.kind,
			expires_at: parent.expires_at,
			renewal_days: parent.renewal_days,
			deferred_allowed: parent.deferred_allowed,
			emergency_allowed: parent.emergency_allowed,
			parent_number: parent.number,
			created_at: now,
			updated_at: now
		});
		await bumpRevision(trx, parent.number, now);
		const account = await findAccountById(trx, parent.account_id);
		await recordAuditEvent(
			trx,
			{
				kind: 'license.expansion',
				actor: 'admin',
				account: account ?? null,
				licenseNumber: parent.number,
				detail: { expansion: license.number, product: product.code }
			},
			now
		);
		return { ok: true as const, license };
	});
}
