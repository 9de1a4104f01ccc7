/*
 * dormancy.c
 *		Module entry point, settings (GUCs) and calendar helpers.
 */
#include "postgres.h"

#include <locale.h>
#include <math.h>

#include "core/labels.h"
#include "dormancy.h"
#include "jit_guard.h"
#include "join_order.h"
#include "fmgr.h"
#include "common/int.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/pg_locale.h"
#include "utils/timestamp.h"
#include "access/parallel.h"
#include "access/xact.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(dormancy_as_of);
PG_FUNCTION_INFO_V1(dormancy_as_of_day);
PG_FUNCTION_INFO_V1(dormancy_local_day);
PG_FUNCTION_INFO_V1(dormancy_time_zone_in_force);
PG_FUNCTION_INFO_V1(dormancy_local_time);
PG_FUNCTION_INFO_V1(dormancy_local_time_unchanged);
PG_FUNCTION_INFO_V1(dormancy_usable_instant);

char	   *dormancy_time_zone = NULL;
static char *dormancy_as_of_setting = NULL;
static bool dormancy_use_stored_histories = false;
/* read by the SQL that builds the views (sql_src/22_adapters.sql) */
typedef enum EvaluateOnWorkers
{
	EVALUATE_ON_WORKERS_AUTO,
	EVALUATE_ON_WORKERS_ON,
	EVALUATE_ON_WORKERS_OFF
} EvaluateOnWorkers;

/* auto, on, off; and the spellings a boolean setting took (hidden) */
static const struct config_enum_entry evaluate_on_workers_options[] = {
	{"auto", EVALUATE_ON_WORKERS_AUTO, false},
	{"on", EVALUATE_ON_WORKERS_ON, false},
	{"off", EVALUATE_ON_WORKERS_OFF, false},
	{"true", EVALUATE_ON_WORKERS_ON, true},
	{"false", EVALUATE_ON_WORKERS_OFF, true},
	{"yes", EVALUATE_ON_WORKERS_ON, true},
	{"no", EVALUATE_ON_WORKERS_OFF, true},
	{"1", EVALUATE_ON_WORKERS_ON, true},
	{"0", EVALUATE_ON_WORKERS_OFF, true},
	{NULL, 0, false}
};
static int	dormancy_evaluate_on_workers = EVALUATE_ON_WORKERS_AUTO;
static char *dormancy_language_setting = NULL;

/*
 * Zone looked up for the current value of dormancy.time_zone; when the
 * setting is empty (the default), the session's TimeZone, whose zone is
 * checked on each use (SET TimeZone changes session_timezone, not us).
 */
static pg_tz *cached_tz = NULL;
static bool cached_tz_is_utc = false;

/*
 * Why a value of dormancy.as_of or dormancy.time_zone is invalid.
 *
 * A value that arrives before the library is loaded (ALTER ROLE/DATABASE ...
 * SET, PGOPTIONS, a SET before the first call) sits in a placeholder; when
 * _PG_init defines the setting, PostgreSQL checks it and, if the check
 * fails, only warns and falls back to the default, so queries would silently
 * run as of now in UTC.  The same happens to a role's or database's value
 * when the library is preloaded.  Instead, such a value is kept, with this
 * record as its "extra" (malloc'd: the GUC machinery frees it), and every
 * read of the setting raises the error a SET of the value raises.
 */
typedef struct SettingProblem
{
	const char *detail;
	const char *hint;			/* NULL: none */
	char		text[FLEXIBLE_ARRAY_MEMBER];
} SettingProblem;

/* The problem of the current value (NULL: valid), set by the assign hooks. */
static const SettingProblem *as_of_problem = NULL;
static const SettingProblem *time_zone_problem = NULL;
static const SettingProblem *language_problem = NULL;

/* True while _PG_init defines the settings (placeholder values are applied). */
static bool defining_settings = false;

void		_PG_init(void);

