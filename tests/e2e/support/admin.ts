// Seeds the end-to-end server's database through the vendor admin CLI, as a vendor would.
import { execFileSync } from 'node:child_process';

function admin(args: string[]): unknown {
	const output = execFileSync(process.execPath, ['scripts/admin.js', ...args, '--json'], {
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
