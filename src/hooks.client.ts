// zod compiles fast validators with `new Function` when it may: under the pages' Content-Security-
// Policy (no 'unsafe-eval') its probe would be reported as a violation, so it is told not to try.
import { config } from 'zod';

config({ jitless: true });
