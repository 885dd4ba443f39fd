// Structured logs (pino): one JSON object per line on standard output, with the node's name, so that
// the lines of several nodes can be merged. A request's lines carry its request id. What is logged
// is chosen, never a whole request: no cookies, no Authorization header, no bodies, no passwords —
// and the keys that could still carry a secret are redacted as a second guard.
import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';

/** This node's name in logs: NODE_NAME, or the host's name. */
export const NODE_NAME = process.env.NODE_NAME?.trim() || hostname();

const SECRET_KEYS = ['password', 'token', 'authorization', 'cookie', 'seed', 'privateKey'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
	return pino(
		{
			level,
			base: { node: NODE_NAME },
			timestamp: pino.stdTimeFunctions.isoTime,
			redact: { paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`]), censor: '[redacted]' }
		},
		destination
	);
}

// Quiet under the unit tests unless LOG_LEVEL asks; one logger per process, also when Vite's dev
// server loads the module again.
const level = process.env.LOG_LEVEL ?? (process.env.VITEST !== undefined ? 'silent' : 'info');
const holder = globalThis as { airlockLogger?: Logger };
export const logger: Logger = (holder.airlockLogger ??= createLogger(level));
