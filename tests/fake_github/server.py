#!/usr/bin/env python3
"""A fake GitHub REST API for mergeletter's tests (Python 3 standard library only).

Usage:
  server.py --data DIR [--port 0] [--token T] [--latency-ms N] [--faults FILE]
            [--log FILE] [--core-limit N] [--search-limit N] [--reset-in SECONDS]
            [--search-reset-in SECONDS]
            [--max-seconds 600] [--now YYYY-MM-DDTHH:MM:SSZ]

--now T serves GitHub as it was at T: PRs created later do not exist, merges and closes
after T have not happened (the PR is open), and nothing was updated after T.

Binds 127.0.0.1 only (port 0 = ephemeral), speaks HTTP/1.1 with keep-alive and prints
the port alone on one line on stdout when ready.  It exits after --max-seconds, on
SIGTERM/SIGINT, or when stdin (if it is a pipe or socket) reaches EOF, so a parent that
dies never leaves it running.

Data (compact facts written by hand; the server expands them to full-size objects):
  DIR/repos/OWNER/REPO.json
    {"id": 1234, "description": "...", "archived": false, "fork": false,
     "created_at": "...Z" (optional), "pushed_at": "2023-08-30T10:00:00Z",
     "default_branch": "main", "raw": {...} (optional, merged into the repo object),
     "refs": {"v1.0": "2023-08-01T00:00:00Z", "main": "..."} (optional: branches and
             tags by name, each with its commit's committer date; the commit's SHA is
             derived from the repository and the name),
     "pulls": [{"number": 906, "title": "...", "user": "login",
                "user_type": "User" | "Bot" (default User),
                "created_at": "...Z", "updated_at": "...Z", "closed_at": "...Z" | null,
                "merged_at": "...Z" | null, "labels": ["dependencies"],
                "author_association": "MEMBER", "body": "..." | null, "draft": false,
                "raw": {...}, "raw_issue": {...}}]}
    A history (optional; for the compare endpoints):
     "commits": [{"sha": "40 hex", "parents": ["sha", ...], "message": "...",
                  "author": {"name", "email", "date"}, "committer": {"name", "email", "date"},
                  "author_login": "login" | null, "committer_login": ...}],
     "git_refs": {"v1.0": "sha", "main": "sha"} (branches and tags of the history),
     "commit_pulls": {"sha": [906, ...]} (the PRs GitHub associates with a commit);
     without "commits", a repository with "refs" gets a linear history: a root commit,
     then a squash commit "TITLE (#N)" per merged PR at its merged_at and a commit
     "Update REF" at each ref's date that no PR was merged at, each ref on the newest
     commit at or before its date;
     a pull's "head_ref" (optional) names its head branch (default: from its title);
     "releases": [{"tag_name": "v1.0", "created_at": "...Z", "prerelease": false,
                   "draft": false}] (optional).
    Every OWNER directory is an organisation.  `raw` is merged last into the expanded
    pull object (recursively for objects; the string "$delete" removes a key), so a test
    can make a field null or missing, e.g. {"raw": {"user": null}}.  `raw_issue` does the
    same for the issue-shaped search item (default: the keys of `raw` that an issue has).
    Filtering, sorting and search always use the facts, never `raw`.
  DIR/search.json (optional): {"incomplete_results_for": ["owner/repo", ...]}: a search
    whose scope (its repo:/org: qualifiers, or everything) includes one of those repos
    answers "incomplete_results": true.

Endpoints (GET and HEAD; owner/repo/org names are case-insensitive):
  /repos/O/R, /repositories/ID                 the repository object
  /repos/O/R/pulls, /repositories/ID/pulls     state, sort, direction, per_page, page
        (as GitHub: direction defaults to desc for sort=created, otherwise asc)
  /repos/O/R/pulls/N                           one pull request
  /repos/O/R/commits/REF                       the commit of a ref of "refs" (a name, its
        SHA or a 7+ digit prefix, HEAD = default_branch), commit.committer.date its
        date; an unknown ref is a 422 "No commit found for SHA: REF", as on GitHub
  /repos/O/R/compare/BASE...HEAD               as GitHub: the commits HEAD reaches and BASE
        does not (every parent, `git log BASE..HEAD`), oldest first (committer date,
        parents before children); without page or per_page the first 250 commits, else
        per_page (at most 100) with Link pagination; refs are git_refs names, SHAs or 7+
        digit prefixes of the history, HEAD = default_branch; an unknown one is a 404
        "Not Found"; "files" is empty
  /repos/O/R/commits/SHA/pulls                 the pulls of commit_pulls[SHA] ([] if none),
        per_page/page; a SHA not in the history is a 422 "No commit found for SHA: SHA"
  /repos/O/R/releases/latest                   the newest release by created_at that is not a
        draft or a prerelease; 404 "Not Found" when there is none
  /repos/O/R/tags                              the names of git_refs (else refs) that hold a
        version (N.N), by name descending, per_page/page with Link pagination
  /orgs/O, /orgs/O/repos, /organizations/ID/repos   type, sort, direction, per_page, page
  /users/U/repos, /user/ID/repos               a user account's listing (any owner of DIR
        answers it): type all|owner|member, sort, direction, per_page, page
  /search/issues                               q, sort, order, per_page, page
        q understands is:pr|issue|merged|unmerged|open|closed, type:pr|issue,
        merged:/closed:/created:/updated: with A..B (inclusive, * = open end), >=A, >A,
        <=A, <A or A (dates YYYY-MM-DD are whole UTC days; ISO times are exact),
        repo:, org:, user: (ORed together), author:/-author: (app/NAME = NAME[bot]),
        label:/-label: (label:a,b is an OR), in:title; any other word or "quoted phrase"
        is matched (as a substring, fuzzier than GitHub's stemming) against title and
        body, or the title alone with in:title; `a OR b` is an OR of words; more than
        five AND/OR/NOT operators is a 422.
        Only the first 1000 results are reachable; q over 256 characters is a 422.
  /rate_limit                                  free of charge
  /feeds/NAME                                  the file DIR/feeds/NAME as a feed (not GitHub):
        free of charge, ETag and a fixed Last-Modified; 304 for a matching If-None-Match,
        or (without one) an If-Modified-Since equal to it; the slow feed of a test is a
        fault rule with delay_ms
  Lists are paginated with absolute Link headers (rel next, last, first, prev).

Behaviour shared by every response: JSON bodies (compact, UTF-8), x-ratelimit-* headers,
x-github-api-version-selected, X-GitHub-Request-Id, gzip when Accept-Encoding allows it,
weak ETags (W/"sha256 of the uncompressed body") on non-search 200s and 304 for a
matching If-None-Match (free of charge when authenticated).  A missing User-Agent is a
403, an unsupported X-GitHub-Api-Version a 400, as on GitHub.

Authentication: with --token T, "Authorization: Bearer T" or "token T" is accepted and
any other Authorization header is a 401 "Bad credentials"; without --token any bearer or
token credential is accepted.  No Authorization header means unauthenticated limits.

Rate limits: core 5000 authenticated / 60 unauthenticated (--core-limit N sets both),
search 30 / 10 (--search-limit N sets both); separate buckets for authenticated and
unauthenticated requests; all buckets reset --reset-in seconds (default 3600) after start
and again every --reset-in seconds after each reset (the search buckets every
--search-reset-in seconds when given, as GitHub's search limit resets every minute).
An empty bucket answers 403 with x-ratelimit-remaining: 0.  Error statuses are charged like GitHub does (404, 422 yes;
401, injected faults no).

Faults (--faults FILE, a JSON list; for each request the first rule, in file order,
whose regex matches and which has uses left is used up and applied):
  {"match": "<regex searched in the raw and in the percent-decoded path+query>",
   "times": 1 (default; -1 = every matching request),
   "status": 502, "body": "{\\"message\\":\\"Server Error\\"}", "headers": {...},
   "delay_ms": 0, "kind": null, "retry_after": N, "reset_in": N}
  kind null + status   answer status/body/headers (body default {"message":"Server Error"})
  kind null, no status  only delay_ms / extra headers, then answer normally
  "secondary"   403 secondary rate limit (status overridable, e.g. 429); Retry-After only
                when the rule gives "retry_after"; remaining stays > 0
  "primary"     403 primary rate limit: remaining 0, reset in "reset_in" seconds (default
                60); the real counters are not touched (use --core-limit for that)
  "truncate"    the normal response, declaring its full Content-Length but sending only
                half of the body, then closing the connection
  "invalid_json" 200 (or status) with a correct Content-Length but a body that is not
                JSON (the first half of the normal body, or the rule's "body")
  "close"       close the connection without sending anything
  "not_modified_ignore"  ignore If-None-Match: answer 200 with the full body
  "stall"       accept the request and never answer: hold the connection for "delay_ms"
                (default one hour), then close it
  "trickle"     the normal response, its body sent one byte every "interval_ms" (default
                1000), without gzip
  "oversized"   200 with a body of "size_mb" MB (default 60) of JSON whitespace, streamed;
                Content-Length declared unless "declare_length": false (then the body ends
                when the connection closes); the log's "bytes" counts what was sent before
                the client hung up
  "endless"     200 with "body" (default "[]") and a Link rel="next" to the same path with
                page + 1, for ever
  "lie_total"   the normal search answer with total_count replaced by "total_count"
                (default 99999999999)
  "gzip_bomb"   200 with Content-Encoding: gzip, a gzip body of about 1 MB that inflates to
                "inflated_mb" MB (default 1024) of JSON whitespace; sent whatever the
                request's Accept-Encoding (a hostile server does not ask)
  any kind, "link": a Link header that replaces the response's own: "<URL>; rel=\"next\""
                where URL may use {api} (this server), {self} (the URL requested) and
                {other} (a second listener on another port of 127.0.0.1, same data, whose
                requests are logged with "other": true); so may the values of "headers",
                e.g. {"status": 302, "headers": {"Location": "{other}/x"}}

Log (--log FILE): one JSON line per request, appended when it completes:
  {"method", "path" (path+query as sent), "status" (0 = closed without a response),
   "bytes" (body bytes sent), "if_none_match", "if_modified_since", "auth" ("bearer"|"token"|"none"|"bad"),
   "accept", "accept_encoding", "user_agent", "api_version", "inflight" (requests in
   flight when this one started, itself included), "fault" (rule index or null),
   "t_start", "t_end", "other" (true when the second listener, {other}, received it)}
"""

