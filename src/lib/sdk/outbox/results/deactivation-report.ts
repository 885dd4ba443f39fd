// What an applied deactivation report brings: the server has the statement (it freed the seat now,
// or had it already from the portal), so the license is no longer "not yet reported".
import { markReportedIn } from '../../workflows/deactivation.js';
import type { ResultModule } from './result-module.js';

export const deactivationReport: ResultModule<'deactivation-report'> = {
	async prepare(core, applied) {
		const now = core.clock.now();
		return (tx) =>
			markReportedIn(
				tx,
				applied.map(({ result }) => result),
				now
			);
	}
};
