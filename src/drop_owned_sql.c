/*
 * drop_owned_sql.c
 *		The roles a DROP OWNED names, for the event triggers of
 *		dormancy.policy_roles.
 *
 * DROP OWNED ... CASCADE takes its roles out of a row security policy of
 * the nine (with no ALTER POLICY event) and may then drop the policy by
 * cascade (with src_customers, when a role named owns the bound
 * customers).  At ddl_command_end the policy is gone, and its roles before
 * tell nothing of which roles the statement took out: only the statement
 * does.  dormancy._drop_owned_targets(), fired at ddl_command_start of
 * DROP OWNED, notes the OIDs of the roles it names (a missing role left
 * out) in the transaction-local setting
 * dormancy_policy_roles.drop_owned_targets, an array of oid in text form,
 * for dormancy._policy_roles_ddl() at ddl_command_end.
 *
 * It runs for every role's DROP OWNED: it reads no table and never raises
 * an error of its own for any role named.
 */
#include "postgres.h"

#include "commands/event_trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/guc.h"

PG_FUNCTION_INFO_V1(dormancy_drop_owned_targets);

Datum
dormancy_drop_owned_targets(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	StringInfoData buf;
	ListCell   *lc;
	bool		first = true;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("dormancy._drop_owned_targets() runs only as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	if (trigdata->parsetree != NULL && IsA(trigdata->parsetree, DropOwnedStmt))
	{
		foreach(lc, ((DropOwnedStmt *) trigdata->parsetree)->roles)
		{
			RoleSpec   *spec = lfirst_node(RoleSpec, lc);
			Oid			roleid;

			/* PUBLIC is no role: get_rolespec_oid() would raise an error */
			if (spec->roletype == ROLESPEC_PUBLIC)
				continue;
			roleid = get_rolespec_oid(spec, true);
			if (!OidIsValid(roleid))
				continue;
			if (!first)
				appendStringInfoChar(&buf, ',');
			appendStringInfo(&buf, "%u", roleid);
			first = false;
		}
	}
	appendStringInfoChar(&buf, '}');

	(void) set_config_option("dormancy_policy_roles.drop_owned_targets", buf.data,
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
							 true, 0, false);
	pfree(buf.data);

	PG_RETURN_NULL();
}