/*
 * End a check hook on an invalid value: refuse it (SET, ALTER ROLE ... SET
 * with the library loaded: an error now), or keep it with its problem when
 * a refusal would only warn (see SettingProblem).
 */
static bool
RefuseValue(void **extra, GucSource source, const char *detail, const char *hint)
{
	if (defining_settings || InitializingParallelWorker ||
		(source >= PGC_S_FILE && source <= PGC_S_CLIENT))
	{
		size_t		dlen = strlen(detail) + 1;
		size_t		hlen = hint ? strlen(hint) + 1 : 0;
		SettingProblem *problem = malloc(offsetof(SettingProblem, text) + dlen + hlen);

		if (problem != NULL)
		{
			memcpy(problem->text, detail, dlen);
			problem->detail = problem->text;
			problem->hint = NULL;
			if (hint)
			{
				memcpy(problem->text + dlen, hint, hlen);
				problem->hint = problem->text + dlen;
			}
			*extra = problem;
			return true;
		}
	}
	GUC_check_errdetail("%s", detail);
	if (hint)
		GUC_check_errhint("%s", hint);
	return false;
}

/* The error a SET of the value raised, raised when the value is used. */
static void
ReportInvalidSetting(const char *name, const char *value, const SettingProblem *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for parameter \"%s\": \"%s\"", name, value ? value : ""),
			 errdetail_internal("%s", problem->detail),
			 problem->hint ? errhint("%s", problem->hint) : 0));
}

/*
 * Accept an empty value (the session's TimeZone) or a zone name that the
 * server's zone database knows.
 */
static bool
check_time_zone(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (pg_tzset(*newval) == NULL)
		return RefuseValue(extra, source,
						   psprintf("Time zone \"%s\" is not known to the server.", *newval),
						   "Use a name from pg_timezone_names, such as UTC or Asia/Tokyo.");
	return true;
}

/* Forget the cached zone so the next use looks the new name up. */
static void
assign_time_zone(const char *newval, void *extra)
{
	cached_tz = NULL;
	time_zone_problem = extra;
}

/*
 * Accept an empty value (meaning now) or a date or timestamp, with or
 * without a zone, that timestamptz input takes and that is finite and in
 * range ('infinity', 'epoch' and the like are not days).
 */
static bool
check_as_of(char **newval, void **extra, GucSource source)
{
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	struct pg_tm tt;
	fsec_t		fsec;
	int			tz;
	TimestampTz ts;
	const char *hint = "Use a value such as 2026-11-01 or 2026-11-01 09:00+09, or an empty string for now.";

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (ParseDateTime(*newval, workbuf, sizeof(workbuf), field, ftype,
					  MAXDATEFIELDS, &nf) != 0 ||
		DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz) != 0 ||
		dtype != DTK_DATE)
		return RefuseValue(extra, source,
						   psprintf("\"%s\" is not a date or timestamp.", *newval), hint);
	if (tm2timestamp(&tt, fsec, &tz, &ts) != 0 || !IS_VALID_TIMESTAMP(ts))
		return RefuseValue(extra, source,
						   psprintf("\"%s\" is out of the range of timestamps.", *newval), hint);
	return true;
}

/* True when dormancy.time_zone follows the session's TimeZone (empty). */
static bool
FollowsSessionTimeZone(void)
{
	return dormancy_time_zone == NULL || dormancy_time_zone[0] == '\0';
}

/*
 * SHOW dormancy.time_zone and current_setting(): the zone in force, so an
 * empty setting shows the session's TimeZone (e.g. Asia/Tokyo), the zone its
 * days are in.  pg_settings.boot_val and reset_val show the raw value.
 */
static const char *
show_time_zone(void)
{
	if (FollowsSessionTimeZone() && time_zone_problem == NULL && session_timezone != NULL)
		return pg_get_timezone_name(session_timezone);
	return dormancy_time_zone ? dormancy_time_zone : "";
}

/* Remember whether the new value is invalid (see SettingProblem). */
static void
assign_as_of(const char *newval, void *extra)
{
	as_of_problem = extra;
}

