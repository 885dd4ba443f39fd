// What an applied emergency report brings: nothing while the use stands; a revocation (with its
// reason) when the server refused it, which stops the emergency license at once.
import { applyEmergencyResultIn } from '../../workflows/emergency';
import type { ResultModule } from './result-module';

export const emergencyReport: ResultModule<'emergency-report'> = {
	async prepare(_core, applied) {
		return async (tx) => {
			for (const { result } of applied) await applyEmergencyResultIn(tx, result);
		};
	}
};
