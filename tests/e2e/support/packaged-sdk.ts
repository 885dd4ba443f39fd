// Playwright's global set-up: the vendor program's tests run the SDK as a vendor gets it, from the
// library build (dist/). Built here when dist/ is missing or older than the SDK's or protocol's code,
// so a test never runs yesterday's library.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUILT = 'dist/sdk/index.js';
const SOURCES = ['src/lib/sdk', 'src/lib/protocol', 'package.json'];

function newestChange(path: string): number {
	const info = statSync(path);
	if (!info.isDirectory()) return info.mtimeMs;
	return Math.max(info.mtimeMs, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

export default function packageSdk(): void {
	const built = existsSync(BUILT) ? statSync(BUILT).mtimeMs : 0;
	if (built > Math.max(...SOURCES.map(newestChange))) return;
	execFileSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit' });
}
