// PostgreSQL: an activation's writes in one call, so that no row lock is held across round trips.
// The activation service reads what it needs without locks, decides and signs, then calls
// record_activation with what it decided on. The function locks the licenses (in the order given:
// sorted, so two calls never deadlock), checks that none changed in a way that matters to that
// decision — the license's owner and revision, a free seat for a seat to take, the seat still held
// for one to renew — and writes the seats, the stored answer and the audit events, all or nothing.
// It returns false, having written nothing, when the decision is stale: the service reads again
// and decides anew. The rules stay in the service (activation.service.ts); this only re-checks the
// facts they were applied to. SQLite needs none of it: its writes are serialised (group-commit.ts).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
	if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
	await sql`create function record_activation(request jsonb, seats jsonb, audit jsonb)
		returns boolean language plpgsql as $$
		declare
			seat jsonb;
			license record;
		begin
			-- First lock and check every license, so that a stale decision writes nothing.
			for seat in select value from jsonb_array_elements(seats) loop
				select l.account_id, l.revision, l.seats, l.seats_in_use into license
					from licenses l where l.number = seat->>'number' for update;
				if not found or license.account_id is distinct from seat->>'account_id'
					or license.revision <> (seat->>'revision')::integer then
					return false;
				end if;
				if seat->>'held' is null then
					if license.seats_in_use >= license.seats or exists (select 1 from activations a
						where a.license_number = seat->>'number' and a.device_id = request->>'device_id'
						and a.released_at is null) then
						return false;
					end if;
				elsif not exists (select 1 from activations a where a.id = seat->>'held' and a.released_at is null) then
					return false;
				end if;
			end loop;
			for seat in select value from jsonb_array_elements(seats) loop
				if seat->>'held' is null then
					-- The seats_in_use trigger (migration 0004) counts the seat.
					insert into activations (id, license_number, device_id, device_public_key, account_id,
						first_activated_at, last_issued_at, last_seen_at)
					values (seat->>'activation_id', seat->>'number', request->>'device_id',
						seat->>'device_public_key', seat->>'account_id', (request->>'created_at')::bigint,
						(request->>'created_at')::bigint, (request->>'created_at')::bigint);
				else
					update activations set last_seen_at = (request->>'created_at')::bigint,
						last_issued_at = (request->>'created_at')::bigint
						where id = seat->>'held';
				end if;
			end loop;
			-- A copy of this request answered meanwhile makes this fail (requests_pk): the service
			-- then returns that copy's answer.
			insert into requests (device_id, nonce, digest, account_id, response, created_at)
				select device_id, nonce, digest, account_id, response, created_at
				from jsonb_populate_record(null::requests, request);
			insert into audit_events select * from jsonb_populate_recordset(null::audit_events, audit);
			return true;
		end $$`.execute(db);
}