/* Accept an empty value (the language of lc_messages), ja or en, in any case. */
static bool
check_language(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (label_language_of_code(*newval) < 0)
		return RefuseValue(extra, source,
						   psprintf("Language \"%s\" has no labels.", *newval),
						   "Use ja or en, or an empty string for the language of lc_messages.");
	return true;
}

/* Remember whether the new value is invalid (see SettingProblem). */
static void
assign_language(const char *newval, void *extra)
{
	language_problem = extra;
}

/* SHOW and current_setting(): the language in force, ja or en (an invalid value as it is). */
static const char *
show_language(void)
{
	if (language_problem != NULL)
		return dormancy_language_setting ? dormancy_language_setting : "";
	return label_language_codes[DormancyLanguage()];
}

/* Register the settings. */
void
_PG_init(void)
{
	/* placeholder values checked here are kept with their problem (see SettingProblem) */
	defining_settings = true;
	DefineCustomStringVariable("dormancy.as_of",
							   "Sets the instant that counts as now for dormancy queries.",
							   "Empty means the start of the current transaction. "
							   "A value without a time zone is read in dormancy.time_zone.",
							   &dormancy_as_of_setting,
							   "",
							   PGC_USERSET,
							   0,
							   check_as_of, assign_as_of, NULL);

	DefineCustomStringVariable("dormancy.time_zone",
							   "Sets the time zone in which order times become calendar days.",
							   "Empty (the default) means the session's TimeZone, and SHOW gives that zone; "
							   "else any name in pg_timezone_names.",
							   &dormancy_time_zone,
							   "",
							   PGC_USERSET,
							   0,
							   check_time_zone, assign_time_zone, show_time_zone);

	DefineCustomStringVariable("dormancy.language",
							   "Sets the language of the labels of codes (ja or en).",
							   "Empty means the language of lc_messages: ja for a ja_* or Japanese_* locale, else en. "
							   "SHOW gives the language in force.",
							   &dormancy_language_setting,
							   "",
							   PGC_USERSET,
							   0,
							   check_language, assign_language, show_language);

	DefineCustomEnumVariable("dormancy.evaluate_on_workers",
							 "Builds the views so that a Citus cluster evaluates each customer on the workers.",
							 "Read when the views are built (bind, unbind, rebind, update). On, Citus sends "
							 "customer_status to the shards whole; off, the coordinator collects the customers "
							 "and histories and evaluates them; auto (the default), on when the bound customers "
							 "are a Citus distributed table (docs/scaling-out.md).",
							 &dormancy_evaluate_on_workers,
							 EVALUATE_ON_WORKERS_AUTO,
							 evaluate_on_workers_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	/*
	 * Obsolete since 0.3.0, whose views read the stored histories through a
	 * flag that no setting can change (src/history_store.c).  Kept, hidden,
	 * only because the SQL of version 0.2.0 reads and sets it: a database
	 * still at 0.2.0 keeps working until ALTER EXTENSION dormancy UPDATE.
	 */
	DefineCustomBoolVariable("dormancy.use_stored_histories",
							 "Obsolete: read only by version 0.2.0 of the extension's SQL.",
							 "Has no effect once the extension is updated to 0.3.0.",
							 &dormancy_use_stored_histories,
							 false,
							 PGC_USERSET,
							 GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);

	DormancyDefineJitGuard();
	DormancyDefineJoinOrder();

	MarkGUCPrefixReserved("dormancy");
	defining_settings = false;
}

/*
 * The pg_tz of dormancy.time_zone, looked up once per setting change; the
 * session's TimeZone when the setting is empty.
 */
static pg_tz *
DormancyTz(void)
{
	if (time_zone_problem != NULL)
		ReportInvalidSetting("dormancy.time_zone", dormancy_time_zone, time_zone_problem);
	if (FollowsSessionTimeZone())
	{
		if (cached_tz != session_timezone)
		{
			cached_tz = session_timezone;
			cached_tz_is_utc = (strcmp(pg_get_timezone_name(cached_tz), "UTC") == 0);
		}
		return cached_tz;
	}
	if (cached_tz == NULL)
	{
		cached_tz = pg_tzset(dormancy_time_zone);
		if (cached_tz == NULL)	/* the check hook makes this unlikely */
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", dormancy_time_zone)));
		cached_tz_is_utc = (strcmp(pg_get_timezone_name(cached_tz), "UTC") == 0);
	}
	return cached_tz;
}

/*
 * The language of the labels: dormancy.language when set, else the
 * language of lc_messages (when that is empty, of the locale the server
 * runs its messages in).  A few byte comparisons: cheap per row.
 */
LabelLanguage
DormancyLanguage(void)
{
	const char *locale;

	if (language_problem != NULL)
		ReportInvalidSetting("dormancy.language", dormancy_language_setting, language_problem);
	if (dormancy_language_setting != NULL && dormancy_language_setting[0] != '\0')
		return (LabelLanguage) label_language_of_code(dormancy_language_setting);
	locale = locale_messages;
#ifdef LC_MESSAGES
	if (locale == NULL || locale[0] == '\0')
		locale = setlocale(LC_MESSAGES, NULL);
#endif
	return label_language_of_locale(locale);
}

/* The calendar day of a finite timestamp without time zone: floor division by the day length. */
DateADT
DormancyDayOfTimestamp(Timestamp ts)
{
	if (ts < 0 && ts % USECS_PER_DAY != 0)
		return (DateADT) (ts / USECS_PER_DAY - 1);
	return (DateADT) (ts / USECS_PER_DAY);
}

/* The calendar day of a timestamptz in dormancy.time_zone. */
DateADT
DormancyDayOfTimestampTz(TimestampTz ts)
{
	pg_tz	   *tzp = DormancyTz();
	struct pg_tm tt;
	fsec_t		fsec;
	int			tz;

	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for a calendar day")));

	/* UTC needs no zone rules */
	if (cached_tz_is_utc)
		return DormancyDayOfTimestamp(ts);

	if (timestamp2tm(ts, &tz, &tt, &fsec, NULL, tzp) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for a calendar day")));
	return date2j(tt.tm_year, tt.tm_mon, tt.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/*
 * The as-of instant.  A setting without an explicit zone is read in
 * dormancy.time_zone, so "2026-11-01" means that calendar day wherever the
 * session's TimeZone points.
 */
TimestampTz
DormancyAsOf(void)
{
	pg_tz	   *save = session_timezone;
	TimestampTz result;

	if (as_of_problem != NULL)
		ReportInvalidSetting("dormancy.as_of", dormancy_as_of_setting, as_of_problem);
	if (dormancy_as_of_setting == NULL || dormancy_as_of_setting[0] == '\0')
		return GetCurrentTransactionStartTimestamp();

	session_timezone = DormancyTz();
	PG_TRY();
	{
		result = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
														 CStringGetDatum(dormancy_as_of_setting),
														 ObjectIdGetDatum(InvalidOid),
														 Int32GetDatum(-1)));
	}
	PG_FINALLY();
	{
		session_timezone = save;
	}
	PG_END_TRY();

	if (TIMESTAMP_NOT_FINITE(result))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dormancy.as_of must be finite")));
	return result;
}

/* date + interval, as a day: months first (clamped to month end), then days. */
DateADT
DormancyDayPlusInterval(DateADT day, Interval *span)
{
	Timestamp	ts;

	ts = DatumGetTimestamp(DirectFunctionCall2(date_pl_interval,
											   DateADTGetDatum(day),
											   PointerGetDatum(span)));
	if (TIMESTAMP_NOT_FINITE(ts))
		return TIMESTAMP_IS_NOBEGIN(ts) ? DATEVAL_NOBEGIN : DATEVAL_NOEND;
	/* floor to the day: an interval with hours lands within a day */
	return DormancyDayOfTimestamp(ts);
}

/* SQL: dormancy.as_of() */
Datum
dormancy_as_of(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(DormancyAsOf());
}

/* SQL: dormancy.as_of_day() */
Datum
dormancy_as_of_day(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATEADT(DormancyDayOfTimestampTz(DormancyAsOf()));
}

/*
 * SQL: dormancy.local_day(timestamptz).  An infinite instant is on the
 * infinite day of its sign, as (ts AT TIME ZONE zone)::date gives.
 */
Datum
dormancy_local_day(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);

	if (TIMESTAMP_NOT_FINITE(ts))
		PG_RETURN_DATEADT(TIMESTAMP_IS_NOBEGIN(ts) ? DATEVAL_NOBEGIN : DATEVAL_NOEND);
	PG_RETURN_DATEADT(DormancyDayOfTimestampTz(ts));
}

/*
 * SQL: dormancy._time_zone_in_force(): the name of the zone days are
 * counted in, as a JSON string.  jsonb, not text: a type without a
 * collation, so that postgres_fdw ships an expression that takes it to the
 * shards (it ships no function whose collatable input comes from anything
 * but a remote column).
 */
Datum
dormancy_time_zone_in_force(PG_FUNCTION_ARGS)
{
	const char *name = pg_get_timezone_name(DormancyTz());
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) name;
	v.val.string.len = strlen(name);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(&v));
}

