import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from './cli-args';

describe('parseCommand', () => {
	it('parses every command', () => {
		expect(parseCommand(['account', 'create', '--email', 'a@b.test', '--password', 'secret-pw'])).toEqual({
			command: { name: 'account create', email: 'a@b.test', password: 'secret-pw' },
			json: false
		});
		expect(
			parseCommand([
				'license',
				'create',
				'--product',
				'srv',
				'--email',
				'a@b.test',
				'--seats',
				'3',
				'--expires',
				'2031-02-28',
				'--temporary-days',
				'30',
				'--no-deferred',
				'--no-emergency',
				'--expansion',
				'CLX',
				'--expansion',
				'web',
				'--json'
			])
		).toEqual({
			command: {
				name: 'license create',
				product: 'SRV',
				email: 'a@b.test',
				seats: 3,
				expiresAt: Date.parse('2031-02-28T23:59:59.999Z'),
				temporaryDays: 30,
				deferred: false,
				emergency: false,
				expansions: ['CLX', 'WEB']
			},
			json: true
		});
		expect(parseCommand(['license', 'list'])).toEqual({
			command: { name: 'license list', email: undefined },
			json: false
		});
		expect(parseCommand(['key', 'rotate', '--json'])).toEqual({
			command: { name: 'key rotate' },
			json: true
		});
		expect(parseCommand(['key', 'list'])).toEqual({ command: { name: 'key list' }, json: false });
		expect(parseCommand(['key', 'retire', '0123456789ABCDEF'])).toEqual({
			command: { name: 'key retire', kid: '0123456789abcdef' },
			json: false
		});
		expect(parseCommand(['key', 'withdraw', '0123456789abcdef', '--json'])).toEqual({
			command: { name: 'key withdraw', kid: '0123456789abcdef' },
			json: true
		});
		expect(() => parseCommand(['key', 'withdraw', 'x1'])).toThrow(/not a key id/);
		expect(() => parseCommand(['key', 'withdraw', '0123456789abcdef', 'more'])).toThrow(/Unexpected/);
		expect(() => parseCommand(['key', 'rotate', '0123456789abcdef'])).toThrow(/Unexpected/);
		expect(parseCommand(['demo'])).toEqual({ command: { name: 'demo' }, json: false });
		expect(parseCommand(['account', 'unlock', '--email', 'a@b.test', '--json'])).toEqual({
			command: { name: 'account unlock', email: 'a@b.test' },
			json: true
		});
		expect(
			parseCommand(['account', 'set-password', '--email', 'a@b.test', '--password', 'new secret pw'])
		).toEqual({
			command: { name: 'account set-password', email: 'a@b.test', password: 'new secret pw' },
			json: false
		});
		expect(parseCommand([]).command).toEqual({ name: 'help' });
	});

	it.each([
		[['licence', 'list'], 'Unknown command'],
		[['license', 'list', 'extra'], 'Unexpected'],
		[['license', 'list', '--seats', '2'], "'--seats'"],
		[['account', 'create', '--email', 'a@b.test'], '--password is required'],
		[['account', 'unlock'], '--email is required'],
		[['account', 'unlock', '--email', 'a@b.test', '--password', 'x'], "'--password'"],
		[['account', 'set-password', '--email', 'a@b.test'], '--password is required'],
		[['account', 'set-password', '--password', 'long enough pw'], '--email is required'],
		[['license', 'create', '--email', 'a@b.test'], '--product is required'],
		[
			['license', 'create', '--product', 'DEV', '--email', 'e', '--seats', 'two'],
			'--seats: expected a whole number'
		],
		[['license', 'create', '--product', 'DEV', '--email', 'e', '--seats', '0'], '--seats'],
		[
			['license', 'create', '--product', 'DEV', '--email', 'e', '--expires', '31/12/2030'],
			'--expires: expected a date as YYYY-MM-DD'
		],
		[
			['license', 'create', '--product', 'DEV', '--email', 'e', '--expires', '2030-13-45'],
			'--expires: expected a real calendar date'
		],
		[
			['license', 'create', '--product', 'D0V', '--email', 'e'],
			'--product: expected a three-symbol product code'
		]
	])('refuses %j with a clear message', (argv, message) => {
		expect(() => parseCommand(argv)).toThrow(UsageError);
		expect(() => parseCommand(argv)).toThrow(message);
	});

	it('parses license expand and refuses it without its options', () => {
		expect(
			parseCommand(['license', 'expand', '--license', 'srv-5bq7-mkxd-3h99', '--expansion', 'web'])
		).toEqual({
			command: { name: 'license expand', license: 'SRV-5BQ7-MKXD-3H99', expansion: 'WEB' },
			json: false
		});
		expect(() => parseCommand(['license', 'expand', '--license', 'SRV-5BQ7-MKXD-3H99'])).toThrow(
			'--expansion is required'
		);
	});
});
