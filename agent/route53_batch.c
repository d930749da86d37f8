/*
 * route53_batch.c — packing changes into requests; the XML body.
 * The rules are in route53_batch.h.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/route53_batch.h"
#include "net/rrtype.h"

/* Requests first-fit considers for each change. */
#define WINDOW 16

void
r53_limits_default(struct r53_limits *l)
{
	l->records = R53_MAX_RECORDS;
	l->chars = R53_MAX_CHARS;
	l->value_chars = R53_MAX_VALUE_CHARS;
	l->values = R53_MAX_VALUES;
	l->changes = R53_MAX_CHANGES;
}

size_t
r53_value_chars(const char *v)
{
	size_t n = 0;

	for (; *v != '\0'; v++)
		n += *v == '&' ? 5 : (*v == '<' || *v == '>') ? 4 : 1;
	return n;
}

void
r53_change_cost(const struct r53_change *c, size_t *records, size_t *chars)
{
	size_t k = c->action == R53_UPSERT ? 2 : 1, i, n = 0;

	for (i = 0; i < c->set.nvalues; i++)
		n += r53_value_chars(c->set.values[i]);
	*records = k * c->set.nvalues;
	*chars = k * n;
}

const char *
r53_reject_text(enum r53_reject why)
{
	switch (why) {
	case R53_REJ_VALUES:
		return "more values than Route53 takes in an RRset";
	case R53_REJ_VALUE_CHARS:
		return "a value longer than Route53 takes";
	case R53_REJ_TOO_BIG:
		return "larger than one request may be";
	case R53_REJ_GROUP:
		return "another change of the same name was rejected";
	default:
		return "?";
	}
}

void
r53_plan_free(struct r53_plan *p)
{
	free(p->idx);
	free(p->b);
	free(p->rej);
	memset(p, 0, sizeof *p);
}

/* A run of changes that must share a request: a group, or one change. */
struct unit {
	size_t first, n;
	size_t records, chars;
	int last;          /* holds an R53_CH_LAST change */
	size_t batch;      /* where it went; SIZE_MAX: rejected */
};

static size_t
ceil_div(size_t a, size_t b)
{
	return b == 0 ? 0 : (a + b - 1) / b;
}

static int
fits(const struct r53_batch *b, const struct unit *u,
    const struct r53_limits *l)
{
	return b->records + u->records <= l->records &&
	    b->chars + u->chars <= l->chars && b->n + u->n <= l->changes;
}

/* Checks of one change alone; 0 or the reason it cannot be pushed. */
static enum r53_reject
check_change(const struct r53_change *c, const struct r53_limits *l)
{
	size_t i;

	if (c->set.nvalues > l->values)
		return R53_REJ_VALUES;
	for (i = 0; i < c->set.nvalues; i++)
		if (r53_value_chars(c->set.values[i]) > l->value_chars)
			return R53_REJ_VALUE_CHARS;
	return 0;
}

/* Place u first-fit among batches [from, *nb), else in a new one. */
static void
place(struct unit *u, struct r53_batch *b, size_t *nb, size_t from,
    const struct r53_limits *l)
{
	size_t i;

	for (i = from; i < *nb; i++)
		if (fits(&b[i], u, l))
			break;
	if (i == *nb) {
		memset(&b[i], 0, sizeof b[i]);
		(*nb)++;
	}
	b[i].records += u->records;
	b[i].chars += u->chars;
	b[i].n += u->n;
	u->batch = i;
}

int
r53_plan_make(const struct r53_changes *ch, const struct r53_limits *lim,
    struct r53_plan *p)
{
	struct r53_limits l;
	struct unit *u = NULL;
	struct r53_batch *b = NULL;
	size_t nu = 0, nb = 0, i, j, k, *map = NULL, *pos = NULL;
	int rc = R53_ENOMEM;

	memset(p, 0, sizeof *p);
	if (lim != NULL)
		l = *lim;
	else
		r53_limits_default(&l);
	u = malloc((ch->n ? ch->n : 1) * sizeof *u);
	b = malloc((ch->n ? ch->n : 1) * sizeof *b);
	p->idx = malloc((ch->n ? ch->n : 1) * sizeof *p->idx);
	p->rej = malloc((ch->n ? ch->n : 1) * sizeof *p->rej);
	if (u == NULL || b == NULL || p->idx == NULL || p->rej == NULL)
		goto fail;

