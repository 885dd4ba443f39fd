// Password hashing: argon2id. Hashes carry their own parameters, so raising the cost later only
// affects new hashes (and `needsRehash` tells when to upgrade an old one at login).
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { MAX_PASSWORD_LENGTH } from '$lib/protocol/account-api';

export { MAX_PASSWORD_LENGTH };

export interface PasswordCost {
	/** KiB of memory per hash. */
	memoryCost: number;
	/** Passes over the memory. */
	timeCost: number;
	parallelism: number;
}

/** OWASP's argon2id recommendation (19 MiB, 2 passes): about 30 ms on a server core. */
export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** For tests only: the cheapest argon2 accepts, so suites stay fast. */
export const TEST_PASSWORD_COST: PasswordCost = { memoryCost: 256, timeCost: 1, parallelism: 1 };

// The package exports its algorithms as an ambient const enum, which isolated modules cannot read.
const ARGON2ID = 2 as Algorithm;

export async function hashPassword(
	password: string,
	cost: PasswordCost = DEFAULT_PASSWORD_COST
): Promise<string> {
	return hash(password, { algorithm: ARGON2ID, ...cost });
}

/** Never throws: a malformed stored hash verifies nothing. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false; // a corrupt hash is treated as a wrong password, the safe side
	}
}

/** True when a stored hash was made with other parameters than `cost`. */
export function needsRehash(passwordHash: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): boolean {
	const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
	if (!match) return true;
	return (
		Number(match[1]) !== cost.memoryCost ||
		Number(match[2]) !== cost.timeCost ||
		Number(match[3]) !== cost.parallelism
	);
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * A hash of a random password made with `cost`, to verify against when the account does not exist:
 * an unknown e-mail then costs the same work as a wrong password.
 */
export function dummyPasswordHash(cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<string> {
	const key = `${cost.memoryCost}/${cost.timeCost}/${cost.parallelism}`;
	let dummy = dummyHashes.get(key);
	if (!dummy) {
		dummy = hashPassword(crypto.randomUUID(), cost);
		dummyHashes.set(key, dummy);
	}
	return dummy;
}
