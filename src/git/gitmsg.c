/* gitmsg.c: PR numbers, titles and logins from commit messages and
 * addresses alone (see gitmsg.h). */
#include "mergeletter/git/gitmsg.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/model/pr.h"
#include "mergeletter/util/str.h"

#define NOREPLY_DOMAIN "users.noreply.github.com"
#define MERGE_PREFIX "Merge pull request #"

char *gitmsg_noreply_login(const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL, *start = email, *plus;

	if (!at || !ml_strcaseeq(at + 1, NOREPLY_DOMAIN))
		return NULL;
	plus = memchr(email, '+', (size_t)(at - email));
	if (plus) { /* "ID+login": the ID is digits */
		if (plus == email)
			return NULL;
		for (const char *p = email; p < plus; p++)
			if (!isdigit((unsigned char)*p))
				return NULL;
		start = plus + 1;
	}
	if (!pr_login_valid(start, (size_t)(at - start)))
		return NULL;
	return ml_strndup(start, (size_t)(at - start));
}

static size_t line_len(const char *s)
{
	size_t n = strcspn(s, "\n");

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

int gitmsg_merge_subject(const char *s, size_t n, long *number, const char **from, size_t *fromlen)
{
	size_t i = sizeof MERGE_PREFIX - 1;
	long num = 0;

	if (n <= i || memcmp(s, MERGE_PREFIX, i) != 0 || !isdigit((unsigned char)s[i]))
		return 0;
	for (; i < n && isdigit((unsigned char)s[i]); i++) {
		num = num * 10 + (s[i] - '0');
		if (num > 1000000000L)
			return 0;
	}
	if (n - i < 7 || memcmp(s + i, " from ", 6) != 0)
		return 0;
	i += 6;
	*from = s + i;
	*fromlen = 0;
	while (i + *fromlen < n && s[i + *fromlen] != ' ')
		(*fromlen)++;
	*number = num;
	return num > 0;
}

/* "TITLE (#906)": 1 with the number and the title's length, else 0. */
static int parse_squash_subject(const char *s, size_t n, long *number, size_t *titlelen)
{
	size_t i = n, digits_end;
	long num = 0, scale = 1;

	if (n < 5 || s[n - 1] != ')')
		return 0;
	digits_end = --i;
	while (i > 0 && isdigit((unsigned char)s[i - 1]) && digits_end - i < 9)
		i--;
	if (i == digits_end || i < 3 || s[i - 1] != '#' || s[i - 2] != '(')
		return 0;
	for (size_t j = digits_end; j > i; j--, scale *= 10)
		num += (s[j - 1] - '0') * scale;
	i -= 2;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	*number = num;
	*titlelen = i;
	return num > 0 && i > 0;
}

/* The first non-blank line after the subject: a merge commit's PR title. */
static char *merge_title(const char *msg)
{
	for (const char *p = next_line(msg); *p; p = next_line(p)) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (line_len(q) > 0)
			return ml_strndup(q, line_len(q));
	}
	return NULL;
}

/* Digits at s[*i..n) as a PR number (1 to 10^9): 1 with *i past them. */
static int read_number(const char *s, size_t n, size_t *i, long *number)
{
	long num = 0;
	size_t j = *i;

	while (j < n && isdigit((unsigned char)s[j]) && j - *i < 10)
		num = num * 10 + (s[j++] - '0');
	if (j == *i || num <= 0 || num > 1000000000L || (j < n && isdigit((unsigned char)s[j])))
		return 0;
	*i = j;
	*number = num;
	return 1;
}

/* A login at s[0..n) as a new string, or NULL (also when not valid). */
static char *login_dup(const char *s, size_t n)
{
	return pr_login_valid(s, n) ? ml_strndup(s, n) : NULL;
}

/* bors-ng's body line of PR number: "N: TITLE r=REVIEWER a=AUTHOR". 0 with
 * *title (and *author when "a=" names a valid login) set, or left NULL
 * when no line names it; -1 when out of memory. */
static int bors_line(const char *msg, long number, char **title, char **author)
{
	for (const char *p = next_line(msg); *p; p = next_line(p)) {
		size_t n = line_len(p), i = 0, end;
		long num;
		const char *a;

		if (!read_number(p, n, &i, &num) || num != number || i + 2 > n || p[i] != ':' ||
		    p[i + 1] != ' ')
			continue;
		i += 2;
		end = n;
		for (size_t j = i; j + 3 <= n; j++) /* the last " r=" ends the title */
			if (memcmp(p + j, " r=", 3) == 0)
				end = j;
		if ((a = strstr(p + i, " a=")) && (size_t)(a - p) + 3 < n) {
			size_t alen = strcspn(a + 3, " ,\r\n");

			if (a + 3 + alen <= p + n)
				*author = login_dup(a + 3, alen);
		}
		while (end > i && p[end - 1] == ' ')
			end--;
		if (end > i && !(*title = ml_strndup(p + i, end - i)))
			return -1;
		return 0;
	}
	return 0;
}

