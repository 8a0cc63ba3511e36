/* test_homepage.c: the newsletter's site repository, built here with
 * libgit2: the latest issue before the month on a ref, the draft's file and
 * its uncommitted-changes refusal, and `issue --homepage` end to end
 * against the fake GitHub server. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "gittest.h"
#include "mergeletter/cli/cli.h"
#include "mergeletter/document/homepage.h"
#include "mergeletter/git/gitsource.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "testutil.h"

struct site_file {
	const char *path;
	const char *text;
};

/* A commit whose tree holds exactly these files (built in memory). */
static git_oid site_commit(git_repository *repo, const struct site_file *files, size_t n,
			   const git_oid *parent, const char *ref)
{
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *p = NULL;
	const git_commit *pv[1];
	git_oid tree_id, id;

	gt_check(git_index_new(&idx), "index");
	for (size_t i = 0; i < n; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof e);
		e.mode = GIT_FILEMODE_BLOB;
		e.path = files[i].path;
		gt_check(
		    git_blob_create_from_buffer(&e.id, repo, files[i].text, strlen(files[i].text)),
		    "blob");
		gt_check(git_index_add(idx, &e), "add");
	}
	gt_check(git_index_write_tree_to(&tree_id, idx, repo), "write tree");
	gt_check(git_tree_lookup(&tree, repo, &tree_id), "tree");
	gt_check(git_signature_new(&sig, "Editor", "editor@example.com", 1700000000, 0), "sig");
	if (parent)
		gt_check(git_commit_lookup(&p, repo, parent), "parent");
	pv[0] = p;
	gt_check(
	    git_commit_create(&id, repo, ref, sig, sig, NULL, "site", tree, parent ? 1 : 0, pv),
	    "commit");
	git_commit_free(p);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
	return id;
}

static char *path_in(const char *dir, const char *rel)
{
	char *p = malloc(4096);

	snprintf(p, 4096, "%s/%s", dir, rel);
	return p;
}

static void write_text(const char *dir, const char *rel, const char *text)
{
	char *p = path_in(dir, rel);
	FILE *fp = fopen(p, "w");

	if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
	free(p);
}

static char *read_text(const char *dir, const char *rel)
{
	struct ml_error err = ML_ERROR_INIT;
	char *p = path_in(dir, rel), *text = NULL;
	size_t len;

	if (file_read(p, &text, &len, &err) < 0)
		error_clear(&err);
	free(p);
	return text;
}

#define ISSUE(m) "content/this-month/" m "/index.md"

/* A site: master holds the published issues (2023-06, 2023-07, and a later
 * 2023-09), a month directory with no index.md, and other files; origin's
 * HEAD names master; next (checked out) has a changed July and the August
 * draft; old has June alone. */
static char *make_site(const char *july)
{
	char *dir = gt_tmpdir();
	git_repository *repo = gt_init(dir, 0);
	git_checkout_options co;
	const struct site_file master[] = {
	    {"config.toml", "title = \"site\"\n"},
	    {"content/this-month/_index.md", "+++\n+++\n"},
	    {ISSUE("2023-06"), "June\n"},
	    {ISSUE("2023-07"), july},
	    {ISSUE("2023-09"), "September\n"},
	    {"content/this-month/2023-05/notes.md", "no index\n"},
	    {"content/this-month/2023-07-extra/index.md", "not a month\n"},
	};
	const struct site_file next[] = {
	    {"config.toml", "title = \"site\"\n"},
	    {ISSUE("2023-07"), "July on next\n"},
	    {ISSUE("2023-08"), "August draft\n"},
	};
	const struct site_file old[] = {{ISSUE("2023-06"), "June\n"}};
	git_oid m, n;

	m = site_commit(repo, master, sizeof master / sizeof *master, NULL, "refs/heads/master");
	n = site_commit(repo, next, sizeof next / sizeof *next, &m, "refs/heads/next");
	site_commit(repo, old, 1, NULL, "refs/heads/old");
	gt_ref(repo, "refs/remotes/origin/master", &m);
	gt_symref(repo, "refs/remotes/origin/HEAD", "refs/remotes/origin/master");
	gt_symref(repo, "HEAD", "refs/heads/next");
	gt_check(git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION), "checkout options");
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	gt_check(git_checkout_head(repo, &co), "checkout");
	(void)n;
	git_repository_free(repo);
	return dir;
}

static struct ml_range month(const char *m)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range r;

	memset(&r, 0, sizeof r);
	if (range_from_month(&r, m, &err) < 0)
		abort();
	return r;
}

static char *previous_of(const char *site, const char *ref, const char *m, int *code)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range r = month(m);
	char *text = NULL, *name = NULL;
	size_t len = 0;

	*code = homepage_previous(site, ref, &r, &text, &len, &name, &err) == 0 ? 0 : err.exit_code;
	if (*code)
		fprintf(stderr, "(expected) %s\n", err.msg);
	CHECK(*code ? name == NULL : name && strstr(name, ":content/this-month/2023-") != NULL);
	CHECK(!text || strlen(text) == len);
	error_clear(&err);
	free(name);
	return text;
}