	/* Units, their costs, and what cannot be pushed. */
	for (i = 0; i < ch->n; i = j) {
		struct unit *x = &u[nu];
		enum r53_reject bad = 0, why;
		size_t bad_at = i;

		j = i + 1;
		if (ch->v[i].group != 0)
			while (j < ch->n && ch->v[j].group == ch->v[i].group)
				j++;
		memset(x, 0, sizeof *x);
		x->first = i;
		x->n = j - i;
		for (k = i; k < j; k++) {
			size_t r, c;

			why = bad == 0 ? check_change(&ch->v[k], &l) : 0;
			if (why != 0) {
				bad = why;
				bad_at = k;
			}
			r53_change_cost(&ch->v[k], &r, &c);
			x->records += r;
			x->chars += c;
			x->last |= (ch->v[k].flags & R53_CH_LAST) != 0;
		}
		if (bad == 0 && (x->records > l.records || x->chars > l.chars ||
		    x->n > l.changes))
			bad = R53_REJ_TOO_BIG;
		if (bad != 0) {
			for (k = i; k < j; k++) {
				p->rej[p->nrej].change = k;
				p->rej[p->nrej++].why = (k == bad_at ||
				    bad == R53_REJ_TOO_BIG) ? bad :
				    R53_REJ_GROUP;
			}
			continue;
		}
		p->records += x->records;
		p->chars += x->chars;
		p->changes += x->n;
		nu++;
	}
	p->min_batches = ceil_div(p->records, l.records);
	if (ceil_div(p->chars, l.chars) > p->min_batches)
		p->min_batches = ceil_div(p->chars, l.chars);
	if (ceil_div(p->changes, l.changes) > p->min_batches)
		p->min_batches = ceil_div(p->changes, l.changes);

	/* Changes for the last request first (from batch 0), then the rest. */
	for (i = 0; i < nu; i++)
		if (u[i].last)
			place(&u[i], b, &nb, 0, &l);
	k = nb; /* batches [0, k) must be sent last */
	for (i = 0; i < nu; i++)
		if (!u[i].last)
			place(&u[i], b, &nb, nb > WINDOW ? nb - WINDOW : 0, &l);

	/* Batch order: the others first, then those holding LAST changes. */
	if ((map = malloc((nb ? nb : 1) * sizeof *map)) == NULL ||
	    (pos = malloc((nb ? nb : 1) * sizeof *pos)) == NULL)
		goto fail;
	for (i = 0; i < nb; i++)
		map[i] = i < k ? nb - k + i : i - k;
	p->b = malloc((nb ? nb : 1) * sizeof *p->b);
	if (p->b == NULL)
		goto fail;
	for (i = 0; i < nb; i++)
		p->b[map[i]] = b[i];
	for (i = 0, j = 0; i < nb; i++) {
		p->b[i].first = j;
		pos[i] = j;
		j += p->b[i].n;
	}
	/* Changes into their batches, in change order. */
	for (i = 0; i < nu; i++) {
		size_t at = map[u[i].batch];

		for (k = 0; k < u[i].n; k++)
			p->idx[pos[at]++] = u[i].first + k;
	}
	p->nb = nb;
	rc = 0;
fail:
	free(u);
	free(b);
	free(map);
	free(pos);
	if (rc != 0)
		r53_plan_free(p);
	return rc;
}

/* ---- XML ---------------------------------------------------------------- */

void
r53_xml_text(struct dns_tb *t, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '&': dns_tb_puts(t, "&amp;"); break;
		case '<': dns_tb_puts(t, "&lt;"); break;
		case '>': dns_tb_puts(t, "&gt;"); break;
		default: dns_tb_putc(t, s[i]); break;
		}
}

static void
element(struct dns_tb *t, const char *tag, const char *text)
{
	dns_tb_printf(t, "<%s>", tag);
	r53_xml_text(t, text, strlen(text));
	dns_tb_printf(t, "</%s>", tag);
}

/* The comment: at most 256 characters (UTF-8), control bytes as spaces. */
static void
comment_put(struct dns_tb *t, const char *s)
{
	size_t i, chars = 0;
	char c;

	dns_tb_puts(t, "<Comment>");
	for (i = 0; s[i] != '\0'; i++) {
		c = s[i];
		if (((unsigned char)c & 0xc0) != 0x80 &&
		    ++chars > R53_MAX_COMMENT)
			break;
		if ((unsigned char)c < 0x20 || c == 0x7f)
			c = ' ';
		r53_xml_text(t, &c, 1);
	}
	dns_tb_puts(t, "</Comment>");
}

size_t
r53_batch_xml(struct dns_tb *t, const struct r53_change *v,
    const size_t *idx, size_t n, const char *comment)
{
	char type[16];
	size_t i, k;

	dns_tb_puts(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ChangeResourceRecordSetsRequest "
	    "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<ChangeBatch>");
	if (comment != NULL && comment[0] != '\0')
		comment_put(t, comment);
	dns_tb_puts(t, "<Changes>");
	for (i = 0; i < n; i++) {
		const struct r53_change *c = &v[idx[i]];

		dns_tb_puts(t, "<Change>");
		element(t, "Action", r53_action_name(c->action));
		dns_tb_puts(t, "<ResourceRecordSet>");
		element(t, "Name", c->set.name);
		dns_type_to_text(c->set.type, type, sizeof type);
		element(t, "Type", type);
		dns_tb_puts(t, "<TTL>");
		dns_tb_uint(t, c->set.ttl);
		dns_tb_puts(t, "</TTL><ResourceRecords>");
		for (k = 0; k < c->set.nvalues; k++) {
			dns_tb_puts(t, "<ResourceRecord>");
			element(t, "Value", c->set.values[k]);
			dns_tb_puts(t, "</ResourceRecord>");
		}
		dns_tb_puts(t, "</ResourceRecords></ResourceRecordSet>"
		    "</Change>");
	}
	dns_tb_puts(t, "</Changes></ChangeBatch>"
	    "</ChangeResourceRecordSetsRequest>");
	return dns_tb_end(t);
}
