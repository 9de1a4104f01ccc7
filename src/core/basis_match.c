/*
 * basis_match.c
 *		A matcher for the simple regular expressions of the score's basis
 *		forms (see basis_match.h).
 *
 * Pure computation: no PostgreSQL headers, so the unit tests link this
 * file directly.
 */
#include "basis_match.h"

#include <string.h>

enum
{
	BASIS_ITEM_BYTE = 1,
	BASIS_ITEM_SET,
	BASIS_ITEM_GROUP
};

/* The characters with a meaning in an advanced regular expression. */
static bool
special(char c)
{
	return strchr("\\^$.|?*+()[]{}", c) != NULL;
}

static bool
alphanumeric(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void
set_add(BasisMatchItem *item, unsigned char c)
{
	item->set[c >> 5] |= (uint32_t) 1 << (c & 31);
}

static bool
set_has(const BasisMatchItem *item, unsigned char c)
{
	return c < 128 && (item->set[c >> 5] & ((uint32_t) 1 << (c & 31))) != 0;
}

/*
 * A bracket expression from pattern[*i] ("[") into item; false when it is
 * not of the syntax taken.  *i ends past its "]".
 */
static bool
parse_set(const char *pattern, size_t len, size_t *i, BasisMatchItem *item)
{
	size_t		k = *i + 1;
	bool		first = true;

	item->kind = BASIS_ITEM_SET;
	if (k < len && pattern[k] == '^')
		return false;			/* negation: a multibyte character is one member */
	for (;;)
	{
		unsigned char c;

		if (k >= len)
			return false;
		c = (unsigned char) pattern[k];
		if (c == ']' && !first)
			break;
		if (c >= 128 || c == '\\' || (c == '[' && k + 1 < len &&
									   (pattern[k + 1] == ':' || pattern[k + 1] == '=' || pattern[k + 1] == '.')))
			return false;
		/* a range a-z ("-" last, before "]", is a member) */
		if (k + 2 < len && pattern[k + 1] == '-' && pattern[k + 2] != ']')
		{
			unsigned char to = (unsigned char) pattern[k + 2];

			if (to >= 128 || to == '\\' || to == '[' || to < c)
				return false;
			for (unsigned int b = c; b <= to; b++)
				set_add(item, (unsigned char) b);
			k += 3;
		}
		else
		{
			set_add(item, c);
			k++;
		}
		first = false;
	}
	*i = k + 1;
	return true;
}

/*
 * One item (a byte or a bracket expression, with its quantifier) from
 * pattern[*i] into item; false when it is not of the syntax taken (a group
 * is parsed by the caller).
 */
static bool
parse_item(const char *pattern, size_t len, size_t *i, BasisMatchItem *item)
{
	char		c = pattern[*i];

	memset(item, 0, sizeof(*item));
	if ((unsigned char) c >= 128)
		return false;
	if (c == '[')
	{
		if (!parse_set(pattern, len, i, item))
			return false;
	}
	else if (c == '\\')
	{
		if (*i + 1 >= len || alphanumeric(pattern[*i + 1]) || (unsigned char) pattern[*i + 1] >= 128)
			return false;		/* \d, \w, back references, ... */
		item->kind = BASIS_ITEM_BYTE;
		item->byte = (uint8_t) pattern[*i + 1];
		*i += 2;
	}
	else if (special(c))
		return false;			/* ".", anchors inside, quantifiers with nothing before, ... */
	else
	{
		item->kind = BASIS_ITEM_BYTE;
		item->byte = (uint8_t) c;
		*i += 1;
	}
	if (*i < len && (pattern[*i] == '?' || pattern[*i] == '*' || pattern[*i] == '+'))
	{
		item->quantifier = pattern[*i];
		*i += 1;
		/* "*?" and the like are not greedy, "{" is a bound */
		if (*i < len && (pattern[*i] == '?' || pattern[*i] == '*' || pattern[*i] == '+' || pattern[*i] == '{'))
			return false;
	}
	else if (*i < len && pattern[*i] == '{')
		return false;
	return true;
}

bool
basis_match_compile(const char *pattern, size_t len, BasisMatch *out)
{
	size_t		i = 1;
	/* the alternatives' items go after the top level's, so parse twice */
	BasisMatchItem groups_items[BASIS_MATCH_MAX_ITEMS];
	int			ngroup_items = 0;

	size_t		backslashes = 0;

	memset(out, 0, sizeof(*out));
	if (len < 2 || pattern[0] != '^' || pattern[len - 1] != '$')
		return false;
	/* "\$" is a "$", not the end: an odd run of backslashes before it */
	while (backslashes + 2 <= len - 1 && pattern[len - 2 - backslashes] == '\\')
		backslashes++;
	if (backslashes % 2 == 1)
		return false;
	len--;						/* the "$" */
	while (i < len)
	{
		BasisMatchItem *item;

		if (out->top_items >= BASIS_MATCH_MAX_ITEMS)
			return false;
		item = &out->items[out->top_items];
		if (pattern[i] == '(')
		{
			if (i + 1 < len && pattern[i + 1] == '?')
				return false;	/* (?: (?= ... */
			if (out->ngroups >= BASIS_MATCH_MAX_GROUPS)
				return false;
			memset(item, 0, sizeof(*item));
			item->kind = BASIS_ITEM_GROUP;
			item->group = (int8_t) ++out->ngroups;
			item->first_alternative = (uint8_t) out->nalternatives;
			i++;
			for (;;)
			{
				BasisMatchRange *alternative;

				if (out->nalternatives >= BASIS_MATCH_MAX_ALTERNATIVES)
					return false;
				alternative = &out->alternatives[out->nalternatives++];
				item->alternatives++;
				alternative->first = (uint8_t) ngroup_items;	/* made absolute below */
				while (i < len && pattern[i] != '|' && pattern[i] != ')')
				{
					if (pattern[i] == '(' || ngroup_items >= BASIS_MATCH_MAX_ITEMS)
						return false;
					if (!parse_item(pattern, len, &i, &groups_items[ngroup_items]))
						return false;
					ngroup_items++;
					alternative->count++;
				}
				if (i >= len)
					return false;	/* no ")" */
				if (pattern[i++] == ')')
					break;
			}
			/* a quantified group: not taken */
			if (i < len && (pattern[i] == '?' || pattern[i] == '*' || pattern[i] == '+' || pattern[i] == '{'))
				return false;
		}
		else if (!parse_item(pattern, len, &i, item))
			return false;
		out->top_items++;
	}
	if (out->top_items + ngroup_items > BASIS_MATCH_MAX_ITEMS)
		return false;
	memcpy(&out->items[out->top_items], groups_items, sizeof(BasisMatchItem) * ngroup_items);
	for (int a = 0; a < out->nalternatives; a++)
		out->alternatives[a].first = (uint8_t) (out->alternatives[a].first + out->top_items);
	out->nitems = out->top_items + ngroup_items;
	return true;
}

/* Whether the byte matches a byte or set item. */
static bool
item_takes(const BasisMatchItem *item, unsigned char c)
{
	return item->kind == BASIS_ITEM_BYTE ? item->byte == c : set_has(item, c);
}

/*
 * Match items[i .. n) at pos, then (when in_group > 0, at the end of an
 * alternative of capture in_group, which started at group_start) the top
 * level's items from rest on; the whole text must be used.
 */
static bool
match_from(const BasisMatch *m, int i, int n, int in_group, int group_start, int rest,
		   const unsigned char *text, int len, int pos, BasisMatchCaptures *captures)
{
	const BasisMatchItem *item;

	if (i == n)
	{
		if (in_group == 0)
			return pos == len;
		captures->start[in_group] = group_start;
		captures->end[in_group] = pos;
		if (match_from(m, rest, m->top_items, 0, 0, 0, text, len, pos, captures))
			return true;
		captures->start[in_group] = captures->end[in_group] = -1;
		return false;
	}
	item = &m->items[i];
	if (item->kind == BASIS_ITEM_GROUP)
	{
		for (int a = 0; a < item->alternatives; a++)
		{
			const BasisMatchRange *alternative = &m->alternatives[item->first_alternative + a];

			if (match_from(m, alternative->first, alternative->first + alternative->count,
						   item->group, pos, i + 1, text, len, pos, captures))
				return true;
		}
		return false;
	}
	else
	{
		int			most = item->quantifier == 0 || item->quantifier == '?' ? 1 : len - pos;
		int			least = item->quantifier == 0 || item->quantifier == '+' ? 1 : 0;
		int			k = 0;

		while (k < most && pos + k < len && item_takes(item, text[pos + k]))
			k++;
		for (; k >= least; k--)
			if (match_from(m, i + 1, n, in_group, group_start, rest, text, len, pos + k, captures))
				return true;
		return false;
	}
}

bool
basis_match_run(const BasisMatch *m, const char *text, size_t len, BasisMatchCaptures *captures)
{
	for (int g = 0; g <= BASIS_MATCH_MAX_GROUPS; g++)
		captures->start[g] = captures->end[g] = -1;
	if (len > (size_t) (1 << 30))
		return false;
	if (!match_from(m, 0, m->top_items, 0, 0, 0, (const unsigned char *) text, (int) len, 0, captures))
		return false;
	captures->start[0] = 0;
	captures->end[0] = (int) len;
	return true;
}
