/* test_http.c: the token's origin: who may receive it, and over what;
 * and parse hooks, against a loopback server in this process. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "mergeletter/net/http.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

/* http_new's verdict on sending token to api_url: 0 (allowed) or the exit code. */
static int verdict(const char *api_url, const char *token)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http *h = NULL;
	int code;

	o.api_url = api_url;
	o.token = token;
	code = http_new(&h, &o, &err) == 0 ? 0 : err.exit_code;
	if (code && (!err.msg || (token && strstr(err.msg, token))))
		code = -1; /* no message, or one that shows the token */
	http_free(h);
	error_clear(&err);
	return code;
}

static void cleartext_only_to_loopback(void)
{
	CHECK(verdict("https://api.github.com", "s3cr3t") == 0);
	CHECK(verdict("http://127.0.0.1:8080", "s3cr3t") == 0);
	CHECK(verdict("http://127.4.5.6", "s3cr3t") == 0);
	CHECK(verdict("http://localhost:9/api/v3", "s3cr3t") == 0);
	CHECK(verdict("http://[::1]:9", "s3cr3t") == 0);
	CHECK(verdict("http://api.github.com", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://192.0.2.1:80", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://128.0.0.1", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://localhost.example.com", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("HTTP://ghe.example.com", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://api.github.com", NULL) == 0); /* no token, nothing to leak */
	CHECK(verdict("not a url", NULL) == ML_EXIT_USAGE);
}

static void same_origin(void)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http *h = NULL;

	o.api_url = "https://api.github.com/";
	CHECK(http_new(&h, &o, &err) == 0);
	if (!h)
		return;
	CHECK(http_same_origin(h, "https://api.github.com/repos/a/b/pulls?page=2"));
	CHECK(http_same_origin(h, "https://API.GitHub.com:443/x"));
	CHECK(!http_same_origin(h, "http://api.github.com/x"));
	CHECK(!http_same_origin(h, "https://api.github.com:8443/x"));
	CHECK(!http_same_origin(h, "https://api.github.com.evil.example/x"));
	CHECK(!http_same_origin(h, "https://evil.example/?https://api.github.com/"));
	CHECK(!http_same_origin(h, "https://user@evil.example/x"));
	CHECK(!http_same_origin(h, "//api.github.com/x"));
	CHECK(!http_same_origin(h, "garbage"));
	CHECK(!http_expired(h));
	http_free(h);
}

/* ---- gates: a thread waits for another's event, never for a while ----
 *
 * The tests below order events across threads (the server's, the pool's,
 * the engine's) with gates, not sleeps: an answer is held until a parse has
 * started, a parse until an answer was delivered. A wait is bounded: after
 * GATE_SECONDS it gives up and counts a timeout, which fails the test (only
 * a broken engine makes a gate wait that long). */

#define GATE_SECONDS 10

enum gate { PARSE_STARTED, A_DELIVERED, B_DELIVERED, NGATES };

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open_[NGATES];
static int gate_timeouts;

static void gates_reset(void)
{
	pthread_mutex_lock(&gate_lock);
	memset(gate_open_, 0, sizeof gate_open_);
	gate_timeouts = 0;
	pthread_mutex_unlock(&gate_lock);
}

static void gate_open(enum gate g)
{
	pthread_mutex_lock(&gate_lock);
	gate_open_[g] = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void gate_wait(enum gate g)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += GATE_SECONDS;
	pthread_mutex_lock(&gate_lock);
	while (!gate_open_[g] && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&gate_cond, &gate_lock, &until);
	if (!gate_open_[g]) {
		fprintf(stderr, "test_http: gate %d still closed after %d s (hang guard)\n", (int)g,
			GATE_SECONDS);
		gate_timeouts++;
	}
	pthread_mutex_unlock(&gate_lock);
}

static int gates_timed_out(void)
{
	int n;

	pthread_mutex_lock(&gate_lock);
	n = gate_timeouts;
	pthread_mutex_unlock(&gate_lock);
	return n;
}

/* ---- a loopback server: "GET /NAME" is answered with {"name":"NAME"},
 * "GET /NAME?after=parse" (or after=a) only once a parse has started (or
 * /a's answer was delivered); one thread per connection ---- */

#define MAX_CONNS 64

struct server {
	int fd, port;
	int stop[2]; /* a pipe: the accepter stops when it becomes readable */
	pthread_t accepter, conns[MAX_CONNS];
	int nconns;
};

static void *serve_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[2048], name[64] = "", body[128], head[256];
	size_t n = 0;
	ssize_t got;
	struct timeval limit = {GATE_SECONDS, 0};

	/* a client that never sends its request is a hang, not a wait */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
	while (n + 1 < sizeof req && (got = read(fd, req + n, sizeof req - 1 - n)) > 0) {
		n += (size_t)got;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[n] = '\0';
	sscanf(req, "GET /%63[a-z0-9]", name);
	if (strstr(req, "after=parse"))
		gate_wait(PARSE_STARTED);
	else if (strstr(req, "after=a"))
		gate_wait(A_DELIVERED);
	snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
	snprintf(head, sizeof head,
		 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
		 "%zu\r\nLink: <http://127.0.0.1/next>; rel=\"next\"\r\nConnection: close\r\n\r\n",
		 strlen(body));
	if (write(fd, head, strlen(head)) < 0 || write(fd, body, strlen(body)) < 0)
		perror("test server");
	close(fd);
	return NULL;
}

static void *serve(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct pollfd p[2] = {{s->fd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
		int c;

		if (poll(p, 2, -1) < 0 || p[1].revents)
			break;
		if (!(p[0].revents & POLLIN) || (c = accept(s->fd, NULL, NULL)) < 0)
			continue;
		if (s->nconns == MAX_CONNS ||
		    pthread_create(&s->conns[s->nconns], NULL, serve_conn, (void *)(intptr_t)c))
			close(c);
		else
			s->nconns++;
	}
	return NULL;
}

/* On an ephemeral port of 127.0.0.1. */
static int server_start(struct server *s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;

	memset(s, 0, sizeof *s);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->stop[0] = s->stop[1] = -1;
	if ((s->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 16) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &len) < 0 || pipe(s->stop) < 0 ||
	    pthread_create(&s->accepter, NULL, serve, s) != 0) {
		if (s->fd >= 0)
			close(s->fd);
		if (s->stop[0] >= 0) {
			close(s->stop[0]);
			close(s->stop[1]);
		}
		return -1;
	}
	s->port = ntohs(a.sin_port);
	return 0;
}

/* Every connection's thread ends on its own: its gate opens or times out. */
static void server_stop(struct server *s)
{
	if (write(s->stop[1], "x", 1) != 1)
		perror("test server stop");
	pthread_join(s->accepter, NULL);
	for (int i = 0; i < s->nconns; i++)
		pthread_join(s->conns[i], NULL);
	close(s->stop[0]);
	close(s->stop[1]);
	close(s->fd);
}

/* ---- parse hooks ---- */

static atomic_int parses, frees;
static int parse_gated; /* a parse waits until /b's answer was delivered */
static pthread_t parse_thread;

static void *gated_parse(const char *body, size_t len)
{
	char *copy = malloc(len + 1);

	parse_thread = pthread_self();
	atomic_fetch_add(&parses, 1);
	gate_open(PARSE_STARTED);
	if (parse_gated)
		gate_wait(B_DELIVERED);
	if (copy)
		memcpy(copy, body, len + 1);
	return copy;
}

static void parsed_free(void *parsed)
{
	atomic_fetch_add(&frees, 1);
	free(parsed);
}

struct seen {
	char order[8]; /* names of the answers, in the order delivered */
	char parsed_a[64];
	int broken_first, deliveries, stop_on_b;
	char failed[2][160]; /* why a and b failed, if they did */
};

static size_t test_budget; /* fetch_two's body budget; 0: the engine's */

static int on_answer(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct seen *s = ud;
	char name = strstr(r->url, "/a?") ? 'a' : 'b';
	size_t n = strlen(s->order);

	if (n + 1 < sizeof s->order)
		s->order[n] = name;
	if (r->failed)
		snprintf(s->failed[name == 'b'], sizeof s->failed[0], "%s", r->failed);
	gate_open(name == 'a' ? A_DELIVERED : B_DELIVERED);
	if (name == 'a' && r->parsed)
		snprintf(s->parsed_a, sizeof s->parsed_a, "%s", (const char *)r->parsed);
	if (name == 'a' && s->broken_first && s->deliveries++ == 0) {
		error_set(err, ML_EXIT_NETWORK, "broken on purpose");
		return ML_HTTP_BROKEN;
	}
	if (name == 'b' && s->stop_on_b)
		return error_set(err, ML_EXIT_NETWORK, "stop on purpose");
	return 0;
}

/* GET /a with the gated parse hook, and /b?after=B_AFTER without (none
 * when b_after is NULL). http_run's result, or -2 when it did not run. */
static int fetch_two(struct seen *seen, int parsers, const char *b_after)
{
	struct server srv;
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_http_req with = ML_HTTP_REQ_INIT, without = ML_HTTP_REQ_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http *h = NULL;
	char a[80], b[80];
	int rc = -2;

	gates_reset();
	atomic_store(&parses, 0);
	atomic_store(&frees, 0);
	if (server_start(&srv) < 0)
		return -2;
	o.run_timeout_s = GATE_SECONDS * 3; /* a hang guard */
	o.parsers = parsers;
	o.parse_min = 0; /* the answers are tiny */
	o.retry_base_ms = 1;
	if (test_budget)
		o.body_budget = test_budget;
	with.accept = without.accept = "application/json";
	with.parse = gated_parse;
	with.parsed_free = parsed_free;
	snprintf(a, sizeof a, "http://127.0.0.1:%d/a?now", srv.port);
	snprintf(b, sizeof b, "http://127.0.0.1:%d/b?after=%s", srv.port, b_after ? b_after : "");
	if (http_new(&h, &o, &err) == 0 && http_get_opts(h, a, &with, on_answer, seen, &err) == 0 &&
	    (!b_after || http_get_opts(h, b, &without, on_answer, seen, &err) == 0))
		rc = http_run(h, &err);
	http_free(h);
	error_clear(&err);
	server_stop(&srv);
	return rc;
}

static void parse_runs_while_others_proceed(void)
{
	struct seen seen;

	/* /a arrives and its parse waits for /b's delivery; /b is answered only
	 * once that parse has started: "ba" only if the loop went on while a
	 * worker parsed (a parse on the loop's thread times out its gate) */
	memset(&seen, 0, sizeof seen);
	parse_gated = 1;
	CHECK(fetch_two(&seen, 0, "parse") == 0);
	CHECK_STR(seen.order, "ba");
	CHECK_STR(seen.parsed_a, "{\"name\":\"a\"}");
	CHECK(!pthread_equal(parse_thread, pthread_self()));
	CHECK(atomic_load(&parses) == 1 && atomic_load(&frees) == 1);
	CHECK(gates_timed_out() == 0);

	/* without workers the callback parses, in arrival order (/b is
	 * answered once /a was delivered) */
	memset(&seen, 0, sizeof seen);
	CHECK(fetch_two(&seen, -1, "a") == 0);
	CHECK_STR(seen.order, "ab");
	CHECK_STR(seen.parsed_a, "");
	CHECK(atomic_load(&parses) == 0);
	CHECK(gates_timed_out() == 0);
}

static void parses_freed_on_every_path(void)
{
	struct seen seen;

	/* a broken body is asked again and parsed again: each parse freed */
	memset(&seen, 0, sizeof seen);
	seen.broken_first = 1;
	parse_gated = 0;
	CHECK(fetch_two(&seen, 0, NULL) == 0);
	CHECK(seen.deliveries == 2);
	CHECK_STR(seen.order, "aa");
	CHECK(atomic_load(&parses) == 2 && atomic_load(&frees) == 2);

	/* the run stops (a callback's -1) while a worker parses (its parse
	 * waits for /b's delivery, /b waits for the parse to start): the
	 * parse ends, is freed, and never reaches a callback */
	memset(&seen, 0, sizeof seen);
	seen.stop_on_b = 1;
	parse_gated = 1;
	CHECK(fetch_two(&seen, 0, "parse") == -1);
	CHECK_STR(seen.order, "b");
	CHECK(atomic_load(&parses) == 1 && atomic_load(&frees) == 1);
	CHECK(gates_timed_out() == 0);
}

/* ---- follow-ups: first queued, first sent ---- */

struct chain {
	struct ml_http *h;
	int port;
	char order[16]; /* the answers, in the order delivered (one at a time) */
};

static int on_chain(void *ud, const struct ml_http_response *r, struct ml_error *err);

static int chain_get(struct chain *c, const char *name, struct ml_error *err)
{
	struct ml_http_req req = ML_HTTP_REQ_INIT;
	char url[80];

	snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", c->port, name);
	req.accept = "application/json";
	return http_get_opts(c->h, url, &req, on_chain, c, err);
}

static int on_chain(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct chain *c = ud;
	const char *name = strrchr(r->url, '/') + 1;
	size_t n = strlen(c->order);

	if (n + 1 < sizeof c->order)
		c->order[n] = name[0];
	/* x's completion follows up with z, after y that its Link header queued */
	return name[0] == 'x' ? chain_get(c, "z", err) : 0;
}

static int on_chain_link(void *ud, const char *link)
{
	struct chain *c = ud;
	struct ml_error err = ML_ERROR_INIT;

	(void)link;
	if (chain_get(c, "y", &err) < 0)
		error_clear(&err);
	return 1;
}

static void follow_ups_first_come_first_sent(void)
{
	struct server srv;
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_http_req req = ML_HTTP_REQ_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct chain c;
	char url[80];

	memset(&c, 0, sizeof c);
	CHECK(server_start(&srv) == 0);
	c.port = srv.port;
	o.max_parallel = 1; /* one at a time: the order sent is the order answered */
	o.run_timeout_s = GATE_SECONDS * 3; /* a hang guard */
	req.accept = "application/json";
	req.on_link = on_chain_link;
	CHECK(http_new(&c.h, &o, &err) == 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/x", srv.port);
	/* w is queued first but is no follow-up: y (from x's Link header) and
	 * z (from x's completion) go before it, y first */
	CHECK(c.h && http_get_opts(c.h, url, &req, on_chain, &c, &err) == 0);
	CHECK(c.h && chain_get(&c, "w", &err) == 0);
	CHECK(c.h && http_run(c.h, &err) == 0);
	CHECK_STR(c.order, "xyzw");
	http_free(c.h);
	error_clear(&err);
	server_stop(&srv);
}

/* The run's body budget counts every body held: /a's (64 bytes
 * allocated) while a worker parses it (the parse waits for /b's
 * delivery), and /b's, which is answered once that parse has started.
 * With room for one, /b fails naming the budget and /a is delivered; with
 * room for both, both are; a budget freed as bodies go lets any number of
 * answers through one after the other. */
static void body_budget_for_the_run(void)
{
	struct seen seen;

	memset(&seen, 0, sizeof seen);
	parse_gated = 1;
	test_budget = 100;
	CHECK(fetch_two(&seen, 1, "parse") == 0);
	CHECK_STR(seen.order, "ba");
	CHECK_STR(seen.failed[0], "");
	CHECK(strstr(seen.failed[1], "the run's memory budget") != NULL);

	memset(&seen, 0, sizeof seen);
	test_budget = 200;
	CHECK(fetch_two(&seen, 1, "parse") == 0);
	CHECK_STR(seen.order, "ba");
	CHECK_STR(seen.failed[1], "");

	/* without a worker, /a is delivered and freed before /b is answered */
	memset(&seen, 0, sizeof seen);
	parse_gated = 0;
	test_budget = 100;
	CHECK(fetch_two(&seen, -1, "a") == 0);
	CHECK_STR(seen.order, "ab");
	CHECK_STR(seen.failed[1], "");
	test_budget = 0;
	CHECK(gates_timed_out() == 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(cleartext_only_to_loopback);
	RUN(same_origin);
	RUN(parse_runs_while_others_proceed);
	RUN(parses_freed_on_every_path);
	RUN(follow_ups_first_come_first_sent);
	RUN(body_budget_for_the_run);
	curl_global_cleanup();
	return DONE();
}
