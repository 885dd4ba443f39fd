// Backups of the SQLite database while the server runs, and restoring one. The copy is SQLite's
// online backup (better-sqlite3's backup API) taken in one step: one read transaction, so the copy is
// the database as it was at one instant — every write committed before it began, none half-done —
// while the server goes on writing (a WAL reader never blocks a writer). It is written beside the
// target and renamed into place only once checked, so a failed backup (no space, no permission)
// leaves no partial file, and the live database is only ever read. PostgreSQL has its own tools
// (pg_dump / pg_restore: docs/DEPLOY.md).
import SQLite from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { migrations } from './migrations';

export type BackupErrorCode =
	| 'backup_target_exists'
	| 'backup_write_failed'
	| 'backup_source_missing'
	| 'restore_source_missing'
	| 'restore_not_a_database'
	| 'restore_damaged'
	| 'restore_not_airlock'
	| 'restore_newer'
	| 'restore_server_running';

export class BackupError extends Error {
	override name = 'BackupError';
	constructor(
		readonly code: BackupErrorCode,
		message: string
	) {
		super(message);
	}
}

/** Copies every page in the first step: a consistent copy even while other connections write. */
const ALL_PAGES = 0x7fffffff;

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function removeQuietly(file: string): void {
	rmSync(file, { force: true });
}

/** Backs `liveFile` up to `target` (a new file). The live database is read, never written. */
export async function backupSqlite(liveFile: string, target: string): Promise<{ bytes: number }> {
	if (!existsSync(liveFile))
		throw new BackupError(
			'backup_source_missing',
			`There is no database at ${liveFile} to back up. Check DATA_DIR (or DATABASE_URL for PostgreSQL).`
		);
	if (existsSync(target))
		throw new BackupError(
			'backup_target_exists',
			`${target} already exists: a backup never overwrites a file. Choose a new name, or move that file away first.`
		);
	const partial = `${target}.partial-${process.pid}`;
	try {
		const live = new SQLite(liveFile, { readonly: true, fileMustExist: true });
		try {
			await live.backup(partial, { progress: () => ALL_PAGES });
		} finally {
			live.close();
		}
		// The copy keeps the live file's WAL mode; a backup is one self-contained file instead.
		const copy = new SQLite(partial);
		try {
			copy.pragma('journal_mode = DELETE');
		} finally {
			copy.close();
		}
		checkDatabase(partial, 'backup_write_failed');
		renameSync(partial, target);
		return { bytes: statSync(target).size };
	} catch (error) {
		removeQuietly(partial);
		if (error instanceof BackupError) throw error;
		throw new BackupError(
			'backup_write_failed',
			`The backup could not be written to ${target} (${reasonOf(error)}). Nothing was written there, and the live database is untouched. Check the folder exists, is writable and has space.`
		);
	}
}

/**
 * Checks that `file` is an intact Airlock database this version can run: SQLite's own check, then the
 * migrations it has (none this version does not know). Returns the last migration's name.
 */
export function checkDatabase(file: string, failure: BackupErrorCode = 'restore_damaged'): string {
	let db: SQLite.Database;
	try {
		db = new SQLite(file, { readonly: true, fileMustExist: true });
	} catch (error) {
		throw new BackupError(
			'restore_not_a_database',
			`${file} cannot be opened as a database (${reasonOf(error)}).`
		);
	}
	try {
		let check: unknown;
		try {
			check = db.pragma('quick_check', { simple: true });
		} catch (error) {
			throw new BackupError(
				failure === 'backup_write_failed' ? failure : 'restore_not_a_database',
				`${file} is not an SQLite database (${reasonOf(error)}).`
			);
		}
		if (check !== 'ok')
			throw new BackupError(failure, `${file} is damaged: SQLite's check says “${String(check)}”.`);
		const hasMigrations = db
			.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`)
			.get();
		if (!hasMigrations)
			throw new BackupError(
				'restore_not_airlock',
				`${file} is an SQLite database, but not an Airlock server's: it has no migration record.`
			);
		const applied = (
			db.prepare('select name from kysely_migration order by name').all() as { name: string }[]
		).map((row) => row.name);
		const unknown = applied.filter((name) => !(name in migrations));
		if (unknown.length > 0)
			throw new BackupError(
				'restore_newer',
				`${file} comes from a newer version of Airlock (migration ${unknown.join(', ')}): restore it with that version.`
			);
		if (applied.length === 0)
			throw new BackupError(
				'restore_not_airlock',
				`${file} has no migration applied: it is not an Airlock database.`
			);
		return applied.at(-1)!;
	} finally {
		db.close();
	}
}

/**
 * Puts a backup in place of the live database, which the server must not be using: the file is
 * checked first, copied beside the live one, and swapped in. The database it replaces is kept as
 * `<file>.before-restore-<time>` (with its WAL), never deleted.
 */
export async function restoreSqlite(
	liveFile: string,
	source: string,
	now: number
): Promise<{ previous: string | null; migration: string }> {
	if (!existsSync(source))
		throw new BackupError('restore_source_missing', `There is no file at ${source} to restore.`);
	const migration = checkDatabase(source);
	const incoming = `${liveFile}.restoring-${process.pid}`;
	try {
		await copyFile(source, incoming);
	} catch (error) {
		removeQuietly(incoming);
		throw new BackupError(
			'backup_write_failed',
			`The backup could not be copied next to the database (${reasonOf(error)}). The live database is untouched.`
		);
	}
	let previous: string | null = null;
	if (existsSync(liveFile)) {
		previous = `${liveFile}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
		// The WAL and its index belong to the old file: they go with it, or SQLite would replay them
		// into the restored one.
		for (const suffix of ['-wal', '-shm', ''])
			if (existsSync(liveFile + suffix)) renameSync(liveFile + suffix, previous + suffix);
	}
	renameSync(incoming, liveFile);
	return { previous, migration };
}
