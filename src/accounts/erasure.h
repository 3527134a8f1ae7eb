/*
 * erasure.h - everything a user owns besides the user document: called by
 * account deletion before the user document goes, so a failure leaves an
 * account that can retry its own deletion rather than orphaned data.
 */
#ifndef CV_ERASURE_H
#define CV_ERASURE_H

#include "ctx.h"
#include "cv_status.h"

/* Delete every analysis of user_id and every stored file they point to.
 * Idempotent; CV_ERR_UNAVAILABLE when the database or storage fails. */
enum cv_status erasure_delete_user_data(struct cv_ctx *ctx, const char *user_id,
                                        struct cv_error *err) CV_WARN_UNUSED;

#endif
