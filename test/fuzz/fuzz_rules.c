/*
 * fuzz_rules.c
 *		libFuzzer target for src/core/rules.c: the word tables, the bit sets,
 *		and the first matching reason rule and approach rule, prepared the way
 *		src/rules_sql.c prepares them, against a naive reading of the rules
 *		on the words themselves.
 *
 * Input: a flag byte, then up to 40 words (bytes from the input: NUL,
 * prefixes and repeats included), then reason rules (lists of words, some
 * with a NULL element), the customer's evidence (or NULL), approach rules
 * (minimum value, industry, size and reason lists or NULL, channel) and a
 * customer (value or NULL, NaN and infinities included, industry, size and
 * reason words or NULL, an alias word of the industry and of the size or
 * NULL, reachable channels).  Invariants:
 *	- rules_words_prepare leaves the distinct words strictly increasing, each
 *	  input word found at a position holding the same bytes, and a word not
 *	  in the input is not found;
 *	- reason_rules_first is the first rule with no NULL element all of
 *	  whose words are in the customer's evidence (compared as bytes), -1
 *	  when none or when the evidence is NULL;
 *	- approach_rules_first is the first rule whose minimum PostgreSQL's
 *	  float8 order puts at or below the value (NaN above every number,
 *	  equal to NaN), whose lists are NULL or hold the customer's word (for
 *	  industry and size: its word or its alias word), and whose channel
 *	  reaches the customer.
 */
#include "rules.h"
#include "fuzz_common.h"

#define FZ_T "fuzz_rules"
#define FZ_MAX_WORDS 40
#define FZ_MAX_RULES 24
#define FZ_MAX_LIST 6

typedef struct FzList
{
	bool		null;			/* the list (or value) is NULL */
	int			n;
	int			w[FZ_MAX_LIST]; /* word numbers; -1: a NULL element */
} FzList;

static RulesWord fz_words[FZ_MAX_WORDS];
static int	fz_nwords;
static bool fz_owned[FZ_MAX_WORDS];	/* allocated, not in the input */

static bool
fz_same_word(int a, int b)
{
	return fz_words[a].len == fz_words[b].len &&
		(fz_words[a].len == 0 || memcmp(fz_words[a].data, fz_words[b].data, fz_words[a].len) == 0);
}

static void
fz_read_list(FzReader *r, FzList *l, bool allow_null_list, bool allow_null_elem)
{
	uint8_t		h = fz_u8(r);

	l->null = allow_null_list && (h & 0x80);
	l->n = (h & 0x7f) % (FZ_MAX_LIST + 1);
	for (int i = 0; i < l->n; i++)
	{
		uint8_t		v = fz_u8(r);

		l->w[i] = allow_null_elem && v == 255 ? -1 : v % fz_nwords;
	}
}

/* Whether word number w is in the list (a NULL element holds nothing). */
static bool
fz_in_list(const FzList *l, int w)
{
	for (int i = 0; i < l->n; i++)
		if (l->w[i] >= 0 && fz_same_word(l->w[i], w))
			return true;
	return false;
}

/* PostgreSQL's float8 comparison: NaN equals NaN and is above everything. */
static int
fz_float8_cmp(double a, double b)
{
	if (isnan(a))
		return isnan(b) ? 0 : 1;
	if (isnan(b))
		return -1;
	return a > b ? 1 : (a < b ? -1 : 0);
}

