// The vendor keys the server itself trusts when it verifies a code it signed earlier: every key it
// publishes, the active one and those kept as verify-only after a rotation.
import { trustedKeysFrom, type TrustedKeys } from '$lib/protocol/vendor-keys';
import type { Db } from '../db/schema';
import { publishedKeys } from './signing-keys.service';

export async function serverTrustedKeys(db: Db): Promise<TrustedKeys> {
	return trustedKeysFrom(await publishedKeys(db));
}