/*
 * The zone dormancy._local_time() was last called with, per call site: the
 * argument's bytes (compared, not parsed, on each row: it is the same init
 * plan value on every row), the zone, and the UTC offset of the last instant
 * converted with the interval it holds for (up to the zone's next
 * transition): rows within it need no zone rules.
 */
typedef struct LocalTimeZone
{
	char		arg[TZ_STRLEN_MAX + 16];	/* the jsonb argument's data bytes */
	Size		arglen;
	pg_tz	   *tz;
	bool		is_utc;
	bool		have_range;
	TimestampTz lo;				/* offset holds for lo <= ts < hi */
	TimestampTz hi;
	int64		offset;			/* microseconds east of UTC */
} LocalTimeZone;

/* Look the zone of a jsonb string argument up (a new argument). */
static void
SetLocalTimeZone(LocalTimeZone *zone, Jsonb *zone_arg)
{
	JsonbValue	v;
	char	   *name;

	if (!JsonbExtractScalar(&zone_arg->root, &v) || v.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone must be a JSON string"),
				 errdetail("The zone is dormancy._time_zone_in_force(), such as \"Asia/Tokyo\".")));
	name = pnstrdup(v.val.string.val, v.val.string.len);
	zone->tz = strlen(name) <= TZ_STRLEN_MAX ? pg_tzset(name) : NULL;
	if (zone->tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", name)));
	zone->is_utc = (strcmp(pg_get_timezone_name(zone->tz), "UTC") == 0);
	zone->have_range = false;
	pfree(name);
}

