// What an applied emergency report brings: nothing while the use stands; a revocation (with its
// reason) when the server refused it, which stops the emergency license at once.
import { applyEmergencyResultIn } from '../../workflows/emergency.js';
import type { ResultModule } from './result-module.js';

export const emergencyReport: ResultModule<'emergency-report'> = {
	async prepare(_core, applied) {
		return async (tx) => {
			for (const { result } of applied) await applyEmergencyResultIn(tx, result);
		};
	}
};