import argparse
import base64
import copy
import gzip
import hashlib
import heapq
import json
import math
import os
import re
import signal
import stat
import struct
import sys
import threading
import time
import zlib
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

API_VERSION = "2022-11-28"
DOCS = "https://docs.github.com/rest"
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
KNOWN_IDS = {"dependabot[bot]": 49699333, "renovate[bot]": 29139614, "github-actions[bot]": 41898282}
PR_KEYS = {"number", "title", "user", "user_type", "created_at", "updated_at", "closed_at",
           "merged_at", "labels", "author_association", "body", "draft", "raw", "raw_issue",
           "head_ref"}
REPO_KEYS = {"id", "description", "archived", "fork", "created_at", "pushed_at",
             "default_branch", "pulls", "raw", "refs", "commits", "git_refs", "commit_pulls",
             "releases"}
COMPARE_DOC = "https://docs.github.com/rest/commits/commits#compare-two-commits"
COMMIT_PULLS_DOC = ("https://docs.github.com/rest/commits/commits"
                    "#list-pull-requests-associated-with-a-commit")
FAULT_KEYS = {"match", "times", "status", "body", "headers", "delay_ms", "kind",
              "retry_after", "reset_in", "link", "size_mb", "declare_length", "interval_ms",
              "total_count"}
FAULT_KINDS = {None, "secondary", "primary", "truncate", "invalid_json", "close",
               "not_modified_ignore", "stall", "trickle", "oversized", "endless", "lie_total"}
# issue 22's faults, kept apart so that other additions merge cleanly
FAULT_KINDS |= {"gzip_bomb"}
FAULT_KEYS |= {"inflated_mb"}
LABEL_INFO = {"dependencies": ("0366d6", "Pull requests that update a dependency file"),
              "bug": ("d73a4a", "Something isn't working"),
              "enhancement": ("a2eeef", "New feature or request"),
              "documentation": ("0075ca", "Improvements or additions to documentation")}


FEED_LAST_MODIFIED = "Wed, 30 Aug 2023 12:00:00 GMT"


class DataError(Exception):
    pass


def parse_ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def stable_int(*parts, lo=1_000_000, span=90_000_000):
    h = hashlib.sha256("\0".join(str(p) for p in parts).encode()).digest()
    return lo + int.from_bytes(h[:8], "big") % span


def sha1(*parts):
    return hashlib.sha1("\0".join(str(p) for p in parts).encode()).hexdigest()


def b64(s):
    return base64.b64encode(s.encode()).decode()


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def merge_raw(obj, raw, _copied=False):
    """A copy of obj with raw merged in recursively; "$delete" removes a key."""
    if not raw:
        return obj
    if not _copied:
        obj = copy.deepcopy(obj)   # nested objects (repos, owners) are shared between PRs
    for k, v in raw.items():
        if v == "$delete":
            obj.pop(k, None)
        elif isinstance(v, dict) and isinstance(obj.get(k), dict):
            merge_raw(obj[k], v, True)
        else:
            obj[k] = copy.deepcopy(v)
    return obj


def slug(text, n=40):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:n].rstrip("-") or "patch"


# ----------------------------------------------------------------------------- data