/* The UTC offset at ts, and the interval it holds for, from the zone's rules. */
static void
SetLocalTimeOffset(LocalTimeZone *zone, TimestampTz ts)
{
	/* whole seconds, rounded down (a boundary is a whole second) */
	pg_time_t	t = (pg_time_t) ((ts >= 0 ? ts / USECS_PER_SEC : -((-ts + USECS_PER_SEC - 1) / USECS_PER_SEC))
								 + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY);
	long int	before_gmtoff;
	long int	after_gmtoff;
	int			before_isdst;
	int			after_isdst;
	pg_time_t	boundary;
	int			r = pg_next_dst_boundary(&t, &before_gmtoff, &before_isdst, &boundary,
										 &after_gmtoff, &after_isdst, zone->tz);

	if (r < 0)
	{
		struct pg_tm tt;
		fsec_t		fsec;
		int			tzoff;

		if (timestamp2tm(ts, &tzoff, &tt, &fsec, NULL, zone->tz) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		zone->offset = -(int64) tzoff * USECS_PER_SEC;
		zone->have_range = false;
		return;
	}
	zone->offset = (int64) before_gmtoff * USECS_PER_SEC;
	zone->lo = ts;
	zone->hi = r == 1 ? time_t_to_timestamptz(boundary) : DT_NOEND;
	zone->have_range = true;
}

/*
 * The wall-clock time of a finite instant in the zone of argument 1 (cached
 * in fn_extra), or false when that time is beyond the timestamp range
 * (294276-12-31 15:00 UTC is already 294277 in Tokyo).
 */
static bool
LocalTimeOf(FunctionCallInfo fcinfo, TimestampTz ts, Timestamp *result)
{
	struct varlena *arg = (struct varlena *) PG_GETARG_POINTER(1);
	LocalTimeZone *zone = (LocalTimeZone *) fcinfo->flinfo->fn_extra;
	Size		arglen;

	if (zone == NULL)
		zone = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LocalTimeZone));
	if (VARATT_IS_EXTENDED(arg))
		arg = pg_detoast_datum_packed(arg);
	arglen = VARSIZE_ANY_EXHDR(arg);
	if (zone->tz == NULL || arglen != zone->arglen || memcmp(VARDATA_ANY(arg), zone->arg, arglen) != 0)
	{
		SetLocalTimeZone(zone, PG_GETARG_JSONB_P(1));
		zone->arglen = arglen <= sizeof(zone->arg) ? arglen : 0;
		memcpy(zone->arg, VARDATA_ANY(arg), zone->arglen);
	}
	if (zone->is_utc)
	{
		*result = ts;
		return true;
	}
	if (!(zone->have_range && ts >= zone->lo && ts < zone->hi))
		SetLocalTimeOffset(zone, ts);
	return !pg_add_s64_overflow(ts, zone->offset, result) && IS_VALID_TIMESTAMP(*result);
}

