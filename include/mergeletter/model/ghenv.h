/*
 * ghenv.h: gh's conventions for where GitHub is and who asks.
 *
 *  - the API URL: --api-url, else GITHUB_API_URL, else GH_HOST (a GitHub
 *    Enterprise Server host: https://HOST/api/v3; "github.com" means the
 *    default), else https://api.github.com;
 *  - the token: for github.com GH_TOKEN, else GITHUB_TOKEN; for a GH_HOST
 *    Enterprise host GH_ENTERPRISE_TOKEN, else GITHUB_ENTERPRISE_TOKEN;
 *  - a repository argument: OWNER/REPO, or the URL of its page on
 *    github.com or on the GH_HOST host (https://HOST/OWNER/REPO[.git][/]);
 *  - the web pages the draft links to: those of an Enterprise Server API
 *    (https://HOST[/PREFIX]/api/v3 has its pages under https://HOST[/PREFIX]),
 *    else github.com's (an API elsewhere, such as a test server, has no
 *    pages of its own).
 * Empty variables count as unset. Results are newly allocated (free()),
 * or borrowed from the environment where said.
 */
#ifndef MERGELETTER_GHENV_H
#define MERGELETTER_GHENV_H

#define GHENV_DEFAULT_API "https://api.github.com"
#define GHENV_DEFAULT_WEB "https://github.com"

/* The Enterprise host of GH_HOST (borrowed), or NULL for github.com or unset. */
const char *ghenv_enterprise_host(void);
/* The API URL (newly allocated; NULL only when out of memory). flag: --api-url or NULL. */
char *ghenv_api_url(const char *flag);
/* The token for the API that ghenv_api_url() names (borrowed), or NULL.
 * *name_out (may be NULL) receives the variable's name, for messages. */
const char *ghenv_token(const char **name_out);
/* The web base of the pages of api_url's GitHub, without a trailing '/'
 * (newly allocated; NULL only when out of memory). */
char *ghenv_web_url(const char *api_url);
/* "owner/name" of a URL path "[/]OWNER/REPO[.git][/]" (newly allocated), or NULL. */
char *ghenv_repo_from_path(const char *path);
/* "owner/name" of OWNER/REPO or a repository URL (newly allocated), or NULL. */
char *ghenv_repo_from_arg(const char *arg);

#endif
