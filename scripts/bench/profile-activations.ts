// Profiles the server under activation load: `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"
// node --import tsx scripts/bench/profile-activations.ts` (see scripts/bench.js for the tsconfig
// variable), then open the .cpuprofile in a browser's DevTools.
import { measureActivations } from './activation.bench';
import { BENCH_PORTS } from './servers';

console.log(await measureActivations('sqlite', BENCH_PORTS.profile, { connections: 50, seconds: 8 }));
