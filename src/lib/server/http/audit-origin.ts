import type { RequestEvent } from '@sveltejs/kit';
import { originOf, type AuditOrigin } from '../audit/audit.service';

/** Where a request came from (the address as ADDRESS_HEADER/XFF_DEPTH say) and this node. */
export function auditOriginOf(event: RequestEvent): AuditOrigin {
	return originOf(event.getClientAddress());
}