static void latest_before_the_month(void)
{
	char *site = make_site("July\n"), *t;
	int code;

	t = previous_of(site, NULL, "2023-08", &code); /* origin's default branch, not HEAD */
	CHECK_STR(t, "July\n");
	free(t);
	t = previous_of(site, NULL, "2023-10", &code); /* September is the latest before */
	CHECK_STR(t, "September\n");
	free(t);
	t = previous_of(site, NULL, "2023-07", &code); /* 2023-05 has no index.md */
	CHECK_STR(t, "June\n");
	free(t);
	t = previous_of(site, "next", "2023-08", &code);
	CHECK_STR(t, "July on next\n");
	free(t);
	t = previous_of(site, "next", "2023-09", &code); /* the draft on next is before September */
	CHECK_STR(t, "August draft\n");
	free(t);
	t = previous_of(site, "old", "2023-08", &code);
	CHECK_STR(t, "June\n");
	free(t);
	t = previous_of(site, NULL, "2023-06", &code);
	CHECK(t == NULL && code == ML_EXIT_SOURCE);
	t = previous_of(site, "no-such-branch", "2023-08", &code);
	CHECK(t == NULL && code == ML_EXIT_SOURCE);
	t = previous_of("/nonexistent/site", NULL, "2023-08", &code);
	CHECK(t == NULL && code == ML_EXIT_SOURCE);
	gt_rmtree(site);
}

static int draft_path(const char *site, const char *m, int allow, char **path, char **msg)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range r = month(m);
	int code = homepage_draft_path(site, &r, allow, path, &err) == 0 ? 0 : err.exit_code;

	*msg = err.msg;
	return code;
}

static void draft_file_and_refusal(void)
{
	char *site = make_site("July\n"), *path = NULL, *msg = NULL, *want, *text;
	struct ml_error err = ML_ERROR_INIT;
	struct stat st;

	/* committed and unchanged: may be drafted over */
	CHECK(draft_path(site, "2023-08", 0, &path, &msg) == 0);
	want = path_in(site, ISSUE("2023-08"));
	CHECK_STR(path, want);
	free(want);
	free(path);
	/* a new month: nothing is made until the draft is written */
	CHECK(draft_path(site, "2023-10", 0, &path, &msg) == 0);
	want = path_in(site, "content/this-month/2023-10");
	CHECK(stat(want, &st) < 0 && errno == ENOENT);
	CHECK(homepage_make_dir(path, &err) == 0 && homepage_make_dir(path, &err) == 0);
	CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat(path, &st) < 0 && errno == ENOENT);
	free(want);
	free(path);
	/* edited in the work tree: refused, exit 2, the file untouched */
	write_text(site, ISSUE("2023-08"), "August draft, edited\n");
	CHECK(draft_path(site, "2023-08", 0, &path, &msg) == ML_EXIT_USAGE);
	CHECK(path == NULL && msg && strstr(msg, "2023-08/index.md' has uncommitted changes"));
	free(msg);
	text = read_text(site, ISSUE("2023-08"));
	CHECK_STR(text, "August draft, edited\n");
	free(text);
	/* the hook for --update */
	CHECK(draft_path(site, "2023-08", 1, &path, &msg) == 0 && path);
	free(path);
	/* untracked counts as uncommitted */
	write_text(site, "content/this-month/2023-10/index.md", "new\n");
	CHECK(draft_path(site, "2023-10", 0, &path, &msg) == ML_EXIT_USAGE);
	free(msg);
	CHECK(draft_path("/nonexistent/site", "2023-10", 0, &path, &msg) == ML_EXIT_SOURCE);
	free(msg);
	gt_rmtree(site);
}

static void bare_site(void)
{
	char *dir = gt_tmpdir(), *path = NULL, *msg = NULL;
	git_repository *repo = gt_init(dir, 1);

	git_repository_free(repo);
	CHECK(draft_path(dir, "2023-08", 0, &path, &msg) == ML_EXIT_USAGE);
	CHECK(msg && strstr(msg, "work tree"));
	free(msg);
	gt_rmtree(dir);
}

/* ---- end to end: cli_main against the fake server ---- */

struct server {
	pid_t pid;
	int in; /* the server's stdin: it exits on EOF */
	char url[64];
};

