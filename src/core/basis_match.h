/*
 * basis_match.h
 *		A matcher for the simple regular expressions of the score's basis
 *		forms (dormancy._score_basis_forms(), sql_src/64_labels.sql), so that
 *		score_breakdown_label() (src/labels_sql.c) need not run PostgreSQL's
 *		regular expression engine for each clause of each customer: its
 *		setup per match (memory for the automaton) took most of the
 *		function's time.
 *
 * Pure computation, no PostgreSQL headers: built into the unit tests as
 * well as into the server module.  sql/score_breakdown_label.sql checks,
 * on random breakdowns, that the labels it gives are those of
 * regexp_match() (the PL/pgSQL the C function replaced).
 *
 * The syntax it takes, a subset of PostgreSQL's advanced expressions (a
 * form outside it is an error in src/labels_sql.c).  Whether a text matches
 * is what PostgreSQL's engine says (backtracking tries every way); the
 * captures are the same when there is only one way to match, as in the
 * forms, where each capture ends at literal text or at the end.  With
 * several ways they may differ: the engine prefers the longest alternative
 * ("^(x|xy)(y?)$" on "xy": PostgreSQL "xy" and "", this matcher "x" and
 * "y").
 *   ^ ... $          anchored at both ends (both required)
 *   c                an ASCII character that has no special meaning
 *   \c               c literally, for c not a letter or digit
 *   [...]            ASCII members and ranges (a-z); "]" first and "-" first
 *                    or last are members; no negation, classes or escapes
 *   ( a | b ... )    a capture: alternatives of the items above, at the
 *                    top level only (no nesting), not quantified
 *   ?  *  +          after a character or a bracket expression (greedy)
 * Texts are bytes: an ASCII byte in a server encoding is always the ASCII
 * character, so a pattern of ASCII characters matches a text of any server
 * encoding byte by byte as PostgreSQL's engine does character by character.
 */
#ifndef DORMANCY_CORE_BASIS_MATCH_H
#define DORMANCY_CORE_BASIS_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BASIS_MATCH_MAX_ITEMS 64
#define BASIS_MATCH_MAX_ALTERNATIVES 16
#define BASIS_MATCH_MAX_GROUPS 8

/* One character, bracket expression or capture of an expression. */
typedef struct BasisMatchItem
{
	uint8_t		kind;			/* BASIS_ITEM_BYTE, _SET or _GROUP (basis_match.c) */
	char		quantifier;		/* 0 (once), '?', '*' or '+' */
	uint8_t		byte;			/* _BYTE: the byte */
	int8_t		group;			/* _GROUP: its number, from 1 */
	uint8_t		first_alternative;	/* _GROUP: its alternatives in alternatives[] */
	uint8_t		alternatives;
	uint32_t	set[4];			/* _SET: the ASCII bytes that are members, a bit each */
} BasisMatchItem;

/* The items of one alternative of a capture, in BasisMatch.items. */
typedef struct BasisMatchRange
{
	uint8_t		first;
	uint8_t		count;
} BasisMatchRange;

/* A compiled expression: the top-level items, then the alternatives' items. */
typedef struct BasisMatch
{
	int			top_items;		/* items[0 .. top_items) */
	int			nitems;
	int			nalternatives;
	int			ngroups;
	BasisMatchItem items[BASIS_MATCH_MAX_ITEMS];
	BasisMatchRange alternatives[BASIS_MATCH_MAX_ALTERNATIVES];
} BasisMatch;

/* Where each capture matched: byte offsets, start -1 when it did not. */
typedef struct BasisMatchCaptures
{
	int			start[BASIS_MATCH_MAX_GROUPS + 1];
	int			end[BASIS_MATCH_MAX_GROUPS + 1];
} BasisMatchCaptures;

/*
 * Compile pattern (len bytes) into out; false when it is not of the syntax
 * above (or exceeds the limits), out then unusable.
 */
extern bool basis_match_compile(const char *pattern, size_t len, BasisMatch *out);

/*
 * Whether text (len bytes) matches, with the captures (1 .. ngroups) of the
 * first match backtracking finds: the longest first for each quantified
 * item, the first alternative first.  For the forms' expressions that is the
 * one match there is (above).
 */
extern bool basis_match_run(const BasisMatch *m, const char *text, size_t len, BasisMatchCaptures *captures);

#endif							/* DORMANCY_CORE_BASIS_MATCH_H */
