// What an applied License list edit brings: the edits it made lose (this device's or another's),
// kept to be shown to the user.
import { recordLostEditsIn } from '../../store/store-sync.js';
import type { ResultModule } from './result-module.js';

export const storeEdit: ResultModule<'store-edit'> = {
	async prepare(core, applied) {
		const now = core.clock.now();
		return async (tx) => {
			for (const { item, result } of applied) await recordLostEditsIn(tx, result, now, item.account);
		};
	}
};