class Store:
    """The facts of DIR, and their expansion into GitHub objects for one base URL."""

    def __init__(self, data_dir, now=None):
        self.now = now       # "YYYY-MM-DDTHH:MM:SSZ": serve GitHub as it was then
        self.repos = {}      # "owner/repo" (lower) -> facts
        self.by_id = {}      # repo id -> facts
        self.orgs = {}       # org (lower) -> {"login", "id", "repos": [facts]}
        self.incomplete_for = set()
        self.feeds_dir = os.path.join(data_dir, "feeds")
        root = os.path.join(data_dir, "repos")
        if not os.path.isdir(root):
            raise DataError(f"{root}: no such directory")
        for owner in sorted(os.listdir(root)):
            odir = os.path.join(root, owner)
            if not os.path.isdir(odir):
                continue
            org = self.orgs.setdefault(owner.lower(), {
                "login": owner, "id": stable_int("org", owner.lower()), "repos": []})
            for fn in sorted(os.listdir(odir)):
                if fn.endswith(".json"):
                    facts = self._load_repo(os.path.join(odir, fn), owner, fn[:-5])
                    org["repos"].append(facts)
        sfile = os.path.join(data_dir, "search.json")
        if os.path.exists(sfile):
            with open(sfile, encoding="utf-8") as f:
                self.incomplete_for = {r.lower() for r in json.load(f).get("incomplete_results_for", [])}

    def _load_repo(self, path, owner, name):
        try:
            with open(path, encoding="utf-8") as f:
                facts = json.load(f)
        except (OSError, ValueError) as e:
            raise DataError(f"{path}: {e}")

        def bad(msg):
            raise DataError(f"{path}: {msg}")

        if set(facts) - REPO_KEYS:
            bad(f"unknown keys {sorted(set(facts) - REPO_KEYS)}")
        if not isinstance(facts.get("id"), int) or not isinstance(facts.get("pulls"), list):
            bad("needs an integer id and a pulls list")
        facts.update(owner=owner, name=name, full_name=f"{owner}/{name}")
        if facts["id"] in self.by_id:
            bad(f"duplicate repo id {facts['id']}")
        for k in ("pushed_at", "created_at"):
            if facts.get(k) is not None and not TS_RE.match(facts[k]):
                bad(f"{k} is not YYYY-MM-DDTHH:MM:SSZ")
        facts["_by_sha"] = {}
        for c in facts.get("commits", []):
            if not isinstance(c, dict) or not re.match(r"^[0-9a-f]{40}$", str(c.get("sha"))):
                bad("commits: each needs a 40-hex sha")
            for k in ("author", "committer"):
                if not TS_RE.match(str((c.get(k) or {}).get("date"))):
                    bad(f"commit {c['sha']}: {k}.date is not YYYY-MM-DDTHH:MM:SSZ")
            c.setdefault("parents", [])
            c.setdefault("message", "")
            facts["_by_sha"][c["sha"]] = c
        for ref, sha in facts.get("git_refs", {}).items():
            if sha not in facts["_by_sha"]:
                bad(f"git_refs: {ref}: {sha} is not in commits")
        for ref, when in facts.setdefault("refs", {}).items():
            if not isinstance(when, str) or not TS_RE.match(when):
                bad(f"refs: {ref}: date is not YYYY-MM-DDTHH:MM:SSZ")
        seen = set()
        for pr in facts["pulls"]:
            where = f"pull {pr.get('number')}"
            if set(pr) - PR_KEYS:
                bad(f"{where}: unknown keys {sorted(set(pr) - PR_KEYS)}")
            for k in ("number", "title", "user", "created_at"):
                if k not in pr:
                    bad(f"{where}: missing {k}")
            if pr["number"] in seen:
                bad(f"{where}: duplicate number")
            seen.add(pr["number"])
            pr.setdefault("updated_at", pr.get("closed_at") or pr["created_at"])
            pr.setdefault("closed_at", pr.get("merged_at"))
            pr.setdefault("merged_at", None)
            for k in ("created_at", "updated_at", "closed_at", "merged_at"):
                v = pr[k]
                if v is not None and not TS_RE.match(v):
                    bad(f"{where}: {k} {v!r} is not YYYY-MM-DDTHH:MM:SSZ")
            if pr["merged_at"] and not pr["closed_at"]:
                bad(f"{where}: merged but not closed")
            order = [pr["created_at"]] + ([pr["closed_at"]] if pr["closed_at"] else []) + [pr["updated_at"]]
            if order != sorted(order) or (pr["merged_at"] and pr["merged_at"] > pr["closed_at"]):
                bad(f"{where}: needs created_at <= merged_at <= closed_at <= updated_at")
            pr["_created"] = parse_ts(pr["created_at"])
            pr["_updated"] = parse_ts(pr["updated_at"])
            pr["_closed"] = parse_ts(pr["closed_at"]) if pr["closed_at"] else None
            pr["_merged"] = parse_ts(pr["merged_at"]) if pr["merged_at"] else None
        if self.now:
            facts["pulls"] = [self._as_of(pr) for pr in facts["pulls"] if pr["created_at"] <= self.now]
        if not facts["_by_sha"] and facts["refs"]:
            self._synthesize(facts)
        self.repos[facts["full_name"].lower()] = facts
        self.by_id[facts["id"]] = facts
        return facts

    def _synthesize(self, facts):
        """The linear history of a repository with refs and no commits: a root commit,
        then one squash commit "TITLE (#N)" per merged PR at its merged_at, and a commit
        "Update NAME" at the date of each ref that no PR was merged at; each ref names
        the newest commit at or before its date."""
        fn = facts["full_name"]
        merged = {p["merged_at"] for p in facts["pulls"] if p["merged_at"]}
        events = sorted([(p["merged_at"], 0, p["number"], p) for p in facts["pulls"] if p["merged_at"]] +
                        [(d, 1, name, None) for name, d in facts["refs"].items() if d not in merged],
                        key=lambda e: (e[0], e[1], str(e[2])))
        first = parse_ts(events[0][0]) - timedelta(days=1)
        root_date = first.strftime("%Y-%m-%dT%H:%M:%SZ")
        founder = {"name": "Founder", "email": "founder@example.com", "date": root_date}
        history = [{"sha": sha1("synth", fn, "root"), "parents": [], "message": "Initial commit\n",
                    "author": founder, "committer": founder}]
        for date, _, key, p in events:
            if p:
                who = {"name": p["user"], "email": f"{p['user']}@users.noreply.github.com", "date": date}
                msg, login = f"{' '.join(p['title'].split())} (#{key})\n", p["user"]
            else:
                who = dict(founder, date=date)
                msg, login = f"Update {key}\n", None
            history.append({"sha": sha1("synth", fn, key), "parents": [history[-1]["sha"]],
                            "message": msg, "author": who,
                            "committer": dict(who, name="GitHub", email="noreply@github.com"),
                            "author_login": login})
        facts["commits"] = history
        facts["_by_sha"] = {c["sha"]: c for c in history}
        refs = facts.setdefault("git_refs", {})
        for name, date in facts["refs"].items():
            refs.setdefault(name, next(c["sha"] for c in reversed(history)
                                       if c["committer"]["date"] <= date))

    def _as_of(self, pr):
        """The PR as it was at --now: not yet merged or closed, updated at most then."""
        for k in ("merged_at", "closed_at"):
            if pr[k] and pr[k] > self.now:
                pr[k] = None
        if pr["updated_at"] > self.now:
            pr["updated_at"] = self.now
        for k in ("updated", "closed", "merged"):
            pr["_" + k] = parse_ts(pr[k + "_at"]) if pr[k + "_at"] else None
        return pr

    # ---- expansion (done once, after the port is known)

    def expand(self, api):
        self.api = api
        for org in self.orgs.values():
            org["obj"] = self.org_obj(org)
        for facts in self.repos.values():
            facts["_full"] = merge_raw(self.repo_obj(facts, full=True), facts.get("raw", {}))
            facts["_min"] = merge_raw(self.repo_obj(facts, full=False), facts.get("raw", {}))
            facts["_min_json"] = dumps(facts["_min"])
            for pr in facts["pulls"]:
                pobj = merge_raw(self.pull_obj(facts, pr), pr.get("raw", {}))
                pr["_pull"] = pobj
                pr["_pull_json"] = dumps(pobj)
                iobj = self.issue_obj(facts, pr)
                raw_i = pr.get("raw_issue")
                if raw_i is None:
                    raw_i = {k: v for k, v in pr.get("raw", {}).items() if k in iobj}
                pr["_issue"] = merge_raw(iobj, raw_i)

    def user_obj(self, login, utype="User"):
        if utype == "Organization":
            uid = self.orgs[login.lower()]["id"]
        else:
            uid = KNOWN_IDS.get(login) or stable_int("user", login.lower())
        u = f"{self.api}/users/{login}"
        bot = utype == "Bot"
        return {
            "login": login, "id": uid,
            "node_id": b64({"User": "04:User", "Bot": "03:Bot"}.get(utype, "012:Organization") + str(uid)),
            "avatar_url": (f"https://avatars.githubusercontent.com/in/{uid % 100000}?v=4" if bot
                           else f"https://avatars.githubusercontent.com/u/{uid}?v=4"),
            "gravatar_id": "", "url": u,
            "html_url": (f"https://github.com/apps/{login[:-5]}" if bot and login.endswith("[bot]")
                         else f"https://github.com/{login}"),
            "followers_url": f"{u}/followers", "following_url": f"{u}/following{{/other_user}}",
            "gists_url": f"{u}/gists{{/gist_id}}", "starred_url": f"{u}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{u}/subscriptions", "organizations_url": f"{u}/orgs",
            "repos_url": f"{u}/repos", "events_url": f"{u}/events{{/privacy}}",
            "received_events_url": f"{u}/received_events", "type": utype, "site_admin": False,
        }

    def org_obj(self, org):
        u = f"{self.api}/orgs/{org['login']}"
        return {"login": org["login"], "id": org["id"], "node_id": b64(f"012:Organization{org['id']}"),
                "url": u, "repos_url": f"{u}/repos", "events_url": f"{u}/events",
                "hooks_url": f"{u}/hooks", "issues_url": f"{u}/issues",
                "members_url": f"{u}/members{{/member}}", "public_members_url": f"{u}/public_members{{/member}}",
                "avatar_url": f"https://avatars.githubusercontent.com/u/{org['id']}?v=4",
                "description": "", "name": org["login"], "html_url": f"https://github.com/{org['login']}",
                "public_repos": len(org["repos"]), "type": "Organization"}

    def repo_obj(self, facts, full=True, fork_of=None):
        """A repository object; fork_of=(facts, login) builds the author's fork of facts."""
        if fork_of:
            owner, otype = fork_of, "User"
            rid = stable_int("fork", fork_of.lower(), facts["full_name"].lower(), lo=100_000_000)
            name, is_fork, archived = facts["name"], True, False
        else:
            owner, otype, rid = facts["owner"], "Organization", facts["id"]
            name, is_fork, archived = facts["name"], facts.get("fork", False), facts.get("archived", False)
        fn = f"{owner}/{name}"
        u = f"{self.api}/repos/{fn}"
        pushed = facts.get("pushed_at") or "2023-01-01T00:00:00Z"
        created = facts.get("created_at") or "2019-0%d-1%dT12:00:00Z" % (1 + rid % 9, rid % 10)
        o = {
            "id": rid, "node_id": b64(f"010:Repository{rid}"), "name": name, "full_name": fn,
            "private": False, "owner": self.user_obj(owner, otype),
            "html_url": f"https://github.com/{fn}", "description": facts.get("description"),
            "fork": is_fork, "url": u, "forks_url": f"{u}/forks",
            "keys_url": f"{u}/keys{{/key_id}}", "collaborators_url": f"{u}/collaborators{{/collaborator}}",
            "teams_url": f"{u}/teams", "hooks_url": f"{u}/hooks",
            "issue_events_url": f"{u}/issues/events{{/number}}", "events_url": f"{u}/events",
            "assignees_url": f"{u}/assignees{{/user}}", "branches_url": f"{u}/branches{{/branch}}",
            "tags_url": f"{u}/tags", "blobs_url": f"{u}/git/blobs{{/sha}}",
            "git_tags_url": f"{u}/git/tags{{/sha}}", "git_refs_url": f"{u}/git/refs{{/sha}}",
            "trees_url": f"{u}/git/trees{{/sha}}", "statuses_url": f"{u}/statuses/{{sha}}",
            "languages_url": f"{u}/languages", "stargazers_url": f"{u}/stargazers",
            "contributors_url": f"{u}/contributors", "subscribers_url": f"{u}/subscribers",
            "subscription_url": f"{u}/subscription", "commits_url": f"{u}/commits{{/sha}}",
            "git_commits_url": f"{u}/git/commits{{/sha}}", "comments_url": f"{u}/comments{{/number}}",
            "issue_comment_url": f"{u}/issues/comments{{/number}}", "contents_url": f"{u}/contents/{{+path}}",
            "compare_url": f"{u}/compare/{{base}}...{{head}}", "merges_url": f"{u}/merges",
            "archive_url": f"{u}/{{archive_format}}{{/ref}}", "downloads_url": f"{u}/downloads",
            "issues_url": f"{u}/issues{{/number}}", "pulls_url": f"{u}/pulls{{/number}}",
            "milestones_url": f"{u}/milestones{{/number}}",
            "notifications_url": f"{u}/notifications{{?since,all,participating}}",
            "labels_url": f"{u}/labels{{/name}}", "releases_url": f"{u}/releases{{/id}}",
            "deployments_url": f"{u}/deployments", "created_at": created,
            "updated_at": pushed, "pushed_at": pushed,
            "git_url": f"git://github.com/{fn}.git", "ssh_url": f"git@github.com:{fn}.git",
            "clone_url": f"https://github.com/{fn}.git", "svn_url": f"https://github.com/{fn}",
            "homepage": None, "size": rid % 20000, "stargazers_count": rid % 1500,
            "watchers_count": rid % 1500, "language": "Rust", "has_issues": True,
            "has_projects": True, "has_downloads": True, "has_wiki": False, "has_pages": False,
            "has_discussions": False, "forks_count": rid % 150, "mirror_url": None,
            "archived": archived, "disabled": False, "open_issues_count": rid % 40,
            "license": {"key": "apache-2.0", "name": "Apache License 2.0", "spdx_id": "Apache-2.0",
                        "url": f"{self.api}/licenses/apache-2.0", "node_id": "MDc6TGljZW5zZTI="},
            "allow_forking": True, "is_template": False, "web_commit_signoff_required": False,
            "topics": [] if fork_of else ["rust", "osdev"], "visibility": "public",
            "forks": rid % 150, "open_issues": rid % 40, "watchers": rid % 1500,
            "default_branch": facts.get("default_branch", "main"),
        }
        if full and not fork_of:
            o.update(temp_clone_token=None, organization=self.user_obj(owner, "Organization"),
                     network_count=rid % 150, subscribers_count=rid % 30)
        return o

    def labels(self, facts, pr):
        out = []
        for name in pr.get("labels", []):
            color, desc = LABEL_INFO.get(name, (sha1(name)[:6], None))
            lid = stable_int("label", facts["full_name"], name, lo=1_000_000_000, span=900_000_000)
            out.append({"id": lid, "node_id": b64(f"08:Label{lid}"),
                        "url": f"{self.api}/repos/{facts['full_name']}/labels/{quote(name)}",
                        "name": name, "color": color, "default": name in ("bug", "documentation", "enhancement"),
                        "description": desc})
        return out

    def head_ref(self, pr):
        if pr.get("head_ref"):
            return pr["head_ref"]
        t, login = pr["title"], pr["user"]
        m = re.match(r"build\(deps\): bump (\S+) from \S+ to (\S+)", t)
        if login.startswith("dependabot") and m:
            eco = "github_actions" if "/" in m.group(1) else "cargo"
            return f"dependabot/{eco}/{m.group(1)}-{m.group(2)}"
        if login.startswith("renovate"):
            return "renovate/" + slug(re.sub(r"^chore\(deps\): update ", "", t))
        return slug(t)

    def pull_obj(self, facts, pr):
        n, fn = pr["number"], facts["full_name"]
        u = f"{self.api}/repos/{fn}"
        utype = pr.get("user_type", "User")
        login = pr["user"]
        head_sha = sha1(fn, n, "head")
        base_repo = facts["_full"]
        same_repo = utype == "Bot" or pr.get("author_association") in ("OWNER", "MEMBER", "COLLABORATOR")
        head_repo = base_repo if same_repo else self.repo_obj(facts, fork_of=login)
        ref = self.head_ref(pr)
        pid = stable_int("pr", fn.lower(), n, lo=1_000_000_000, span=500_000_000)
        return {
            "url": f"{u}/pulls/{n}", "id": pid, "node_id": "PR_kwDO" + b64(f"{pid}")[:16],
            "html_url": f"https://github.com/{fn}/pull/{n}",
            "diff_url": f"https://github.com/{fn}/pull/{n}.diff",
            "patch_url": f"https://github.com/{fn}/pull/{n}.patch",
            "issue_url": f"{u}/issues/{n}", "number": n,
            "state": "closed" if pr["closed_at"] else "open", "locked": False,
            "title": pr["title"], "user": self.user_obj(login, utype), "body": pr.get("body"),
            "created_at": pr["created_at"], "updated_at": pr["updated_at"],
            "closed_at": pr["closed_at"], "merged_at": pr["merged_at"],
            "merge_commit_sha": sha1(fn, n, "merge"), "assignee": None, "assignees": [],
            "requested_reviewers": [], "requested_teams": [], "labels": self.labels(facts, pr),
            "milestone": None, "draft": pr.get("draft", False),
            "commits_url": f"{u}/pulls/{n}/commits", "review_comments_url": f"{u}/pulls/{n}/comments",
            "review_comment_url": f"{u}/pulls/comments{{/number}}",
            "comments_url": f"{u}/issues/{n}/comments", "statuses_url": f"{u}/statuses/{head_sha}",
            "head": {"label": f"{head_repo['owner']['login']}:{ref}", "ref": ref, "sha": head_sha,
                     "user": head_repo["owner"], "repo": head_repo},
            "base": {"label": f"{facts['owner']}:{base_repo['default_branch']}",
                     "ref": base_repo["default_branch"], "sha": sha1(fn, n, "base"),
                     "user": base_repo["owner"], "repo": base_repo},
            "_links": {"self": {"href": f"{u}/pulls/{n}"},
                       "html": {"href": f"https://github.com/{fn}/pull/{n}"},
                       "issue": {"href": f"{u}/issues/{n}"},
                       "comments": {"href": f"{u}/issues/{n}/comments"},
                       "review_comments": {"href": f"{u}/pulls/{n}/comments"},
                       "review_comment": {"href": f"{u}/pulls/comments{{/number}}"},
                       "commits": {"href": f"{u}/pulls/{n}/commits"},
                       "statuses": {"href": f"{u}/statuses/{head_sha}"}},
            "author_association": pr.get("author_association", "CONTRIBUTOR"),
            "auto_merge": None, "active_lock_reason": None,
        }

    def issue_obj(self, facts, pr):
        n, fn = pr["number"], facts["full_name"]
        u = f"{self.api}/repos/{fn}"
        iid = stable_int("issue", fn.lower(), n, lo=1_000_000_000, span=900_000_000)
        return {
            "url": f"{u}/issues/{n}", "repository_url": u,
            "labels_url": f"{u}/issues/{n}/labels{{/name}}", "comments_url": f"{u}/issues/{n}/comments",
            "events_url": f"{u}/issues/{n}/events", "html_url": f"https://github.com/{fn}/pull/{n}",
            "id": iid, "node_id": "PR_kwDO" + b64(str(iid))[:16],
            "number": n, "title": pr["title"],
            "user": self.user_obj(pr["user"], pr.get("user_type", "User")),
            "labels": self.labels(facts, pr), "state": "closed" if pr["closed_at"] else "open",
            "locked": False, "assignee": None, "assignees": [], "milestone": None,
            "comments": iid % 7, "created_at": pr["created_at"], "updated_at": pr["updated_at"],
            "closed_at": pr["closed_at"], "author_association": pr.get("author_association", "CONTRIBUTOR"),
            "type": None, "active_lock_reason": None, "draft": pr.get("draft", False),
            "pull_request": {"url": f"{u}/pulls/{n}", "html_url": f"https://github.com/{fn}/pull/{n}",
                             "diff_url": f"https://github.com/{fn}/pull/{n}.diff",
                             "patch_url": f"https://github.com/{fn}/pull/{n}.patch",
                             "merged_at": pr["merged_at"]},
            "body": pr.get("body"),
            "reactions": {"url": f"{u}/issues/{n}/reactions", "total_count": 0, "+1": 0, "-1": 0,
                          "laugh": 0, "hooray": 0, "confused": 0, "heart": 0, "rocket": 0, "eyes": 0},
            "timeline_url": f"{u}/issues/{n}/timeline", "performed_via_github_app": None,
            "state_reason": "completed" if pr["merged_at"] else (None if not pr["closed_at"] else "not_planned"),
            "score": 1.0,
        }


