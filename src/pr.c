/* pr.c: the PR record and its list. */
#include "mergeletter/pr.h"

#include <stdlib.h>
#include <string.h>

#include "mergeletter/buf.h"

int strv_push(struct ml_strv *sv, const char *s)
{
	char **v;
	char *copy = ml_strdup(s);

	if (!copy)
		return -1;
	v = realloc(sv->v, (sv->n + 1) * sizeof *v);
	if (!v) {
		free(copy);
		return -1;
	}
	v[sv->n++] = copy;
	sv->v = v;
	return 0;
}

int strv_contains_case(const struct ml_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (ml_strcaseeq(sv->v[i], s))
			return 1;
	return 0;
}

void strv_free(struct ml_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

struct ml_pr *pr_list_add(struct ml_pr_list *l)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct ml_pr *p = realloc(l->items, cap * sizeof *p);

		if (!p)
			return NULL;
		l->items = p;
		l->cap = cap;
	}
	memset(&l->items[l->len], 0, sizeof l->items[0]);
	return &l->items[l->len++];
}

static int pr_cmp(const struct ml_pr *a, const struct ml_pr *b)
{
	if (a->merged_at != b->merged_at)
		return a->merged_at < b->merged_at ? -1 : 1;
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	return 0;
}

void pr_list_sort(struct ml_pr_list *l)
{
	/* Insertion sort: stable, and lists arrive nearly sorted. */
	for (size_t i = 1; i < l->len; i++) {
		struct ml_pr tmp = l->items[i];
		size_t j = i;

		while (j > 0 && pr_cmp(&l->items[j - 1], &tmp) > 0) {
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = tmp;
	}
}

int pr_list_take(struct ml_pr_list *dst, struct ml_pr_list *src)
{
	for (size_t i = 0; i < src->len; i++) {
		struct ml_pr *p = pr_list_add(dst);

		if (!p)
			return -1;
		*p = src->items[i];
	}
	free(src->items);
	memset(src, 0, sizeof *src);
	return 0;
}

void pr_free(struct ml_pr *pr)
{
	if (!pr)
		return;
	free(pr->repo);
	free(pr->title);
	free(pr->author);
	free(pr->association);
	strv_free(&pr->labels);
	strv_free(&pr->coauthors);
	memset(pr, 0, sizeof *pr);
}

void pr_list_free(struct ml_pr_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		pr_free(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}
