/*
 * user_import.h (src/users) - one line of a mongoexport of the Express
 * backend's Mongoose `users` collection, mapped onto a cv_user.
 *
 * The line is MongoDB Extended JSON (relaxed or canonical: {"$oid"},
 * {"$date"}), read with libbson. Mapping (README "Moving accounts from the
 * Express backend"): _id kept when it is an ObjectId; email normalised as
 * at registration; password (or passwordHash) must be a bcrypt ($2a$, $2b$,
 * $2y$) or argon2id hash; name, else firstName + lastName, else username,
 * else the email's local part; plan "pro"/"premium" (or
 * subscription.plan) becomes pro, anything else free; stripeCustomerId /
 * stripe.customerId and stripeSubscriptionId / stripe.subscriptionId;
 * createdAt. Other fields (__v, updatedAt, roles, counters) are ignored.
 * Pure and thread safe.
 */
#ifndef CV_USER_IMPORT_H
#define CV_USER_IMPORT_H

#include <stddef.h>

#include "cv_status.h"
#include "user_repo.h"

/* A longer line is refused: no user document of the old backend is near. */
#define USER_IMPORT_LINE_MAX_BYTES (64 * 1024)

struct user_import_record {
    char id[USER_ID_HEX_LEN + 1];   /* "" when the line had no ObjectId _id */
    struct cv_user user;            /* id empty; usage fields unset */
};

/* Parse one line (len bytes, no NUL needed) into *rec. CV_ERR_INVALID with
 * the reason in err->message (for the skip report) when the line is not a
 * JSON object, is too long, or lacks a usable email or password hash. */
enum cv_status user_import_parse(const char *line, size_t len, struct user_import_record *rec,
                                 struct cv_error *err) CV_WARN_UNUSED;

#endif