/* "Merge #12 #34" (bors-ng): 1 with every PR, 0 for another subject. */
static int parse_bors(struct ml_git_message *m, const char *msg, size_t n)
{
	size_t i = 6, count = 0;
	long num;

	if (n < 8 || memcmp(msg, "Merge #", 7) != 0)
		return 0;
	for (size_t j = 6; j < n; count++) { /* "#N" separated by single spaces, nothing else */
		if (msg[j] != '#')
			return 0;
		j++;
		if (!read_number(msg, n, &j, &num) || (j < n && msg[j++] != ' '))
			return 0;
	}
	m->kind = GITMSG_BORS;
	if (count > 1 && !(m->more = calloc(count - 1, sizeof *m->more)))
		return -1;
	for (size_t k = 0; k < count; k++) {
		long *pn = k ? &m->more[k - 1].number : &m->number;
		char **title = k ? &m->more[k - 1].title : &m->title;
		char **author = k ? &m->more[k - 1].author : &m->author;

		i++; /* '#' */
		read_number(msg, n, &i, pn);
		i++; /* ' ' */
		if (k)
			m->nmore++;
		if (bors_line(msg, *pn, title, author) < 0)
			return -1;
		if (!*title && !(*title = ml_strndup(msg, n))) /* no line: the subject */
			return -1;
	}
	return 1;
}

/* "Auto merge of #N - LOGIN:BRANCH, r=..." or "Rollup merge of #N - ..."
 * (homu): 1 with the PR, 0 for another subject. */
static int parse_homu(struct ml_git_message *m, const char *msg, size_t n)
{
	static const char *const prefixes[] = {"Auto merge of #", "Rollup merge of #"};
	size_t i = 0, login;

	for (size_t k = 0; k < 2 && !i; k++)
		if (n > strlen(prefixes[k]) && memcmp(msg, prefixes[k], strlen(prefixes[k])) == 0)
			i = strlen(prefixes[k]);
	if (!i || !read_number(msg, n, &i, &m->number))
		return 0;
	m->kind = GITMSG_HOMU;
	if (n - i > 3 && memcmp(msg + i, " - ", 3) == 0) {
		i += 3;
		login = strcspn(msg + i, ":, \n");
		if (i + login < n && msg[i + login] == ':')
			m->author = login_dup(msg + i, login);
	}
	m->title = merge_title(msg);
	if (!m->title && !(m->title = ml_strndup(msg, n)))
		return -1;
	return 1;
}

int gitmsg_parse_subject(struct ml_git_message *m, const char *msg)
{
	size_t n = line_len(msg), titlelen;
	int rc;

	if ((rc = parse_bors(m, msg, n)) != 0 || (rc = parse_homu(m, msg, n)) != 0)
		return rc;
	if (gitmsg_merge_subject(msg, n, &m->number, &m->from, &m->fromlen)) {
		m->kind = GITMSG_MERGE;
		m->merge = 1;
		m->title = merge_title(msg);
		if (!m->title && !(m->title = ml_strndup(msg, n))) /* no body: keep the subject */
			return -1;
		return 1;
	}
	m->from = NULL;
	m->fromlen = 0;
	if (!parse_squash_subject(msg, n, &m->number, &titlelen)) {
		m->number = 0;
		return 0;
	}
	m->kind = GITMSG_SQUASH;
	return (m->title = ml_strndup(msg, titlelen)) ? 1 : -1;
}

int gitmsg_each_coauthor(const char *msg, int (*fn)(void *ud, const char *name, const char *email),
			 void *ud)
{
	static const char key[] = "co-authored-by:";

	for (const char *p = msg; *p; p = next_line(p)) {
		size_t n = line_len(p);
		const char *lt, *gt, *name = p + sizeof key - 1, *name_end;
		char *email = NULL, *who = NULL;
		int rc = -1;

		if (n < sizeof key || strncasecmp(p, key, sizeof key - 1) != 0)
			continue;
		lt = memchr(p, '<', n);
		gt = lt ? memchr(lt, '>', n - (size_t)(lt - p)) : NULL;
		if (!gt)
			continue;
		while (name < lt && (*name == ' ' || *name == '\t'))
			name++;
		for (name_end = lt;
		     name_end > name && (name_end[-1] == ' ' || name_end[-1] == '\t');)
			name_end--;
		if ((email = ml_strndup(lt + 1, (size_t)(gt - lt - 1))) &&
		    (who = ml_strndup(name, (size_t)(name_end - name))))
			rc = fn(ud, who, email);
		free(email);
		free(who);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* gitmsg_each_coauthor() callback: the login of a noreply address. */
static int add_noreply(void *ud, const char *name, const char *email)
{
	struct ml_strv *v = ud;
	char *login = gitmsg_noreply_login(email);
	int rc = 0;

	(void)name;
	if (login && !strv_contains_case(v, login))
		rc = strv_push(v, login);
	free(login);
	return rc;
}

int gitmsg_parse(struct ml_git_message *m, const char *msg)
{
	int rc;

	memset(m, 0, sizeof *m);
	rc = gitmsg_parse_subject(m, msg);
	if (rc > 0 && gitmsg_each_coauthor(msg, add_noreply, &m->coauthors) != 0)
		rc = -1;
	if (rc < 0)
		gitmsg_release(m);
	return rc < 0 ? -1 : 0;
}

void gitmsg_release(struct ml_git_message *m)
{
	for (size_t i = 0; i < m->nmore; i++) {
		free(m->more[i].title);
		free(m->more[i].author);
	}
	free(m->more);
	free(m->author);
	free(m->title);
	strv_release(&m->coauthors);
	memset(m, 0, sizeof *m);
}
