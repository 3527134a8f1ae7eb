/*
 * profile.h (src/users) - what a user changes about themself with PATCH
 * /api/auth/me: the display name (on the users document, under the user's
 * lease) and the notification settings (their own document, see
 * user_settings_repo.h). Thread safety follows ctx.
 */
#ifndef CV_PROFILE_H
#define CV_PROFILE_H

#include "ctx.h"
#include "cv_status.h"
#include "user_repo.h"
#include "user_settings_repo.h"

#define PROFILE_KEEP (-1)

struct profile_change {
    const char *name;           /* normalised (account_name_normalize); NULL: keep */
    int notify_email;           /* 0 off, 1 on, PROFILE_KEEP */
};

/* Apply chg to user (whose name is updated in place) and fill *settings
 * with the settings now stored. The settings are written first, then the
 * name. CV_ERR_NOT_FOUND when the user was erased meanwhile,
 * CV_ERR_UNAVAILABLE when the database or Redis fails (the settings may
 * then be stored and the name not: the same request can be sent again). */
enum cv_status profile_update(struct cv_ctx *ctx, struct cv_user *user,
                              const struct profile_change *chg, struct user_settings *settings,
                              struct cv_error *err) CV_WARN_UNUSED;

#endif
