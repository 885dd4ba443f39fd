// Measuring helpers: run an operation for a fixed time after a warm-up and report its rate.

export interface Rate {
	opsPerSecond: number;
	/** Mean time of one operation, in milliseconds. */
	meanMs: number;
	iterations: number;
}

export async function measureRate(
	operation: () => unknown,
	seconds = 1.5,
	warmupSeconds = 0.3
): Promise<Rate> {
	const run = async (budgetMs: number) => {
		const start = performance.now();
		let iterations = 0;
		while (performance.now() - start < budgetMs) {
			// Batches of 16 keep the clock reads out of the measurement.
			for (let i = 0; i < 16; i++) await operation();
			iterations += 16;
		}
		return { iterations, elapsedMs: performance.now() - start };
	};
	await run(warmupSeconds * 1000);
	const { iterations, elapsedMs } = await run(seconds * 1000);
	return { opsPerSecond: (iterations / elapsedMs) * 1000, meanMs: elapsedMs / iterations, iterations };
}

export function formatNumber(value: number, digits = 0): string {
	return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export interface Row {
	what: string;
	value: string;
	baseline: string;
	ratio: string;
	target: string;
	met: boolean | null;
}

export function printTable(rows: Row[]): string {
	const header = ['what', 'measured', 'baseline', 'ratio', 'target', 'met'];
	const cells = rows.map((row) => [
		row.what,
		row.value,
		row.baseline,
		row.ratio,
		row.target,
		row.met === null ? '–' : row.met ? 'yes' : 'NO'
	]);
	const lines = [
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...cells.map((c) => `| ${c.join(' | ')} |`)
	];
	return lines.join('\n');
}