/* The ids of a list's non-NULL words in the prepared table (-1: not there). */
static void
fz_ids(const FzList *l, const RulesWord *table, int ntable, int32_t *ids, int *n)
{
	*n = 0;
	for (int i = 0; i < l->n; i++)
		if (l->w[i] >= 0)
			ids[(*n)++] = rules_word_find(table, ntable, fz_words[l->w[i]].data,
										  fz_words[l->w[i]].len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FzReader	r;
	RulesWord	table[FZ_MAX_WORDS * FZ_MAX_LIST];
	int			ntable;
	FzList		reason_ev[FZ_MAX_RULES];
	int			nreason;
	FzList		have;
	uint64_t	sets[FZ_MAX_RULES][RULES_SET_SIZE(FZ_MAX_WORDS * FZ_MAX_LIST)];
	uint64_t	have_set[RULES_SET_SIZE(FZ_MAX_WORDS * FZ_MAX_LIST)];
	ReasonRule	rrules[FZ_MAX_RULES];
	int			nset;
	int			got,
				want;

	fz_reader_init(&r, data, size);
	(void) fz_u8(&r);

	/* the words: lengths 0 to 7, bytes mostly from a small alphabet */
	fz_nwords = 1 + fz_u8(&r) % FZ_MAX_WORDS;
	for (int i = 0; i < fz_nwords; i++)
	{
		uint8_t		h = fz_u8(&r);
		size_t		len = h % 8;

		if (r.size - r.pos >= len && (h & 0x80))
		{
			/* raw bytes of the input */
			fz_words[i].data = (const char *) r.data + r.pos;
			r.pos += len;
			fz_owned[i] = false;
		}
		else
		{
			static const char alpha[] = "ab\0A\xff";
			char	   *w = malloc(8);

			if (w == NULL)
				abort();
			for (size_t k = 0; k < len; k++)
				w[k] = alpha[fz_u8(&r) % 5];
			fz_words[i].data = w;
			fz_owned[i] = true;
		}
		fz_words[i].len = len;
	}

	/* the table of all words: distinct, increasing, everything found */
	memcpy(table, fz_words, sizeof(RulesWord) * fz_nwords);
	ntable = rules_words_prepare(table, fz_nwords);
	FZ_CHECK(FZ_T, ntable >= 1 && ntable <= fz_nwords, "%d distinct of %d words", ntable, fz_nwords);
	for (int i = 1; i < ntable; i++)
	{
		size_t		m = table[i - 1].len < table[i].len ? table[i - 1].len : table[i].len;
		int			c = m == 0 ? 0 : memcmp(table[i - 1].data, table[i].data, m);

		FZ_CHECK(FZ_T, c < 0 || (c == 0 && table[i - 1].len < table[i].len),
				 "prepared words %d and %d not strictly increasing", i - 1, i);
	}
	for (int i = 0; i < fz_nwords; i++)
	{
		int			id = rules_word_find(table, ntable, fz_words[i].data, fz_words[i].len);

		FZ_CHECK(FZ_T, id >= 0 && id < ntable && table[id].len == fz_words[i].len &&
				 (fz_words[i].len == 0 || memcmp(table[id].data, fz_words[i].data, fz_words[i].len) == 0),
				 "word %d found at %d", i, id);
	}
	{
		/* a word one byte longer than every word of the input is in no table */
		char		probe[9];
		size_t		plen = 8;

		for (size_t k = 0; k < plen; k++)
			probe[k] = (char) fz_u8(&r);
		FZ_CHECK(FZ_T, rules_word_find(table, ntable, probe, plen) == -1, "a word of 8 bytes is found");
		FZ_CHECK(FZ_T, rules_word_find(table, 0, probe, 0) == -1, "a word is found in an empty table");
	}

	/* reason rules, prepared as rules_sql.c does: one table of their words */
	nreason = fz_u8(&r) % (FZ_MAX_RULES + 1);
	for (int i = 0; i < nreason; i++)
		fz_read_list(&r, &reason_ev[i], false, true);
	fz_read_list(&r, &have, true, true);
	{
		RulesWord	rtable[FZ_MAX_RULES * FZ_MAX_LIST + 1];
		int			k = 0;

		for (int i = 0; i < nreason; i++)
			for (int j = 0; j < reason_ev[i].n; j++)
				if (reason_ev[i].w[j] >= 0)
					rtable[k++] = fz_words[reason_ev[i].w[j]];
		k = rules_words_prepare(rtable, k);
		nset = RULES_SET_SIZE(k) > 0 ? RULES_SET_SIZE(k) : 1;
		memset(sets, 0, sizeof(sets));
		for (int i = 0; i < nreason; i++)
		{
			int32_t		ids[FZ_MAX_LIST];
			int			n;

			fz_ids(&reason_ev[i], rtable, k, ids, &n);
			rrules[i].never = false;
			for (int j = 0; j < reason_ev[i].n; j++)
				if (reason_ev[i].w[j] < 0)
					rrules[i].never = true;
			for (int j = 0; j < n; j++)
			{
				FZ_CHECK(FZ_T, ids[j] >= 0 && ids[j] < k, "a rule's word is not in the rules' table");
				rules_set_add(sets[i], ids[j]);
			}
			rrules[i].need = sets[i];
		}
		memset(have_set, 0, sizeof(have_set));
		if (!have.null)
		{
			int32_t		ids[FZ_MAX_LIST];
			int			n;

			fz_ids(&have, rtable, k, ids, &n);
			for (int j = 0; j < n; j++)
				if (ids[j] >= 0)
					rules_set_add(have_set, ids[j]);
		}
		got = reason_rules_first(rrules, nreason, have.null ? NULL : have_set, nset);
	}
	want = -1;
	for (int i = 0; i < nreason && !have.null && want < 0; i++)
	{
		bool		all = true;

		for (int j = 0; j < reason_ev[i].n; j++)
			if (reason_ev[i].w[j] < 0 || !fz_in_list(&have, reason_ev[i].w[j]))
				all = false;
		if (all)
			want = i;
	}
	FZ_CHECK(FZ_T, got == want, "reason rule %d, naive %d", got, want);

	/* approach rules: a table per list kind, as rules_sql.c makes them */
	{
		FzList		lists[FZ_MAX_RULES][3];
		double		min_value[FZ_MAX_RULES];
		uint8_t		channel[FZ_MAX_RULES];
		ApproachRule arules[FZ_MAX_RULES];
		int32_t		ids[FZ_MAX_RULES][3][FZ_MAX_LIST];
		RulesWord	kt[3][FZ_MAX_RULES * FZ_MAX_LIST + 1];
		int			nk[3] = {0, 0, 0};
		int			nappr = fz_u8(&r) % (FZ_MAX_RULES + 1);
		int			cw[3];		/* the customer's words, -1: NULL */
		int			ca[2];		/* the alias words of industry and size, -1: none */
		ApproachCustomer c;
		uint8_t		f;

		for (int i = 0; i < nappr; i++)
		{
			uint8_t		sel = fz_u8(&r);

			min_value[i] = sel & 1 ? fz_any_double(&r) : (double) (int8_t) fz_u8(&r);
			channel[i] = (sel >> 1) % 4;	/* any, phone, email, step_mail */
			for (int k = 0; k < 3; k++)
			{
				fz_read_list(&r, &lists[i][k], true, true);
				for (int j = 0; j < lists[i][k].n; j++)
					if (lists[i][k].w[j] >= 0)
						kt[k][nk[k]++] = fz_words[lists[i][k].w[j]];
			}
		}
		for (int k = 0; k < 3; k++)
			nk[k] = rules_words_prepare(kt[k], nk[k]);
		for (int i = 0; i < nappr; i++)
		{
			RulesIdList *l[3] = {&arules[i].industries, &arules[i].company_sizes, &arules[i].reasons};

			arules[i].min_value = min_value[i];
			arules[i].has_min_percentile = false;	/* the amount decides (the percentile: unit tests) */
			arules[i].min_percentile = 0;
			arules[i].needs_phone = channel[i] == 1;
			arules[i].needs_mail = channel[i] == 2 || channel[i] == 3;
			for (int k = 0; k < 3; k++)
			{
				l[k]->any = lists[i][k].null;
				fz_ids(&lists[i][k], kt[k], nk[k], ids[i][k], &l[k]->n);
				l[k]->ids = ids[i][k];
			}
		}

		f = fz_u8(&r);
		c.has_value = !(f & 1);
		c.value = f & 2 ? fz_any_double(&r) : (double) (int8_t) fz_u8(&r);
		c.can_phone = f & 4;
		c.can_mail = f & 8;
		c.has_percentile = false;
		c.percentile = 0;
		for (int k = 0; k < 3; k++)
		{
			uint8_t		v = fz_u8(&r);

			cw[k] = v == 255 ? -1 : v % fz_nwords;
		}
		for (int k = 0; k < 2; k++)
		{
			uint8_t		v = fz_u8(&r);

			/* a NULL value has no alias */
			ca[k] = v == 255 || cw[k] < 0 ? -1 : v % fz_nwords;
		}
		c.industry.own = cw[0] < 0 ? -1 : rules_word_find(kt[0], nk[0], fz_words[cw[0]].data, fz_words[cw[0]].len);
		c.industry.alias = ca[0] < 0 ? -1 : rules_word_find(kt[0], nk[0], fz_words[ca[0]].data, fz_words[ca[0]].len);
		c.company_size.own = cw[1] < 0 ? -1 : rules_word_find(kt[1], nk[1], fz_words[cw[1]].data, fz_words[cw[1]].len);
		c.company_size.alias = ca[1] < 0 ? -1 : rules_word_find(kt[1], nk[1], fz_words[ca[1]].data, fz_words[ca[1]].len);
		c.reason = cw[2] < 0 ? -1 : rules_word_find(kt[2], nk[2], fz_words[cw[2]].data, fz_words[cw[2]].len);

		got = approach_rules_first(arules, nappr, &c);
		want = -1;
		for (int i = 0; i < nappr && want < 0; i++)
		{
			bool		ok = c.has_value && fz_float8_cmp(c.value, min_value[i]) >= 0;

			for (int k = 0; k < 3; k++)
				if (!lists[i][k].null &&
					!(cw[k] >= 0 && fz_in_list(&lists[i][k], cw[k])) &&
					!(k < 2 && ca[k] >= 0 && fz_in_list(&lists[i][k], ca[k])))
					ok = false;
			if ((channel[i] == 1 && !c.can_phone) || (channel[i] >= 2 && !c.can_mail))
				ok = false;
			if (ok)
				want = i;
		}
		FZ_CHECK(FZ_T, got == want, "approach rule %d, naive %d", got, want);
		for (int i = 0; i < nappr && (got < 0 || i <= got); i++)
			FZ_CHECK(FZ_T, approach_rule_matches(&arules[i], &c) == (i == got),
					 "approach rule %d matches %d, the first is %d", i,
					 (int) approach_rule_matches(&arules[i], &c), got);
		{
			double		x = fz_any_double(&r);
			double		y = fz_u8(&r) & 1 ? x : fz_any_double(&r);

			FZ_CHECK(FZ_T, rules_float8_ge(x, y) == (fz_float8_cmp(x, y) >= 0),
					 "float8 >= of %.17g and %.17g", x, y);
		}
	}

	for (int i = 0; i < fz_nwords; i++)
		if (fz_owned[i])
			free((void *) fz_words[i].data);
	return 0;
}
