// Checkpoints SQLite's write-ahead log from a worker thread. A checkpoint copies the pages written
// since the last one into the database file and syncs it to disk; run by the server's own
// connection (SQLite's default, every 1,000 pages) it blocked the event loop under load for
// about a tenth of each activation's time. A second connection in a worker thread checkpoints
// instead: PASSIVE never waits for, nor blocks, the writer, so requests go on meanwhile.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** SQLite's own default, restored when the worker cannot run. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
const CHECKPOINT_INTERVAL_MS = 100;

// CommonJS, run with `eval`: the worker needs no file of its own in the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// Another connection (the admin CLI) checkpointing at the same moment does not throw: SQLite
// reports it in the pragma's first column, and the next tick tries again.
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
	clearInterval(timer);
	// Closed last, this connection checkpoints what is left and removes the log.
	db.close();
	parentPort.close();
});
`;

export interface BackgroundCheckpoints {
	/** Stops the worker; it checkpoints what is left as it closes. */
	stop(): void;
	/** Settles when the worker has ended (tests). */
	readonly ended: Promise<void>;
}

export interface CheckpointOptions {
	intervalMs?: number;
	/** The better-sqlite3 module the worker loads (tests give a broken one). */
	driver?: string;
	/** Where a failure of the worker is reported. */
	log?: (message: string) => void;
}

/**
 * Moves the checkpoints of `connection` (a WAL-mode database in `file`) to a worker thread. If the
 * worker fails, the connection checkpoints by itself again, as SQLite does by default.
 */
export function checkpointInBackground(
	connection: SQLite.Database,
	file: string,
	options: CheckpointOptions = {}
): BackgroundCheckpoints {
	const worker = new Worker(WORKER_SOURCE, {
		eval: true,
		workerData: {
			file,
			driver: options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
			intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS
		}
	});
	// Never what keeps the process running.
	worker.unref();
	connection.pragma('wal_autocheckpoint = 0');
	const ended = new Promise<void>((resolve) => {
		worker.once('error', (error) => {
			if (connection.open) connection.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
			(options.log ?? console.error)(
				`Checkpointing the SQLite log in the background failed (${error.message}); the server checkpoints it itself.`
			);
		});
		worker.once('exit', () => resolve());
	});
	return {
		stop: () => worker.postMessage('stop'),
		ended
	};
}
