// A few checks of data shapes, for what the License Manager reads on its start-up path (its own
// IndexedDB rows, the health and keys answers): zod costs ~29 KB gzip, more than a third of the home
// page's budget, so these are checked with this file instead and zod loads only with the pages and
// workflows that need it. Same rules as the zod schemas they stand for: unknown keys are dropped,
// numbers are finite, lengths count UTF-16 code units. `parser` gives them zod's parse/safeParse.

export const INVALID: unique symbol = Symbol('invalid');
export type Check<T> = (value: unknown) => T | typeof INVALID;
export type Output<C> = C extends Check<infer T> ? T : never;

/** A field that may be absent (or undefined), as zod's `.optional()`. */
export interface OptionalCheck<T> extends Check<T | undefined> {
	readonly optional: true;
}

export function string(rules: { min?: number; max?: number; pattern?: RegExp } = {}): Check<string> {
	return (value) =>
		typeof value === 'string' &&
		value.length >= (rules.min ?? 0) &&
		value.length <= (rules.max ?? Infinity) &&
		(!rules.pattern || rules.pattern.test(value))
			? value
			: INVALID;
}

export function number(rules: { int?: boolean; min?: number } = {}): Check<number> {
	return (value) =>
		typeof value === 'number' &&
		Number.isFinite(value) &&
		(!rules.int || Number.isSafeInteger(value)) &&
		value >= (rules.min ?? -Infinity)
			? value
			: INVALID;
}

export const boolean: Check<boolean> = (value) => (typeof value === 'boolean' ? value : INVALID);

export function literal<const L extends string>(expected: L): Check<L> {
	return (value) => (value === expected ? expected : INVALID);
}

export function oneOf<const L extends string>(values: readonly L[]): Check<L> {
	return (value) => (values.includes(value as L) ? (value as L) : INVALID);
}

export function nullable<T>(check: Check<T>): Check<T | null> {
	return (value) => (value === null ? null : check(value));
}

export function optional<T>(check: Check<T>): OptionalCheck<T> {
	return Object.assign((value: unknown) => (value === undefined ? undefined : check(value)), {
		optional: true as const
	});
}

export function array<T>(item: Check<T>, rules: { max?: number } = {}): Check<T[]> {
	return (value) => {
		if (!Array.isArray(value) || value.length > (rules.max ?? Infinity)) return INVALID;
		const out: T[] = [];
		for (const element of value) {
			const checked = item(element);
			if (checked === INVALID) return INVALID;
			out.push(checked);
		}
		return out;
	};
}

/** Any value that passes `test`, kept as it is (zod's `z.custom`). */
export function custom<T>(test: (value: unknown) => value is T): Check<T> {
	return (value) => (test(value) ? value : INVALID);
}

/** A value JSON can carry (zod's `z.json()`): null, booleans, finite numbers, strings, arrays, plain objects. */
export const json: Check<unknown> = (value) => (isJson(value) ? value : INVALID);

function isJson(value: unknown): boolean {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
	if (typeof value === 'number') return Number.isFinite(value);
	if (Array.isArray(value)) return value.every(isJson);
	if (typeof value !== 'object') return false;
	const prototype = Object.getPrototypeOf(value);
	return (prototype === Object.prototype || prototype === null) && Object.values(value).every(isJson);
}

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = {
	[K in keyof S]: S[K] extends OptionalCheck<unknown> ? K : never;
}[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOutput<S extends Shape> = Simplify<
	{ [K in Exclude<keyof S, OptionalKeys<S>>]: Output<S[K]> } & {
		[K in OptionalKeys<S>]?: Exclude<Output<S[K]>, undefined>;
	}
>;

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with these fields; other keys are dropped, an absent optional field stays absent. */
export function object<S extends Shape>(shape: S): Check<ObjectOutput<S>> {
	return (value) => {
		if (!isRecord(value)) return INVALID;
		const out: Record<string, unknown> = {};
		for (const [key, check] of Object.entries(shape)) {
			const checked = check(value[key]);
			if (checked === INVALID) return INVALID;
			if (key in value) out[key] = checked;
			else if (!('optional' in check)) out[key] = checked;
		}
		return out as ObjectOutput<S>;
	};
}

/** One of several object shapes, chosen by the value of one key (zod's `z.discriminatedUnion`). */
export function union<T>(...checks: Check<T>[]): Check<T> {
	return (value) => {
		for (const check of checks) {
			const checked = check(value);
			if (checked !== INVALID) return checked;
		}
		return INVALID;
	};
}

export class ShapeError extends Error {
	override name = 'ShapeError';
}

export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: ShapeError };

/** zod's parse and safeParse over a check, so call sites read the same for both. */
export interface Parser<T> {
	safeParse(value: unknown): SafeParseResult<T>;
	parse(value: unknown): T;
}

export function parser<T>(what: string, check: Check<T>): Parser<T> {
	const safeParse = (value: unknown): SafeParseResult<T> => {
		const checked = check(value);
		return checked === INVALID
			? { success: false, error: new ShapeError(`not a valid ${what}`) }
			: { success: true, data: checked };
	};
	return {
		safeParse,
		parse(value) {
			const result = safeParse(value);
			if (!result.success) throw result.error;
			return result.data;
		}
	};
}
