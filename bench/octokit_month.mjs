// The baseline of bench/side_by_side.py: what a user's @octokit/rest script
// does to find a month's merged PRs.
//
//   node octokit_month.mjs search API_URL SINCE UNTIL SCOPE...   (SCOPE: repo:O/R or org:O)
//   node octokit_month.mjs pulls  API_URL SINCE UNTIL OWNER/REPO...
//
// search: one query for every scope (as many as 256 characters need), paginated; pulls: each repository's
// closed PRs, newest update first, until a page reaches before SINCE.
// Prints the number of merged PRs found. The token comes from GH_TOKEN.
import { Octokit } from "@octokit/rest";

const [mode, baseUrl, since, until, ...scopes] = process.argv.slice(2);
const octokit = new Octokit({ auth: process.env.GH_TOKEN, baseUrl, userAgent: "bench-octokit" });
const t0 = Date.parse(since + "T00:00:00Z"), t1 = Date.parse(until + "T00:00:00Z");
let found = 0;

if (mode === "search") {
  const last = new Date(t1 - 86400000).toISOString().slice(0, 10);
  const head = `is:pr is:merged merged:${since}..${last}`;
  const queries = [];
  for (const s of scopes) {  // GitHub takes at most 256 characters of q
    const q = queries.length ? queries[queries.length - 1] + " " + s : "";
    if (queries.length && q.length <= 256) queries[queries.length - 1] = q;
    else queries.push(head + " " + s);
  }
  for (const q of queries)
    found += (await octokit.paginate("GET /search/issues", { q, per_page: 100 })).length;
} else {
  for (const full of scopes) {
    const [owner, repo] = full.split("/");
    const it = octokit.paginate.iterator("GET /repos/{owner}/{repo}/pulls",
      { owner, repo, state: "closed", sort: "updated", direction: "desc", per_page: 100 });
    for await (const { data } of it) {
      for (const pr of data) {
        const m = pr.merged_at && Date.parse(pr.merged_at);
        if (m && m >= t0 && m < t1) found++;
      }
      if (!data.length || Date.parse(data[data.length - 1].updated_at) < t0) break;
    }
  }
}
console.log(found);
