/*
 * password.h - password policy and argon2id hashing (libsodium).
 *
 * Cost: argon2id, 2 passes over 19 MiB (OWASP's minimum recommendation
 * for argon2id), written down in PASSWORD_OPSLIMIT/PASSWORD_MEMLIMIT_BYTES;
 * stored hashes carry their parameters, so raising the cost later only
 * needs password_needs_rehash at login. Every function is thread safe;
 * password_global_init must run once (sodium_init) before threads start.
 *
 * Accounts imported from the Express backend keep their bcrypt hash
 * ($2a$, $2b$, $2y$), verified by libxcrypt's crypt_rn; such a hash always
 * "needs rehash", so the first successful login replaces it by argon2id.
 */
#ifndef CV_PASSWORD_H
#define CV_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>

#include "cv_status.h"

#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT_BYTES (19ULL * 1024 * 1024)
#define PASSWORD_MIN_CODE_POINTS 8
#define PASSWORD_MAX_CODE_POINTS 128
#define PASSWORD_HASH_SIZE crypto_pwhash_STRBYTES

/* sodium_init and the dummy hash used to equalise login timing. */
enum cv_status password_global_init(struct cv_error *err) CV_WARN_UNUSED;

/* Policy: valid UTF-8, 8..128 code points, at least one letter and one
 * digit. False with a client-facing reason in why (static string). */
bool password_policy_ok(const char *pw, size_t len, const char **why);

/* Hash into out (PASSWORD_HASH_SIZE bytes, NUL-terminated).
 * CV_ERR_NOMEM when the memory cost cannot be allocated. */
enum cv_status password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_SIZE],
                             struct cv_error *err) CV_WARN_UNUSED;

/* Does pw match the stored hash (argon2id, or bcrypt as described
 * above)? A malformed hash is a mismatch, as is a password holding a NUL
 * byte checked against bcrypt, which reads C strings. */
bool password_verify(const char *hash, const char *pw, size_t len);

/* Spend the time of one verification against a fixed dummy hash, so an
 * unknown account answers as slowly as a wrong password. */
void password_verify_dummy(const char *pw, size_t len);

/* Is hash a bcrypt hash ($2a$, $2b$ or $2y$) that libxcrypt accepts?
 * Used by the import to refuse hashes no login could ever match. */
bool password_is_bcrypt(const char *hash);

/* Was hash made with another algorithm (bcrypt) or other parameters than
 * today's? */
bool password_needs_rehash(const char *hash);

#endif
