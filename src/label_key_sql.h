/*
 * label_key_sql.h
 *		The label key of dormancy.label_key(), for the C that compares user
 *		labels with the keys of the rules and mappings (rules_sql.c,
 *		facts_sql.c).
 */
#ifndef DORMANCY_LABEL_KEY_SQL_H
#define DORMANCY_LABEL_KEY_SQL_H

#include "fmgr.h"

/* dormancy.label_key(value) under the collation (for lower()), palloc'd. */
extern text *LabelKeyText(text *value, Oid collation);

#endif							/* DORMANCY_LABEL_KEY_SQL_H */
