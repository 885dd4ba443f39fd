// Seeds the end-to-end server's database through the vendor admin CLI, as a vendor would.
import { execFileSync } from 'node:child_process';

/**
 * The admin CLI as production runs it: the bundle `npm run build` makes, which the test server's own
 * start (scripts/start.js) has brought up to date before any test runs. One Node process with nothing
 * to compile: about two seconds less per call than `npm run admin` from the sources (tsx), and the
 * suite makes a few hundred calls. The CLI's tests run it from the sources (admin/cli.test.ts).
 */
export const ADMIN_CLI = 'build/admin/admin.js';

function admin(args: string[]): unknown {
	const output = execFileSync(process.execPath, [ADMIN_CLI, ...args, '--json'], {
		env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR },
		encoding: 'utf8'
	});
	return JSON.parse(output);
}

let counter = 0;

export interface TestAccount {
	email: string;
	password: string;
}

export function createTestAccount(prefix = 'user'): TestAccount {
	const email = `${prefix}-${process.pid}-${++counter}-${Date.now().toString(36)}@example.com`;
	const password = `pw-${crypto.randomUUID()}`;
	admin(['account', 'create', '--email', email, '--password', password]);
	return { email, password };
}

export interface TestLicense {
	number: string;
	expansions: { number: string; product: string }[];
}

export function createTestLicense(
	email: string,
	options: {
		product?: string;
		seats?: number;
		expansions?: string[];
		noDeferred?: boolean;
		noEmergency?: boolean;
		temporaryDays?: number;
	} = {}
): TestLicense {
	const args = [
		'license',
		'create',
		'--product',
		options.product ?? 'SRV',
		'--email',
		email,
		'--seats',
		String(options.seats ?? 1)
	];
	for (const expansion of options.expansions ?? []) args.push('--expansion', expansion);
	if (options.noDeferred) args.push('--no-deferred');
	if (options.noEmergency) args.push('--no-emergency');
	if (options.temporaryDays) args.push('--temporary-days', String(options.temporaryDays));
	return admin(args) as TestLicense;
}

/** The vendor attaches a newly purchased expansion to a license. */
export function addTestExpansion(licenseNumber: string, product: string): { number: string } {
	return admin(['license', 'expand', '--license', licenseNumber, '--expansion', product]) as {
		number: string;
	};
}
