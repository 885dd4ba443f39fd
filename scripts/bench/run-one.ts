// Runs one group of benchmarks: `node --import tsx scripts/bench/run-one.ts pwa|protocol|client|sdk|license-list|activation|busy-database`.
import { printTable, type Row } from './measure';

const group = process.argv[2];
const loaders: Record<string, () => Promise<Row[]>> = {
	protocol: async () => (await import('./protocol.bench')).protocolBenchmarks(),
	pwa: async () => (await import('./pwa.bench')).pwaBenchmarks({ quick: process.argv.includes('--quick') }),
	client: async () => (await import('./client.bench')).clientBenchmarks(),
	sdk: async () => (await import('./sdk.bench')).sdkBenchmarks(),
	activation: async () => (await import('./activation.bench')).activationBenchmarks(),
	'license-list': async () => (await import('./license-list.bench')).licenseListBenchmarks(),
	'busy-database': async () => (await import('./busy-database.bench')).busyDatabaseBenchmarks()
};
const load = group ? loaders[group] : undefined;
if (!load) {
	console.error(`Usage: run-one.ts ${Object.keys(loaders).join('|')}`);
	process.exit(2);
}
console.log(printTable(await load()));
if (group === 'activation') console.log(`\n${(await import('./activation.bench')).sizingModel()}`);
