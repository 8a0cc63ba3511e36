/* news.c: the news model (see news.h). */
#include "mergeletter/model/news.h"

#include <stdlib.h>
#include <string.h>

int news_add(struct ml_news *n, char *title, char *link, int64_t date, int offer)
{
	struct ml_news_entry *v = realloc(n->entries, (n->nentries + 1) * sizeof *v);

	if (!v) {
		free(title);
		free(link);
		return -1;
	}
	n->entries = v;
	v[n->nentries].title = title;
	v[n->nentries].link = link;
	v[n->nentries].date = date;
	v[n->nentries].offer = offer;
	n->nentries++;
	return 0;
}

/* Links to the same page: equal but for a trailing '/'. */
static int same_link(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	la -= la && a[la - 1] == '/';
	lb -= lb && b[lb - 1] == '/';
	return la == lb && strncmp(a, b, la) == 0;
}

int news_merge(struct ml_news *into, struct ml_news *from)
{
	for (size_t i = 0; i < from->nentries; i++) {
		struct ml_news_entry *e = &from->entries[i], *kept = NULL;

		for (size_t k = 0; k < into->nentries && !kept; k++)
			if (same_link(into->entries[k].link, e->link))
				kept = &into->entries[k];
		if (kept) {
			kept->offer &= e->offer;
			free(e->title);
			free(e->link);
		} else if (news_add(into, e->title, e->link, e->date, e->offer) < 0) {
			e->title = e->link = NULL;
			return -1;
		}
		e->title = e->link = NULL;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ml_news_entry *x = a, *y = b;

	return (x->date > y->date) - (x->date < y->date);
}

void news_sort(struct ml_news *n)
{
	/* insertion sort: stable, and feeds are short */
	for (size_t i = 1; i < n->nentries; i++) {
		struct ml_news_entry e = n->entries[i];
		size_t j = i;

		while (j > 0 && cmp_entry(&n->entries[j - 1], &e) > 0) {
			n->entries[j] = n->entries[j - 1];
			j--;
		}
		n->entries[j] = e;
	}
}

void news_release(struct ml_news *n)
{
	if (!n)
		return;
	free(n->heading);
	for (size_t i = 0; i < n->nentries; i++) {
		free(n->entries[i].title);
		free(n->entries[i].link);
	}
	free(n->entries);
	strv_release(&n->failures);
	memset(n, 0, sizeof *n);
}
