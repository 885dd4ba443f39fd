// Runs every benchmark and prints one table. `--check` exits non-zero when a target is missed.
import { cpus, totalmem } from 'node:os';
import { printTable, type Row } from './measure';
import { protocolBenchmarks } from './protocol.bench';
import { activationBenchmarks } from './activation.bench';
import { pwaBenchmarks } from './pwa.bench';
import { licenseListBenchmarks } from './license-list.bench';
import { busyDatabaseBenchmarks } from './busy-database.bench';

const check = process.argv.includes('--check');
const rows: Row[] = [
	...(await protocolBenchmarks()),
	...(await pwaBenchmarks()),
	...(await licenseListBenchmarks()),
	...(await activationBenchmarks()),
	...(await busyDatabaseBenchmarks())
];

console.log(
	`\nAirlock benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`
);
console.log(printTable(rows));
const missed = rows.filter((row) => row.met === false);
if (missed.length > 0) console.log(`\nMissed: ${missed.map((row) => row.what).join('; ')}`);
if (check && missed.length > 0) process.exit(1);