/*
 * SQL: dormancy._local_time(timestamptz, zone jsonb): the wall-clock time
 * of an instant in a named zone (a JSON string, see above).  IMMUTABLE,
 * unlike local_day(): the zone is an argument, so a node that runs it (a
 * Citus worker, a postgres_fdw shard) computes the same day as the node
 * that planned it, whatever its settings.  Infinite instants stay infinite
 * (the histories leave them out), and so does one whose wall-clock time is
 * beyond the timestamp range: the infinity of its side.  Called for every
 * order row: the zone is parsed when the argument changes, and the zone
 * rules are consulted only outside the interval of the last offset.
 */
Datum
dormancy_local_time(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
	Timestamp	result;

	if (TIMESTAMP_NOT_FINITE(ts))
		PG_RETURN_TIMESTAMP(ts);
	/*
	 * A wall-clock time beyond the range is the infinity of its side, which
	 * every caller leaves out as it does an infinite instant.  An error here
	 * stopped every query over the row.
	 */
	if (!LocalTimeOf(fcinfo, ts, &result))
	{
		if (ts > 0)
			TIMESTAMP_NOEND(result);
		else
			TIMESTAMP_NOBEGIN(result);
	}
	PG_RETURN_TIMESTAMP(result);
}

/*
 * SQL: dormancy._usable_instant(timestamptz, zone jsonb): the instant, or
 * NULL when its wall-clock time in the zone is beyond the timestamp range: a
 * time of no day, taken as no time (an infinite instant stays what it is).
 */
Datum
dormancy_usable_instant(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
	Timestamp	local;

	if (TIMESTAMP_NOT_FINITE(ts) || LocalTimeOf(fcinfo, ts, &local))
		PG_RETURN_TIMESTAMPTZ(ts);
	PG_RETURN_NULL();
}

/*
 * SQL: dormancy._local_time(date | timestamp, zone jsonb): a day or a
 * wall-clock time is already local, whatever the zone.
 */
Datum
dormancy_local_time_unchanged(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