static int server_start(struct server *s, const char *root)
{
	int in[2], out[2];
	char script[4096], data[4096], line[16] = "";
	FILE *fp;

	snprintf(script, sizeof script, "%s/tests/fake_github/server.py", root);
	snprintf(data, sizeof data, "%s/tests/data/rust-osdev-2023-08", root);
	if (pipe(in) < 0 || pipe(out) < 0)
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execlp("python3", "python3", script, "--data", data, "--max-seconds", "120",
		       (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	fp = fdopen(out[0], "r");
	/* bounded: the server prints its port or exits (--max-seconds at the latest) */
	if (!fp || !fgets(line, sizeof line, fp)) {
		if (fp)
			fclose(fp);
		close(s->in);
		if (s->pid > 0)
			waitpid(s->pid, NULL, 0);
		return -1;
	}
	fclose(fp);
	line[strcspn(line, "\n")] = '\0';
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%s", line);
	return 0;
}

static void server_stop(struct server *s)
{
	close(s->in);
	waitpid(s->pid, NULL, 0);
}

/* cli_main in a child (it closes stdout); its exit code. */
static int run_cli(char **argv)
{
	int argc = 0, status = 0;
	pid_t pid;

	while (argv[argc])
		argc++;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(60); /* a hang guard: a run still going then is killed, a failure */
		_exit(cli_main(argc, argv));
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Files of the work tree that differ from HEAD or the index. */
static size_t changed_files(const char *site, const char **only)
{
	git_repository *repo = NULL;
	git_status_list *st = NULL;
	git_status_options opts;
	size_t n;

	gt_check(git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION), "status options");
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	gt_check(git_repository_open(&repo, site), "open");
	gt_check(git_status_list_new(&st, repo, &opts), "status");
	n = git_status_list_entrycount(st);
	if (n == 1 && only) {
		const git_status_entry *e = git_status_byindex(st, 0);

		*only = e->index_to_workdir ? strdup(e->index_to_workdir->new_file.path) : NULL;
	}
	git_status_list_free(st);
	git_repository_free(repo);
	return n;
}

static void issue_homepage_end_to_end(void)
{
	const char *root = getenv("ML_SOURCE_DIR"), *changed = NULL;
	char *july = NULL, *expected = NULL, *site, *draft;
	struct server srv;
	size_t len;
	struct ml_error err = ML_ERROR_INIT;
	char prev_path[4096], exp_path[4096];

	CHECK(root != NULL);
	if (!root)
		return;
	snprintf(prev_path, sizeof prev_path, "%s/tests/cases/issue-previous/previous.md", root);
	snprintf(exp_path, sizeof exp_path, "%s/tests/cases/issue-previous/expected.md", root);
	CHECK(file_read(prev_path, &july, &len, &err) == 0);
	CHECK(file_read(exp_path, &expected, &len, &err) == 0);
	if (server_start(&srv, root) < 0) {
		CHECK(!"the fake server did not start");
		free(july);
		free(expected);
		return;
	}
	site = make_site(july ? july : "");
	setenv("SOURCE_DATE_EPOCH", "1693958400", 1);
	setenv("GH_TOKEN", "t0k3n", 1);
	{
		char *argv[] = {"mergeletter", "issue",	  "--homepage", site,
				"--month",     "2023-08", "--api-url",	srv.url,
				"--no-cache",  "--quiet", NULL};
		char *args_o[] = {"mergeletter", "issue", "--homepage", site, "-o", "x.md", NULL};
		char *args_force[] = {"mergeletter", "issue",	"--homepage", site,
				      "--month",     "2023-08", "--api-url",  srv.url,
				      "--no-cache",  "--quiet", "--force",    NULL};
		size_t n = expected ? strlen(expected) : 0;

		/* the committed August file is not mergeletter's: never clobbered... */
		CHECK(run_cli(argv) == ML_EXIT_USAGE);
		CHECK(changed_files(site, NULL) == 0);
		/* ...unless forced: the draft from the July issue on master, and its trailer */
		CHECK(run_cli(args_force) == 0);
		draft = read_text(site, ISSUE("2023-08"));
		CHECK(draft && expected && strncmp(draft, expected, n) == 0);
		CHECK(draft && strlen(draft) > n &&
		      strncmp(draft + n, "\n<!-- mergeletter: offered ", 27) == 0);
		free(draft);
		CHECK(changed_files(site, &changed) == 1);
		CHECK_STR(changed, ISSUE("2023-08"));
		free((char *)changed);
		/* now it has uncommitted changes: refused, exit 2 */
		write_text(site, ISSUE("2023-08"), "edited\n");
		CHECK(run_cli(argv) == ML_EXIT_USAGE);
		draft = read_text(site, ISSUE("2023-08"));
		CHECK_STR(draft, "edited\n");
		free(draft);
		CHECK(run_cli(args_o) == ML_EXIT_USAGE); /* -o does not go with --homepage */
	}
	server_stop(&srv);
	free(july);
	free(expected);
	gt_rmtree(site);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	git_libgit2_init();
	RUN(latest_before_the_month);
	RUN(draft_file_and_refusal);
	RUN(bare_site);
	RUN(issue_homepage_end_to_end);
	gitsource_end(); /* what the library held for the "run" */
	git_libgit2_shutdown();
	return DONE();
}
