// The durability's testing twin: a platform that grants durable storage, or refuses it, or cannot
// say, and counts how often it was asked.
import type { StorageDurability } from '../platform/durability.js';

export interface MemoryDurability extends StorageDurability {
	readonly asked: number;
}

export function memoryDurability(answer: 'grant' | 'refuse' | 'unsupported'): MemoryDurability {
	let kept = false;
	let asked = 0;
	return {
		get asked() {
			return asked;
		},
		persisted: async () => (answer === 'unsupported' ? null : kept),
		async persist() {
			asked++;
			if (answer === 'unsupported') return null;
			kept = answer === 'grant';
			return kept;
		}
	};
}
