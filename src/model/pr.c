/* pr.c: the PR record and its list. */
#include "mergeletter/model/pr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/util/buf.h"

int pr_login_is_bot(const char *login)
{
	size_t n = login ? strlen(login) : 0;

	return n > 5 && strcmp(login + n - 5, "[bot]") == 0;
}

int pr_login_valid(const char *s, size_t n)
{
	size_t core = n;

	if (n > 5 && memcmp(s + n - 5, "[bot]", 5) == 0)
		core = n - 5;
	if (core == 0 || core > 39 || s[0] == '-' || s[core - 1] == '-')
		return 0;
	for (size_t i = 0; i < core; i++) {
		if (s[i] == '-' && i + 1 < core && s[i + 1] == '-')
			return 0;
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	}
	return 1;
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

/* A character starts at every byte that is not a UTF-8 continuation byte. */
static int char_start(unsigned char c)
{
	return (c & 0xc0) != 0x80;
}

int pr_title_bound(struct ml_pr *pr)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 */
	size_t chars = 0, cut = 0, len;
	char *t;

	if (!pr->title)
		return 0;
	for (len = 0; pr->title[len]; len++)
		if (char_start((unsigned char)pr->title[len]) && chars++ == ML_PR_TITLE_MAX - 1)
			cut = len; /* where the last character kept would begin */
	if (chars <= ML_PR_TITLE_MAX)
		return 0;
	pr->title_cut = chars;
	pr->title[cut] = '\0';
	if ((t = realloc(pr->title, cut + sizeof ellipsis)) != NULL) {
		memcpy(t + cut, ellipsis, sizeof ellipsis);
		pr->title = t;
	}
	return 1;
}

int pr_from_own_branch(const struct ml_pr *pr)
{
	const char *slash = pr->head ? strchr(pr->head, '/') : NULL;
	const char *rslash = pr->repo ? strchr(pr->repo, '/') : NULL;

	return slash && rslash && slash - pr->head == rslash - pr->repo &&
	       strncasecmp(pr->head, pr->repo, (size_t)(slash - pr->head)) == 0;
}

void pr_release(struct ml_pr *pr)
{
	if (!pr)
		return;
	free(pr->repo);
	free(pr->title);
	free(pr->author);
	free(pr->association);
	free(pr->head);
	strv_release(&pr->labels);
	strv_release(&pr->coauthors);
	memset(pr, 0, sizeof *pr);
}

void pr_list_release(struct ml_pr_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		pr_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}