# ----------------------------------------------------------------------------- search

class SearchError(Exception):
    pass


def _day_or_time(s, end):
    if re.fullmatch(r"\d{4}-\d\d-\d\d", s):
        d = datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        return d + timedelta(days=1, seconds=-1) if end else d
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(f"invalid date {s!r}")
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def parse_range(v):
    """A qualifier value to a predicate on datetimes (GitHub's inclusive semantics)."""
    if ".." in v:
        a, b = v.split("..", 1)
        lo = None if a in ("", "*") else _day_or_time(a, False)
        hi = None if b in ("", "*") else _day_or_time(b, True)
        return lambda t: (lo is None or t >= lo) and (hi is None or t <= hi)
    for op in (">=", "<=", ">", "<"):
        if v.startswith(op):
            x = v[len(op):]
            if op == ">=":
                lo = _day_or_time(x, False)
                return lambda t: t >= lo
            if op == ">":
                lo = _day_or_time(x, True)
                return lambda t: t > lo
            if op == "<=":
                hi = _day_or_time(x, True)
                return lambda t: t <= hi
            hi = _day_or_time(x, False)
            return lambda t: t < hi
    lo, hi = _day_or_time(v, False), _day_or_time(v, True)
    return lambda t: lo <= t <= hi


def search(store, q):
    """Return (matching (facts, pr) pairs, scope repo names) for query q."""
    scopes, authors, not_authors, labels, not_labels, text, preds = [], [], [], [], [], [], []
    operators, join_next, title_only = 0, False, False
    for m in re.finditer(r'(-?)([A-Za-z_]+):((?:"[^"]*"|[^\s,"]+)(?:,(?:"[^"]*"|[^\s,"]+))*)|"([^"]*)"|(\S+)', q):
        neg, key, val = m.group(1), (m.group(2) or "").lower(), (m.group(3) or "").strip('"')
        if m.group(5) in ("OR", "AND", "NOT"):
            operators += 1
            join_next = m.group(5) == "OR" and bool(text)
            continue
        if m.group(4) is not None or m.group(5) is not None:
            # text is a list of alternatives (OR groups), all of which must match
            word = " ".join((m.group(4) if m.group(4) is not None else m.group(5)).lower().split())
            if join_next:
                text[-1].append(word)
            else:
                text.append([word])
            join_next = False
        elif key in ("is", "type") and not neg:
            val = val.lower()
            if val in ("pr", "pull-request"):
                pass
            elif val == "issue":
                preds.append(lambda f, p: False)
            elif val == "merged":
                preds.append(lambda f, p: p["_merged"] is not None)
            elif val == "unmerged":
                preds.append(lambda f, p: p["_merged"] is None and p["_closed"] is not None)
            elif val == "open":
                preds.append(lambda f, p: p["_closed"] is None)
            elif val == "closed":
                preds.append(lambda f, p: p["_closed"] is not None)
        elif key in ("merged", "closed", "created", "updated") and not neg:
            field, pred = "_" + key, parse_range(val)
            preds.append(lambda f, p, field=field, pred=pred: p[field] is not None and pred(p[field]))
        elif key in ("repo", "org", "user") and not neg:
            scopes.append((key, val.lower()))
        elif key == "author":
            login = val[4:] + "[bot]" if val.startswith("app/") else val
            (not_authors if neg else authors).append(login.lower())
        elif key == "label":
            # label:a,b is an OR of its names (quoted names may hold spaces)
            names = [x.strip('"').lower() for x in re.findall(r'"[^"]*"|[^,]+', m.group(3))]
            if neg:
                not_labels.extend(names)
            else:
                labels.append(names)
        elif key == "in" and not neg and val.lower() == "title":
            title_only = True
        else:
            text.append([m.group(0).lower()])
    if operators > 5:
        raise SearchError("More than five AND / OR / NOT operators were used.")

    def in_scope(f):
        return not scopes or any(
            f["full_name"].lower() == v if k == "repo" else f["owner"].lower() == v for k, v in scopes)

    scope = [f for f in store.repos.values() if in_scope(f)]
    # GitHub refuses a query that names a repository or owner it does not know
    for k, v in scopes:
        if not any(f["full_name"].lower() == v if k == "repo" else f["owner"].lower() == v
                   for f in store.repos.values()):
            raise SearchError("The listed users and repositories cannot be searched either because "
                              "the resources do not exist or you do not have permission to view them.")
    hits = []
    for f in scope:
        for p in f["pulls"]:
            login = p["user"].lower()
            names = [x.lower() for x in p.get("labels", [])]
            hay = " ".join((p["title"] if title_only else p["title"] + "\n" + (p.get("body") or ""))
                           .lower().split())
            if ((not authors or login in authors) and login not in not_authors
                    and all(any(x in names for x in group) for group in labels)
                    and not any(x in names for x in not_labels)
                    and all(any(t in hay for t in group) for group in text)
                    and all(pred(f, p) for pred in preds)):
                hits.append((f, p))
    return hits, [f["full_name"].lower() for f in scope]


