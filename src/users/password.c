/*
 * password.c - policy and argon2id hashing (see password.h).
 */
#include "password.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* "$2b$" cost "$" then 22 salt and 31 hash characters: 60 bytes. */
#define PASSWORD_BCRYPT_LEN 60
#define PASSWORD_BCRYPT_PREFIX_LEN 7

static char dummy_hash[PASSWORD_HASH_SIZE];

enum cv_status password_global_init(struct cv_error *err)
{
    unsigned char random_pw[24];

    if (sodium_init() < 0)
        return cv_error_set(err, CV_ERR_INTERNAL, "sodium_init failed");
    randombytes_buf(random_pw, sizeof(random_pw));
    if (crypto_pwhash_str(dummy_hash, (const char *)random_pw, sizeof(random_pw),
                          PASSWORD_OPSLIMIT, (size_t)PASSWORD_MEMLIMIT_BYTES) != 0)
        return cv_error_set(err, CV_ERR_NOMEM, "argon2id: cannot allocate %llu bytes",
                            PASSWORD_MEMLIMIT_BYTES);
    return CV_OK;
}

bool password_policy_ok(const char *pw, size_t len, const char **why)
{
    static const char rule[] = "must be 8 to 128 characters with at least one letter and one digit";
    bool letter = false, digit = false;
    size_t n, i;

    *why = rule;
    if (!cv_utf8_count((const unsigned char *)pw, len, &n) || n < PASSWORD_MIN_CODE_POINTS ||
        n > PASSWORD_MAX_CODE_POINTS)
        return false;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)pw[i];
        if (c >= '0' && c <= '9')
            digit = true;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
            letter = true;   /* any non-ASCII character counts as a letter */
    }
    if (!letter || !digit)
        return false;
    *why = NULL;
    return true;
}

enum cv_status password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_SIZE],
                             struct cv_error *err)
{
    if (crypto_pwhash_str(out, pw, len, PASSWORD_OPSLIMIT, (size_t)PASSWORD_MEMLIMIT_BYTES) != 0)
        return cv_error_set(err, CV_ERR_NOMEM, "argon2id: out of memory");
    return CV_OK;
}

bool password_is_bcrypt(const char *hash)
{
    static const char alphabet[] =
        "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t i;
    int cost;

    if (strnlen(hash, PASSWORD_BCRYPT_LEN + 1) != PASSWORD_BCRYPT_LEN || hash[0] != '$' ||
        hash[1] != '2' || (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') ||
        hash[3] != '$' || hash[4] < '0' || hash[4] > '3' || hash[5] < '0' || hash[5] > '9' ||
        hash[6] != '$')
        return false;
    cost = (hash[4] - '0') * 10 + (hash[5] - '0');
    if (cost < 4 || cost > 31)
        return false;
    for (i = PASSWORD_BCRYPT_PREFIX_LEN; i < PASSWORD_BCRYPT_LEN; i++)
        if (strchr(alphabet, hash[i]) == NULL)
            return false;
    return true;
}

/* bcrypt through libxcrypt: crypt_rn recomputes the hash with the stored
 * salt and cost; the result is compared in constant time. */
static bool bcrypt_verify(const char *hash, const char *pw, size_t len)
{
    char phrase[CRYPT_MAX_PASSPHRASE_SIZE];
    struct crypt_data *data;
    const char *out;
    bool match;

    if (len >= sizeof(phrase) || memchr(pw, '\0', len) != NULL)
        return false;
    data = calloc(1, sizeof(*data));   /* 32 KiB: too big for a responder's stack */
    if (data == NULL)
        return false;
    memcpy(phrase, pw, len);
    phrase[len] = '\0';
    out = crypt_rn(phrase, hash, data, (int)sizeof(*data));
    match = out != NULL && strlen(out) == PASSWORD_BCRYPT_LEN &&
            sodium_memcmp(out, hash, PASSWORD_BCRYPT_LEN) == 0;
    sodium_memzero(phrase, sizeof(phrase));
    sodium_memzero(data, sizeof(*data));
    free(data);
    return match;
}

bool password_verify(const char *hash, const char *pw, size_t len)
{
    if (memchr(hash, '\0', PASSWORD_HASH_SIZE) == NULL)
        return false;
    if (password_is_bcrypt(hash))
        return bcrypt_verify(hash, pw, len);
    return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

void password_verify_dummy(const char *pw, size_t len)
{
    /* The answer is meaningless; only the time spent matters. */
    if (crypto_pwhash_str_verify(dummy_hash, pw, len) == 0)
        return;
}

bool password_needs_rehash(const char *hash)
{
    if (password_is_bcrypt(hash))
        return true;
    return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT,
                                          (size_t)PASSWORD_MEMLIMIT_BYTES) != 0;
}
