/*
 * libgit2_link.h: libgit2 as mergeletter links it.
 *
 * Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init()
 * parses every certificate of /etc/ssl/certs/ca-certificates.crt for HTTPS
 * transports that mergeletter never uses (it reads local clones and
 * fetches nothing through libgit2): 3.6-5.5 ms of every run from a clone.
 * No option skips it (bench/README.md). So libgit2's calls of mbedTLS's
 * mbedtls_x509_crt_parse_file() come to libgit2_link.c first: while
 * libgit2_link_init() runs they load nothing and say so is fine (libgit2's
 * TLS then trusts no certificate, so an HTTPS fetch through it would fail
 * its check, never pass one it should not); any other call goes on to
 * mbedTLS's own. With libgit2 linked statically (CMakeLists.txt,
 * ML_LIBGIT2_STATIC) that is a linker wrap; linked shared, a definition
 * of the same name that the dynamic linker finds first. A libgit2 built
 * with another TLS library never calls it. libgit2's call of libssh2_init()
 * is answered the same way (libgit2_link.c): libssh2 starts itself if ever
 * used.
 *
 * Linked statically, libgit2 also needs GSSAPI for its Kerberos HTTP
 * authentication; libgit2_link.c gives it functions that say GSSAPI is
 * unavailable (see there).
 */
#ifndef MERGELETTER_LIBGIT2_LINK_H
#define MERGELETTER_LIBGIT2_LINK_H

/* git_libgit2_init() without the CA certificates: what it returns. */
int libgit2_link_init(void);

#endif