# ----------------------------------------------------------------------------- state

class Bucket:
    def __init__(self, limit, reset_in, start):
        self.limit, self.remaining, self.reset_in = limit, limit, reset_in
        self.reset = int(math.ceil(start + reset_in))

    def refresh(self, now):
        if now >= self.reset:
            self.remaining = self.limit
            self.reset = int(math.ceil(now + self.reset_in))


class Faults:
    def __init__(self, path):
        self.rules = []
        if path:
            with open(path, encoding="utf-8") as f:
                rules = json.load(f)
            if not isinstance(rules, list):
                raise DataError(f"{path}: must be a JSON list")
            for i, r in enumerate(rules):
                if not isinstance(r, dict) or set(r) - FAULT_KEYS or "match" not in r:
                    raise DataError(f"{path}: rule {i}: needs 'match', allowed keys {sorted(FAULT_KEYS)}")
                if r.get("kind") not in FAULT_KINDS:
                    raise DataError(f"{path}: rule {i}: unknown kind {r.get('kind')!r}")
                r = dict(r, _re=re.compile(r["match"]), _left=r.get("times", 1), _index=i)
                self.rules.append(r)
        self.lock = threading.Lock()

    def take(self, target):
        decoded = unquote(target.replace("+", " "))
        with self.lock:
            for r in self.rules:
                if r["_left"] != 0 and (r["_re"].search(target) or r["_re"].search(decoded)):
                    if r["_left"] > 0:
                        r["_left"] -= 1
                    return r
        return None


