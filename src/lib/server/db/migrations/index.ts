// Every migration, by name. Names sort in the order they run; append new ones, never rename or edit.
// Listed statically (not read from disk) so the bundled server and the CLI see the same set.
import type { Migration } from 'kysely';
import * as initial from './0001-initial';
import * as emergency from './0002-emergency';
import * as projects from './0003-projects';
import * as seatsInUse from './0004-seats-in-use';
import * as keysInDatabase from './0005-keys-in-database';
import * as emergencyPerDevice from './0006-emergency-per-device';
import * as auditEvents from './0007-audit-events';
import * as activationInOneCall from './0008-activation-in-one-call';

export const migrations: Record<string, Migration> = {
	'0001-initial': initial,
	'0002-emergency': emergency,
	'0003-projects': projects,
	'0004-seats-in-use': seatsInUse,
	'0005-keys-in-database': keysInDatabase,
	'0006-emergency-per-device': emergencyPerDevice,
	'0007-audit-events': auditEvents,
	'0008-activation-in-one-call': activationInOneCall
};
