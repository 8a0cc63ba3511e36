/* libgit2_link.c: what linking libgit2 needs of mergeletter (see the
 * header): libgit2's start without the CA certificates, and, with libgit2
 * linked statically (CMakeLists.txt, ML_LIBGIT2_STATIC), GSSAPI.
 *
 * Debian's libgit2 is built with GSSAPI for the "Negotiate" (Kerberos)
 * authentication of its HTTP transport, and Debian ships no static archive
 * of MIT Kerberos: linked shared, it brings six libraries and ~2 ms of
 * loading to every start. mergeletter never fetches through libgit2, so
 * libgit2's Negotiate is given the functions below instead: each says
 * GSSAPI is unavailable (GSS_S_UNAVAILABLE), and libgit2 then offers no
 * Negotiate authentication, as when it is built without GSSAPI. They are
 * not exported (the binary exports nothing), so a libgssapi_krb5 that
 * libcurl loads keeps its own. The types are GSSAPI's (RFC 2744: OM_uint32
 * and opaque pointers); no GSSAPI header is needed. */
#include "mergeletter/git/libgit2_link.h"

#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef ML_LIBGIT2_STATIC
#include <dlfcn.h>
#endif

/* Set while this thread starts libgit2. */
static _Thread_local int starting;

int libgit2_link_init(void)
{
	int rc;

	starting = 1;
	rc = git_libgit2_init();
	starting = 0;
	return rc;
}

#ifdef ML_LIBGIT2_STATIC
/* The linker sends libgit2's calls here (--wrap=mbedtls_x509_crt_parse_file). */
int __real_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path);
int __wrap_mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	return starting ? 0 : __real_mbedtls_x509_crt_parse_file(chain, path);
}
#else
/* The definition of name that the dynamic linker finds after ours, into
 * *fn (a function pointer of fn_size bytes), or *fn left NULL. POSIX makes
 * dlsym()'s pointer a function pointer; memcpy says so without the cast
 * ISO C forbids. */
static void next_definition(const char *name, void *fn, size_t fn_size)
{
	void *sym = dlsym(RTLD_NEXT, name);

	if (sym && fn_size == sizeof sym)
		memcpy(fn, &sym, sizeof sym);
}

/* Found before libmbedx509's own by the dynamic linker. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	int (*parse)(void *, const char *) = NULL;

	if (starting)
		return 0;
	next_definition("mbedtls_x509_crt_parse_file", &parse, sizeof parse);
	return parse ? parse(chain, path) : -0x2900; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
}
#endif

/* libgit2 1.5 also starts libssh2 in git_libgit2_init(), for SSH
 * transports that mergeletter never uses either: libssh2 1.10 starts
 * OpenSSL then (its engines, error strings and config file), about 1 ms of
 * a 5 ms release from a clone, and OpenSSL's exit handlers cost more.
 * While libgit2_link_init() runs this says it went well and does nothing:
 * libssh2 starts itself when a session is first made
 * (libssh2_session_init_ex() calls it when nobody did), and libgit2's
 * shutdown calls libssh2_exit(), which does nothing for a library that was
 * never started. Any other call goes on to libssh2's own. */
#ifdef ML_LIBGIT2_STATIC
int __real_libssh2_init(int flags);
int __wrap_libssh2_init(int flags);
int __wrap_libssh2_init(int flags)
{
	return starting ? 0 : __real_libssh2_init(flags);
}
#else
int libssh2_init(int flags);
int libssh2_init(int flags)
{
	int (*init)(int) = NULL;

	if (starting)
		return 0;
	next_definition("libssh2_init", &init, sizeof init);
	return init ? init(flags) : -1;
}
#endif

#ifdef ML_LIBGIT2_STATIC
typedef uint32_t gss_status;

#define GSS_UNAVAILABLE ((gss_status)16 << 16) /* RFC 2744: GSS_S_UNAVAILABLE */

/* gss_buffer_desc */
struct gss_buffer {
	size_t length;
	void *value;
};

/* gss_OID: libgit2 only hands it back to gss_import_name() */
void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

gss_status gss_indicate_mechs(gss_status *minor, void **mechs);
gss_status gss_import_name(gss_status *minor, void *name, void *type, void **out);
gss_status gss_init_sec_context(gss_status *minor, void *cred, void **ctx, void *target, void *mech,
				gss_status flags, gss_status time, void *bindings, void *input,
				void **actual_mech, void *output, gss_status *ret_flags,
				gss_status *ret_time);
gss_status gss_display_status(gss_status *minor, gss_status status, int type, void *mech,
			      gss_status *ctx, struct gss_buffer *text);
gss_status gss_delete_sec_context(gss_status *minor, void **ctx, void *output);
gss_status gss_release_buffer(gss_status *minor, void *buffer);
gss_status gss_release_name(gss_status *minor, void **name);
gss_status gss_release_oid_set(gss_status *minor, void **set);

gss_status gss_indicate_mechs(gss_status *minor, void **mechs)
{
	*minor = 0;
	if (mechs)
		*mechs = NULL;
	return GSS_UNAVAILABLE;
}

gss_status gss_import_name(gss_status *minor, void *name, void *type, void **out)
{
	(void)name;
	(void)type;
	*minor = 0;
	if (out)
		*out = NULL;
	return GSS_UNAVAILABLE;
}

gss_status gss_init_sec_context(gss_status *minor, void *cred, void **ctx, void *target, void *mech,
				gss_status flags, gss_status time, void *bindings, void *input,
				void **actual_mech, void *output, gss_status *ret_flags,
				gss_status *ret_time)
{
	(void)cred, (void)ctx, (void)target, (void)mech, (void)flags, (void)time;
	(void)bindings, (void)input, (void)actual_mech, (void)output, (void)ret_flags;
	(void)ret_time;
	*minor = 0;
	return GSS_UNAVAILABLE;
}

gss_status gss_display_status(gss_status *minor, gss_status status, int type, void *mech,
			      gss_status *ctx, struct gss_buffer *text)
{
	(void)status, (void)type, (void)mech;
	*minor = 0;
	if (ctx)
		*ctx = 0;
	if (text)
		*text = (struct gss_buffer){0, NULL};
	return GSS_UNAVAILABLE;
}

/* nothing was ever made, so the releases have nothing to do */
gss_status gss_delete_sec_context(gss_status *minor, void **ctx, void *output)
{
	(void)ctx, (void)output;
	*minor = 0;
	return 0;
}

gss_status gss_release_buffer(gss_status *minor, void *buffer)
{
	(void)buffer;
	*minor = 0;
	return 0;
}

gss_status gss_release_name(gss_status *minor, void **name)
{
	(void)name;
	*minor = 0;
	return 0;
}

gss_status gss_release_oid_set(gss_status *minor, void **set)
{
	(void)set;
	*minor = 0;
	return 0;
}

#endif