class State:
    def __init__(self, args):
        self.args, self.start = args, time.time()
        self.lock = threading.Lock()
        self.inflight = 0
        self.request_no = 0
        self.buckets = {}
        self.log_lock = threading.Lock()

    def bucket(self, resource, authed):
        key = (resource, authed)
        if key not in self.buckets:
            a = self.args
            if resource == "core":
                limit = a.core_limit if a.core_limit is not None else (5000 if authed else 60)
            else:
                limit = a.search_limit if a.search_limit is not None else (30 if authed else 10)
            reset_in = a.search_reset_in if resource == "search" and a.search_reset_in else a.reset_in
            self.buckets[key] = Bucket(limit, reset_in, self.start)
        b = self.buckets[key]
        b.refresh(time.time())
        return b

    def log(self, entry):
        if self.args.log:
            with self.log_lock, open(self.args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------------- HTTP

def page_args(params, default=30):
    def num(name, dflt):
        try:
            v = int(params.get(name, ""))
        except ValueError:
            return dflt
        return v if v > 0 else dflt
    return min(num("per_page", default), 100), num("page", 1)


def link_header(api, path, pairs, page, last):
    """GitHub's Link header: next, last on the first page; prev, next, last, first in the
    middle; prev, first on the last one."""
    if last <= 1 and page <= 1:
        return None
    base = [(k, v) for k, v in pairs if k != "page"]

    def url(p):
        return f"<{api}{path}?{urlencode(base + [('page', str(p))])}>"
    rels = []
    if page > 1:
        rels.append(f'{url(min(page - 1, max(last, 1)))}; rel="prev"')
    if page < last:
        rels += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
    if page > 1:
        rels.append(f'{url(1)}; rel="first"')
    return ", ".join(rels)


def pulls_page(store, prs, path, pairs, params):
    """A page of pull objects with its Link header."""
    per_page, page = page_args(params)
    last = max(1, math.ceil(len(prs) / per_page))
    chunk = prs[(page - 1) * per_page: page * per_page]
    body = "[" + ",".join(p["_pull_json"] for p in chunk) + "]"
    return Resp(200, body, link=link_header(store.api, path, pairs, page, last))


class Resp:
    def __init__(self, status, body, headers=None, etag=True, link=None):
        self.status, self.headers, self.etag, self.link = status, list(headers or []), etag, link
        self.etag_value = None
        self.body = body if isinstance(body, bytes) else (body if isinstance(body, str) else dumps(body)).encode()


def not_found(doc=DOCS):
    return Resp(404, {"message": "Not Found", "documentation_url": doc, "status": "404"}, etag=False)


def validation(errors, doc):
    return Resp(422, {"message": "Validation Failed", "errors": errors, "documentation_url": doc,
                      "status": "422"}, etag=False)


def expand_url(text, store, target):
    """{api}, {other} and {self} in a fault rule's link or header."""
    return (text.replace("{api}", store.api).replace("{other}", store.other)
            .replace("{self}", store.api + target))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "GitHub.com"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.serve("GET")

    def do_HEAD(self):
        self.serve("HEAD")

    def do_POST(self):
        self.serve("POST")

    do_PUT = do_PATCH = do_DELETE = do_POST

    # ---- the request's life

    def serve(self, method):
        st, store = self.server.state, self.server.store
        t_start = time.time()
        with st.lock:
            st.inflight += 1
            inflight = st.inflight
            st.request_no += 1
            self.req_id = "%04X:%04X:%06X:%07X:%08X" % (os.getpid() & 0xFFFF, st.request_no & 0xFFFF,
                                                         st.request_no * 7919 & 0xFFFFFF, st.request_no, int(st.start))
        self.sent_status, self.sent_bytes, self.fault_index = 0, 0, None
        self.logged = False
        self.t_start, self.inflight_at_start = t_start, inflight
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        h = self.headers.get("Authorization")
        m = re.match(r"(?i)(bearer|token)\s+(\S+)\s*$", h or "")
        if h is None:
            self.auth = "none"
        elif m and (st.args.token is None or m.group(2) == st.args.token):
            self.auth = m.group(1).lower()
        else:
            self.auth = "bad"
        try:
            if st.args.latency_ms:
                time.sleep(st.args.latency_ms / 1000)
            self.handle_request(method, st, store)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self.done()

    def done(self):
        """Count the request as finished and log it.  send() calls this just before the
        response leaves, so a client never sees a response whose log line is missing."""
        if self.logged:
            return
        self.logged = True
        st, hd = self.server.state, self.headers
        with st.lock:
            st.inflight -= 1
        st.log({"method": self.command, "path": self.path, "status": self.sent_status,
                "bytes": self.sent_bytes, "if_none_match": hd.get("If-None-Match"),
                "if_modified_since": hd.get("If-Modified-Since"),
                "auth": self.auth, "accept": hd.get("Accept"),
                "accept_encoding": hd.get("Accept-Encoding"), "user_agent": hd.get("User-Agent"),
                "api_version": hd.get("X-GitHub-Api-Version"), "inflight": self.inflight_at_start,
                "fault": self.fault_index, "t_start": self.t_start, "t_end": time.time(),
                "other": bool(getattr(self.server, "is_other", False))})

    def handle_request(self, method, st, store):
        target = self.path
        if target.startswith("http://") or target.startswith("https://"):
            parts = urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        path, _, query = target.partition("?")
        authed = self.auth in ("bearer", "token")
        resource = None if path.rstrip("/") == "/rate_limit" else (
            "search" if path.startswith("/search/") else "core")
        rule = st.faults.take(target)
        extra = []
        ignore_inm = False
        if rule:
            self.fault_index = rule["_index"]
            extra = [(k, expand_url(v, store, target)) for k, v in (rule.get("headers") or {}).items()]
            if rule.get("delay_ms"):
                time.sleep(rule["delay_ms"] / 1000)
            kind = rule.get("kind")
            if kind == "close":
                self.close_connection = True
                return
            if kind == "stall":
                if not rule.get("delay_ms"):
                    time.sleep(3600)
                self.close_connection = True
                return
            if kind == "oversized":
                return self.send_oversized(rule)
            if kind == "gzip_bomb":
                return self.send_gzip_bomb(rule)
            if kind in ("secondary", "primary") or (kind is None and rule.get("status")):
                self.send_fault(rule, kind, resource or "core", authed, extra)
                return
            ignore_inm = kind == "not_modified_ignore"

        if not self.headers.get("User-Agent"):
            return self.send(Resp(403, b"Request forbidden by administrative rules. Please make sure your "
                                       b"request has a User-Agent header (https://docs.github.com/en/rest/"
                                       b"overview/resources-in-the-rest-api#user-agent-required). Check "
                                       b"https://developer.github.com for other possible causes.\n",
                                  [("Content-Type", "text/plain; charset=utf-8")], etag=False), method)
        if path.startswith("/feeds/"):
            return self.send(self.feed(store, path), method, extra=extra, kind=rule.get("kind") if rule else None,
                             rule=rule)
        if self.auth == "bad":
            return self.send(Resp(401, {"message": "Bad credentials", "documentation_url": DOCS,
                                        "status": "401"}, etag=False), method,
                             rate=self.rate_headers(st, "core", False), extra=extra)
        ver = self.headers.get("X-GitHub-Api-Version")
        if ver is not None and ver != API_VERSION:
            return self.send(Resp(400, {"message": f"API version {ver} is not supported.",
                                        "documentation_url": f"{DOCS}/overview/api-versions",
                                        "status": "400"}, etag=False), method, extra=extra)
        if resource:
            with st.lock:
                b = st.bucket(resource, authed)
                exhausted = b.remaining <= 0
                if not exhausted:
                    b.remaining -= 1
            if exhausted:
                return self.send(self.primary_resp(authed), method,
                                 rate=self.rate_headers(st, resource, authed), extra=extra)
        if method != "GET" and method != "HEAD":
            resp = not_found()
        else:
            resp = self.route(store, path, query)
        inm = None if ignore_inm else self.headers.get("If-None-Match")
        if resp.status == 200 and resp.etag and resource == "core":
            etag = '"%s"' % hashlib.sha256(resp.body).hexdigest()
            if inm and (inm.strip() == "*" or etag in [x.strip().removeprefix("W/") for x in inm.split(",")]):
                if authed:
                    with st.lock:
                        b = st.bucket(resource, authed)
                        b.remaining = min(b.limit, b.remaining + 1)
                resp = Resp(304, b"", [])
            resp.etag_value = etag
        kind = rule.get("kind") if rule else None
        if kind == "endless":
            pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"]
            page = int(dict(parse_qsl(query)).get("page", "1") or 1)
            resp = Resp(200, rule.get("body") or "[]", etag=False)
            resp.link = f'<{store.api}{path}?{urlencode(pairs + [("page", str(page + 1))])}>; rel="next"'
        if kind == "lie_total" and resp.status == 200:
            obj = json.loads(resp.body)
            obj["total_count"] = rule.get("total_count", 99999999999)
            resp.body = dumps(obj).encode()
        if rule and rule.get("link"):
            url = expand_url(rule["link"], store, target)
            resp.link = f'<{url}>; rel="next"'
        self.send(resp, method, rate=self.rate_headers(st, resource or "core", authed),
                  extra=extra, kind=kind, rule=rule)

    def send_oversized(self, rule):
        """A 200 of size_mb MB of JSON whitespace, streamed until done or the client hangs up."""
        size = int(rule.get("size_mb", 60) * 1024 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        if rule.get("declare_length", True):
            self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.sent_status = 200
        self.end_headers()
        chunk = b" " * 65536
        try:
            while self.sent_bytes < size:
                n = min(len(chunk), size - self.sent_bytes)
                self.wfile.write(chunk[:n])
                self.sent_bytes += n
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_gzip_bomb(self, rule):
        """A 200 whose small gzip body inflates to inflated_mb MB of JSON whitespace."""
        body = gzip_bomb(int(rule.get("inflated_mb", 1024)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.sent_status = 200
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
            self.sent_bytes = len(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, store, path, query):
        pairs = parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        parts = [unquote(p) for p in path.strip("/").split("/")]
        api = store.api
        repo_doc = "https://docs.github.com/rest/repos/repos#get-a-repository"
        pulls_doc = "https://docs.github.com/rest/pulls/pulls#list-pull-requests"
        org_doc = "https://docs.github.com/rest/repos/repos#list-organization-repositories"
        facts = None
        rest = None
        if len(parts) >= 3 and parts[0] == "repos":
            facts, rest = store.repos.get(f"{parts[1]}/{parts[2]}".lower()), parts[3:]
        elif len(parts) >= 2 and parts[0] == "repositories" and parts[1].isdigit():
            facts, rest = store.by_id.get(int(parts[1])), parts[2:]
        if rest is not None:
            doc = pulls_doc if rest[:1] == ["pulls"] else repo_doc
            if facts is None:
                return not_found(doc)
            if not rest:
                return Resp(200, facts["_full"])
            if rest == ["pulls"]:
                return self.list_pulls(store, facts, pairs, params)
            if len(rest) == 2 and rest[0] == "pulls" and rest[1].isdigit():
                return self.one_pull(facts, int(rest[1]))
            if len(rest) == 3 and rest[0] == "commits" and rest[2] == "pulls" and facts.get("commits"):
                return self.commit_pulls(store, facts, rest[1], pairs, params)
            if len(rest) >= 2 and rest[0] == "commits":
                return self.one_commit(store, facts, "/".join(rest[1:]))
            if rest == ["releases", "latest"]:
                return self.latest_release(store, facts)
            if rest == ["tags"]:
                return self.tags(store, facts, pairs, params)
            if len(rest) >= 2 and rest[0] == "compare":
                return self.compare(store, facts, "/".join(rest[1:]), pairs, params)
            return not_found()
        if parts[:1] == ["orgs"] and len(parts) in (2, 3) or parts[:1] == ["organizations"] and len(parts) == 3:
            if parts[0] == "orgs":
                org = store.orgs.get(parts[1].lower())
            else:
                org = next((o for o in store.orgs.values() if str(o["id"]) == parts[1]), None)
            if org is None:
                return not_found(org_doc if len(parts) == 3 else DOCS)
            if len(parts) == 2:
                return Resp(200, org["obj"])
            if parts[2] == "repos":
                return self.list_org_repos(store, org, pairs, params)
            return not_found()
        if len(parts) == 3 and parts[2] == "repos" and parts[0] in ("users", "user"):
            if parts[0] == "users":
                org = store.orgs.get(parts[1].lower())
            else:
                org = next((o for o in store.orgs.values() if str(o["id"]) == parts[1]), None)
            if org is None:
                return not_found("https://docs.github.com/rest/repos/repos#list-repositories-for-a-user")
            return self.list_org_repos(store, org, pairs, params, user=True)
        if parts == ["search", "issues"]:
            return self.search_issues(store, pairs, params)
        if parts == ["rate_limit"]:
            return self.rate_limit_resp()
        return not_found()

    def list_pulls(self, store, facts, pairs, params):
        state = params.get("state", "open")
        sort = params.get("sort", "created")
        direction = params.get("direction", "desc" if sort == "created" else "asc")
        errs = []
        if state not in ("open", "closed", "all"):
            errs.append({"resource": "PullRequest", "field": "state", "code": "invalid"})
        if sort not in ("created", "updated", "popularity", "long-running"):
            errs.append({"resource": "PullRequest", "field": "sort", "code": "invalid"})
        if direction not in ("asc", "desc"):
            errs.append({"resource": "PullRequest", "field": "direction", "code": "invalid"})
        if errs:
            return validation(errs, "https://docs.github.com/rest/pulls/pulls#list-pull-requests")
        prs = [p for p in facts["pulls"]
               if state == "all" or (state == "open") == (p["_closed"] is None)]
        key = "_updated" if sort == "updated" else "_created"
        prs.sort(key=lambda p: (p[key], p["number"]), reverse=direction == "desc")
        return pulls_page(store, prs, f"/repositories/{facts['id']}/pulls", pairs, params)

    def one_pull(self, facts, number):
        pr = next((p for p in facts["pulls"] if p["number"] == number), None)
        if pr is None:
            return not_found("https://docs.github.com/rest/pulls/pulls#get-a-pull-request")
        o = copy.deepcopy(pr["_pull"])
        h = stable_int("stats", facts["full_name"], number, lo=0, span=1000)
        o.update(merged=pr["merged_at"] is not None, mergeable=None, rebaseable=None,
                 mergeable_state="unknown", merged_by=None, comments=h % 7, review_comments=h % 5,
                 maintainer_can_modify=False, commits=1 + h % 6, additions=h, deletions=h // 3,
                 changed_files=1 + h % 9)
        return Resp(200, merge_raw(o, pr.get("raw", {})))

    # ---- the history (compare, commit pulls)

    def git_resolve(self, facts, ref):
        """The SHA of a git_refs name, a SHA or a 7+ digit prefix, HEAD; else None."""
        refs, by_sha = facts.get("git_refs", {}), facts["_by_sha"]
        name = facts.get("default_branch", "main") if ref == "HEAD" else ref
        if name in refs:
            return refs[name]
        low = ref.lower()
        if low in by_sha:
            return low
        hits = [s for s in by_sha if len(low) >= 7 and s.startswith(low)]
        return hits[0] if len(hits) == 1 else None

    def reachable(self, facts, sha):
        seen, todo = set(), [sha]
        while todo:
            s = todo.pop()
            if s in seen or s not in facts["_by_sha"]:
                continue
            seen.add(s)
            todo.extend(facts["_by_sha"][s]["parents"])
        return seen

    def commit_obj(self, store, facts, c):
        fn = facts["full_name"]
        url = f"{store.api}/repos/{fn}/commits/{c['sha']}"

        def who(login):
            return store.user_obj(login, "Bot" if login.endswith("[bot]") else "User") if login else None
        return {
            "sha": c["sha"], "node_id": b64(f"Commit:{c['sha']}"), "url": url,
            "html_url": f"https://github.com/{fn}/commit/{c['sha']}",
            "comments_url": f"{url}/comments",
            "commit": {"author": c["author"], "committer": c["committer"], "message": c["message"],
                       "tree": {"sha": sha1("tree", c["sha"]), "url": f"{store.api}/repos/{fn}/git/trees/{sha1('tree', c['sha'])}"},
                       "url": f"{store.api}/repos/{fn}/git/commits/{c['sha']}", "comment_count": 0,
                       "verification": {"verified": False, "reason": "unsigned", "signature": None,
                                        "payload": None}},
            "author": who(c.get("author_login")), "committer": who(c.get("committer_login")),
            "parents": [{"sha": p, "url": f"{store.api}/repos/{fn}/commits/{p}",
                         "html_url": f"https://github.com/{fn}/commit/{p}"} for p in c["parents"]],
        }

    def chronological(self, facts, shas):
        """Oldest first by committer date, a parent always before its children."""
        by = facts["_by_sha"]
        kids = {s: [] for s in shas}
        waiting = {}
        for s in shas:
            ps = [p for p in by[s]["parents"] if p in kids]
            waiting[s] = len(ps)
            for p in ps:
                kids[p].append(s)
        ready = [(by[s]["committer"]["date"], s) for s in shas if waiting[s] == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            _, s = heapq.heappop(ready)
            out.append(s)
            for k in kids[s]:
                waiting[k] -= 1
                if waiting[k] == 0:
                    heapq.heappush(ready, (by[k]["committer"]["date"], k))
        return out

    def compare(self, store, facts, basehead, pairs, params):
        if "..." not in basehead or not facts.get("commits"):
            return not_found(COMPARE_DOC)
        base_ref, head_ref = basehead.split("...", 1)
        base, head = self.git_resolve(facts, base_ref), self.git_resolve(facts, head_ref)
        if base is None or head is None:
            return not_found(COMPARE_DOC)
        from_base, from_head = self.reachable(facts, base), self.reachable(facts, head)
        ahead = self.chronological(facts, [s for s in from_head if s not in from_base])
        behind = [s for s in from_base if s not in from_head]
        if "page" in params or "per_page" in params:
            per_page, page = page_args(params)
        else:
            per_page, page = 250, 1
        last = max(1, math.ceil(len(ahead) / per_page))
        chunk = ahead[(page - 1) * per_page: page * per_page]
        fn = facts["full_name"]
        mb = next((s for s in reversed(self.chronological(facts, list(from_base & self.reachable(facts, head))))), base)
        body = {
            "url": f"{store.api}/repos/{fn}/compare/{basehead}",
            "html_url": f"https://github.com/{fn}/compare/{basehead}",
            "permalink_url": f"https://github.com/{fn}/compare/{facts['owner']}:{base[:7]}...{facts['owner']}:{head[:7]}",
            "diff_url": f"https://github.com/{fn}/compare/{basehead}.diff",
            "patch_url": f"https://github.com/{fn}/compare/{basehead}.patch",
            "base_commit": self.commit_obj(store, facts, facts["_by_sha"][base]),
            "merge_base_commit": self.commit_obj(store, facts, facts["_by_sha"][mb]),
            "status": ("identical" if not ahead and not behind else "ahead" if not behind
                       else "behind" if not ahead else "diverged"),
            "ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead),
            "commits": [self.commit_obj(store, facts, facts["_by_sha"][s]) for s in chunk],
            "files": [],
        }
        link = link_header(store.api, f"/repos/{fn}/compare/{basehead}", pairs, page, last)
        return Resp(200, body, link=link)

    def latest_release(self, store, facts):
        fn = facts["full_name"]
        rels = [r for r in facts.get("releases", []) if not r.get("draft") and not r.get("prerelease")]
        if not rels:
            return not_found("https://docs.github.com/rest/releases/releases#get-the-latest-release")
        r = max(rels, key=lambda r: r["created_at"])
        rid = stable_int("release", fn.lower(), r["tag_name"])
        return Resp(200, {
            "url": f"{store.api}/repos/{fn}/releases/{rid}", "id": rid,
            "html_url": f"https://github.com/{fn}/releases/tag/{r['tag_name']}",
            "tag_name": r["tag_name"], "target_commitish": facts.get("default_branch", "main"),
            "name": r["tag_name"], "draft": False, "prerelease": False,
            "created_at": r["created_at"], "published_at": r["created_at"],
            "assets": [], "body": ""})

    def tags(self, store, facts, pairs, params):
        fn = facts["full_name"]
        refs = facts.get("git_refs") or {n: sha1("commit", fn, n) for n in facts["refs"]}
        names = sorted((n for n in refs if re.search(r"\d+\.\d+", n)), reverse=True)
        per_page, page = page_args(params)
        last = max(1, math.ceil(len(names) / per_page))
        body = [{"name": n, "zipball_url": f"{store.api}/repos/{fn}/zipball/refs/tags/{n}",
                 "tarball_url": f"{store.api}/repos/{fn}/tarball/refs/tags/{n}",
                 "commit": {"sha": refs[n], "url": f"{store.api}/repos/{fn}/commits/{refs[n]}"},
                 "node_id": b64(f"Ref:{n}")}
                for n in names[(page - 1) * per_page: page * per_page]]
        return Resp(200, body, link=link_header(store.api, f"/repos/{fn}/tags", pairs, page, last))

    def commit_pulls(self, store, facts, sha, pairs, params):
        full = self.git_resolve(facts, sha)
        if full is None:
            return Resp(422, dumps({
                "message": f"No commit found for SHA: {sha}", "documentation_url": COMMIT_PULLS_DOC,
                "status": "422"}), etag=False)
        numbers = facts.get("commit_pulls", {}).get(full, [])
        prs = [p for n in numbers for p in facts["pulls"] if p["number"] == n]
        return pulls_page(store, prs, f"/repos/{facts['full_name']}/commits/{full}/pulls", pairs, params)

    def one_commit(self, store, facts, ref):
        refs = facts["refs"]
        if ref not in refs and facts.get("commits") and self.git_resolve(facts, ref):
            c = facts["_by_sha"][self.git_resolve(facts, ref)]
            return Resp(200, dict(self.commit_obj(store, facts, c), files=[]))
        name = facts.get("default_branch", "main") if ref == "HEAD" else ref
        if name not in refs:
            low = ref.lower()
            name = next((n for n in refs if len(low) >= 7 and
                         sha1("commit", facts["full_name"], n).startswith(low)), None)
        if name not in refs:
            return Resp(422, dumps({
                "message": f"No commit found for SHA: {ref}",
                "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
                "status": "422"}), etag=False)
        sha = sha1("commit", facts["full_name"], name)
        who = {"name": "GitHub", "email": "noreply@github.com", "date": refs[name]}
        url = f"{store.api}/repos/{facts['full_name']}/commits/{sha}"
        return Resp(200, dumps({
            "sha": sha, "node_id": b64(f"Commit:{sha}"), "url": url,
            "html_url": f"https://github.com/{facts['full_name']}/commit/{sha}",
            "commit": {"author": who, "committer": who, "message": f"Commit of {name}",
                       "comment_count": 0, "url": url},
            "author": None, "committer": None, "parents": [], "files": []}))

    def list_org_repos(self, store, org, pairs, params, user=False):
        rtype = params.get("type", "owner" if user else "all")
        sort = params.get("sort", "full_name" if user else "created")
        direction = params.get("direction", "asc" if sort == "full_name" else "desc")
        types = ("all", "owner", "member") if user else ("all", "public", "private", "forks", "sources", "member")
        if (rtype not in types
                or sort not in ("created", "updated", "pushed", "full_name")
                or direction not in ("asc", "desc")):
            return validation([{"resource": "Repository", "field": "type/sort/direction", "code": "invalid"}],
                              "https://docs.github.com/rest/repos/repos#list-organization-repositories")
        repos = [f for f in org["repos"]
                 if not (rtype == "sources" and f.get("fork")) and not (rtype == "forks" and not f.get("fork"))
                 and rtype != "private"]
        keyname = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at"}.get(sort)
        if keyname:
            repos.sort(key=lambda f: (f["_min"][keyname] or "", f["id"]), reverse=direction == "desc")
        else:
            repos.sort(key=lambda f: f["full_name"].lower(), reverse=direction == "desc")
        per_page, page = page_args(params)
        last = max(1, math.ceil(len(repos) / per_page))
        body = "[" + ",".join(f["_min_json"] for f in repos[(page - 1) * per_page: page * per_page]) + "]"
        base = f"/user/{org['id']}/repos" if user else f"/organizations/{org['id']}/repos"
        return Resp(200, body, link=link_header(store.api, base, pairs, page, last))

    def search_issues(self, store, pairs, params):
        doc = "https://docs.github.com/v3/search/"
        q = params.get("q")
        if not q:
            return validation([{"resource": "Search", "field": "q", "code": "missing"}], doc)
        if len(q) > 256:
            return validation([{"message": "The search is longer than 256 characters.",
                                "resource": "Search", "field": "q", "code": "invalid"}], doc)
        try:
            hits, scope = search(store, q)
        except SearchError as e:
            return validation([{"message": str(e), "resource": "Search", "field": "q", "code": "invalid"}], doc)
        sort, order = params.get("sort"), params.get("order", "desc")
        key = {"created": "_created", "updated": "_updated"}.get(sort, "_created")
        if sort == "comments":
            hits.sort(key=lambda fp: (fp[1]["_issue"]["comments"], fp[1]["_created"]), reverse=order != "asc")
        else:
            hits.sort(key=lambda fp: (fp[1][key], fp[0]["full_name"], fp[1]["number"]),
                      reverse=order != "asc" or sort is None)
        per_page, page = page_args(params)
        reachable = min(len(hits), 1000)
        if (page - 1) * per_page >= 1000:
            return Resp(422, {"message": "Only the first 1000 search results are available",
                              "documentation_url": doc, "status": "422"}, etag=False)
        chunk = hits[(page - 1) * per_page: min(page * per_page, reachable)]
        body = {"total_count": len(hits),
                "incomplete_results": any(r in store.incomplete_for for r in scope),
                "items": [p["_issue"] for _, p in chunk]}
        last = max(1, math.ceil(reachable / per_page))
        return Resp(200, body, [("Cache-Control", "no-cache")], etag=False,
                    link=link_header(store.api, "/search/issues", pairs, page, last))

    def feed(self, store, path):
        """A file of DIR/feeds as a feed: ETag and Last-Modified, 304 for either."""
        name = unquote(path[len("/feeds/"):])
        fpath = os.path.join(store.feeds_dir, name)
        if "/" in name or name.startswith(".") or not os.path.isfile(fpath):
            return Resp(404, b"not found\n", [("Content-Type", "text/plain")], etag=False)
        with open(fpath, "rb") as f:
            body = f.read()
        ctype = {"atom": "application/atom+xml", "rss": "application/rss+xml"}.get(
            name.rsplit(".", 1)[-1], "application/xml")
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        modified = FEED_LAST_MODIFIED
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        headers = [("ETag", etag), ("Last-Modified", modified)]
        if (inm and etag in [x.strip().removeprefix("W/") for x in inm.split(",")]) or (
                not inm and ims == modified):
            return Resp(304, b"", headers, etag=False)
        return Resp(200, body, [("Content-Type", ctype + "; charset=utf-8")] + headers, etag=False)

    def rate_limit_resp(self):
        st = self.server.state
        authed = self.auth in ("bearer", "token")
        res = {}
        with st.lock:
            for r in ("core", "search"):
                b = st.bucket(r, authed)
                res[r] = {"limit": b.limit, "used": b.limit - b.remaining, "remaining": b.remaining,
                          "reset": b.reset}
        reset = res["core"]["reset"]
        res["graphql"] = {"limit": 5000 if authed else 0, "used": 0, "remaining": 5000 if authed else 0,
                          "reset": reset}
        return Resp(200, {"resources": res, "rate": dict(res["core"])},
                    [("Cache-Control", "no-cache")], etag=False)

    # ---- writing

    def rate_headers(self, st, resource, authed):
        with st.lock:
            b = st.bucket(resource, authed)
            return [("X-RateLimit-Limit", str(b.limit)), ("X-RateLimit-Remaining", str(b.remaining)),
                    ("X-RateLimit-Reset", str(b.reset)), ("X-RateLimit-Used", str(b.limit - b.remaining)),
                    ("X-RateLimit-Resource", resource)]

    def primary_resp(self, authed):
        msg = ("API rate limit exceeded for user ID 1." if authed else
               "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated "
               "requests get a higher rate limit. Check out the documentation for more details.)")
        return Resp(403, {"message": msg, "documentation_url":
                          "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"},
                    etag=False)

    def send_fault(self, rule, kind, resource, authed, extra):
        st = self.server.state
        rate = self.rate_headers(st, resource, authed)
        if kind == "secondary":
            resp = Resp(rule.get("status") or 403, rule.get("body") or {
                "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                           "before you try again. If you reach out to GitHub Support for help, "
                           f"please include the request ID {self.req_id}.",
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api"
                                     "#secondary-rate-limits"}, etag=False)
            if rule.get("retry_after") is not None:
                resp.headers.append(("Retry-After", str(rule["retry_after"])))
        elif kind == "primary":
            resp = self.primary_resp(authed)
            if rule.get("status"):
                resp.status = rule["status"]
            if rule.get("body"):
                resp.body = rule["body"].encode()
            reset = int(math.ceil(time.time() + rule.get("reset_in", 60)))
            limit = rate[0][1]
            rate = [("X-RateLimit-Limit", limit), ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", str(reset)), ("X-RateLimit-Used", limit),
                    ("X-RateLimit-Resource", resource)]
        else:
            resp = Resp(rule["status"], rule.get("body") or {"message": "Server Error"}, etag=False)
        self.send(resp, self.command, rate=rate, extra=extra)

    def send(self, resp, method, rate=(), extra=(), kind=None, rule=None):
        body = resp.body
        ae = self.headers.get("Accept-Encoding") or ""
        use_gzip = resp.status != 304 and kind != "trickle" and any(
            t.split(";")[0].strip().lower() in ("gzip", "*") and "q=0" not in t.replace(" ", "")
            for t in ae.split(","))
        if kind == "invalid_json":
            body = rule.get("body").encode() if rule.get("body") else (
                body[:len(body) // 2] if len(body) > 8 else b'{"message": "Server Error"')
            resp.status = rule.get("status") or 200
        if use_gzip:
            body = gzip.compress(body, mtime=0)
        if resp.etag_value and kind != "invalid_json":
            # As GitHub: weak when the body is gzipped, strong when it is sent as is.
            resp.headers.append(("ETag", ("W/" if use_gzip or resp.status == 304 and "gzip" in ae
                                          else "") + resp.etag_value))
        auth_cc = "private" if self.auth in ("bearer", "token") else "public"
        headers = [("Content-Type", "application/json; charset=utf-8")] if resp.status != 304 else []
        headers += [("Cache-Control", f"{auth_cc}, max-age=60, s-maxage=60"),
                    ("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"),
                    ("Vary", "Accept-Encoding, Accept, X-Requested-With"),
                    ("X-GitHub-Media-Type", "github.v3; format=json"),
                    ("x-github-api-version-selected", API_VERSION)]
        headers += list(rate)
        if resp.link:
            headers.append(("Link", resp.link))
        headers += [("Access-Control-Expose-Headers", "ETag, Link, Location, Retry-After, X-GitHub-OTP, "
                     "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, "
                     "X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, "
                     "X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset"),
                    ("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff")]
        # Headers of the response itself override the defaults of the same name.
        override = {k.lower() for k, _ in resp.headers if k.lower() != "vary"}
        headers = [(k, v) for k, v in headers if k.lower() not in override] + resp.headers
        if use_gzip:
            headers.append(("Content-Encoding", "gzip"))
        if resp.status != 304:
            headers.append(("Content-Length", str(len(body))))
        headers.append(("X-GitHub-Request-Id", self.req_id))
        over = {k.lower() for k, _ in extra}
        headers = [(k, v) for k, v in headers if k.lower() not in over] + list(extra)

        self.send_response(resp.status)     # buffered until end_headers()
        for k, v in headers:
            self.send_header(k, v)
        if method == "HEAD" or resp.status == 304:
            body = b""
        if kind == "truncate":
            body = body[:len(body) // 2]
            self.close_connection = True
        self.sent_status, self.sent_bytes = resp.status, len(body)
        if kind == "trickle":
            self.end_headers()
            self.wfile.flush()
            for i in range(len(body)):
                time.sleep(rule.get("interval_ms", 1000) / 1000)
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
            return
        self.done()
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


_BOMBS = {}
_BOMBS_LOCK = threading.Lock()


def gzip_bomb(mb):
    """gzip of mb MiB of spaces (made once per size; about 1 MB for 1 GiB).

    Each MiB is compressed once: after a full flush the compressor starts afresh, so
    every later MiB compresses to the same bytes; then an empty final block and the
    gzip trailer (CRC-32 and size of the whole) end the stream."""
    with _BOMBS_LOCK:
        if mb not in _BOMBS:
            z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
            chunk = b" " * (1024 * 1024)
            first = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
            again = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
            crc = 0
            for _ in range(mb):
                crc = zlib.crc32(chunk, crc)
            final = b"\x03\x00"  # BFINAL=1, fixed Huffman, end of block at once
            _BOMBS[mb] = (first + again * (mb - 1) + final +
                          struct.pack("<II", crc, (mb * 1024 * 1024) & 0xFFFFFFFF))
        return _BOMBS[mb]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a client opening 8 connections at
    # once could see one dropped and retried by the kernel a second later.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake GitHub REST API (see the module docstring).")
    ap.add_argument("--data", required=True, help="data directory (DIR/repos/OWNER/REPO.json)")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = ephemeral)")
    ap.add_argument("--token", help="the only accepted token")
    ap.add_argument("--latency-ms", type=int, default=0, help="delay before every answer")
    ap.add_argument("--faults", help="JSON list of fault rules")
    ap.add_argument("--log", help="append one JSON line per request to this file")
    ap.add_argument("--core-limit", type=int, help="core rate limit (default 5000/60)")
    ap.add_argument("--search-limit", type=int, help="search rate limit (default 30/10)")
    ap.add_argument("--reset-in", type=float, default=3600, help="seconds until the limits reset")
    ap.add_argument("--search-reset-in", type=float,
                    help="seconds until the search limit resets (default --reset-in; GitHub: 60)")
    ap.add_argument("--max-seconds", type=float, default=600, help="exit after this many seconds")
    ap.add_argument("--now", help="serve GitHub as it was at this time (YYYY-MM-DDTHH:MM:SSZ): "
                    "later PRs do not exist yet, later merges and closes have not happened")
    args = ap.parse_args(argv)
    if args.now and not TS_RE.match(args.now):
        print(f"server.py: error: --now {args.now!r} is not YYYY-MM-DDTHH:MM:SSZ", file=sys.stderr)
        return 2
    try:
        store = Store(args.data, args.now)
        faults = Faults(args.faults)
    except (DataError, OSError, ValueError, re.error) as e:
        print(f"server.py: error: {e}", file=sys.stderr)
        return 2

    httpd = Server(("127.0.0.1", args.port), Handler)
    port = httpd.server_address[1]
    store.expand(f"http://127.0.0.1:{port}")
    httpd.store, httpd.state = store, State(args)
    httpd.state.faults = faults
    # a second origin (another port) for Link faults; it serves the same data
    other = Server(("127.0.0.1", 0), Handler)
    other.store, other.state, other.is_other = store, httpd.state, True
    store.other = f"http://127.0.0.1:{other.server_address[1]}"
    threading.Thread(target=other.serve_forever, daemon=True).start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        mode = os.fstat(0).st_mode
        watch_stdin = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
    except OSError:
        watch_stdin = False
    if watch_stdin:
        def watch():
            try:
                while os.read(0, 4096):
                    pass
            except OSError:
                pass
            stop.set()
        threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(port, flush=True)
    deadline = time.time() + args.max_seconds
    while not stop.wait(0.2):
        if time.time() >= deadline:
            break
    httpd.shutdown()
    httpd.server_close()
    other.shutdown()
    other.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
