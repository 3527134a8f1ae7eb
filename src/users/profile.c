/*
 * profile.c (src/users) - PATCH /api/auth/me's core (see profile.h).
 */
#include "profile.h"

#include <stdio.h>

#include "log.h"

enum cv_status profile_update(struct cv_ctx *ctx, struct cv_user *user,
                              const struct profile_change *chg, struct user_settings *settings,
                              struct cv_error *err)
{
    struct user_lease lease;
    enum cv_status st;

    st = user_settings_get(ctx, user->id, settings, err);
    if (st != CV_OK)
        return st;
    if (chg->notify_email != PROFILE_KEEP && settings->notify_email != (chg->notify_email == 1)) {
        settings->notify_email = chg->notify_email == 1;
        st = user_settings_put(ctx, user->id, settings, err);
        if (st != CV_OK)
            return st;
        cv_log(CV_LOG_INFO, ctx->request_id, "user %s e-mail notifications %s", user->id,
               settings->notify_email ? "on" : "off");
    }
    if (chg->name == NULL)
        return CV_OK;
    st = user_repo_lease_take(ctx, user->id, &lease, err);
    if (st != CV_OK)
        return st;
    st = user_repo_set_name(ctx, &lease, chg->name, err);
    if (st == CV_OK)
        st = user_repo_lease_check(ctx, &lease, err);   /* lost: the name may be overwritten */
    user_repo_lease_release(ctx, &lease);
    if (st == CV_OK)
        (void)snprintf(user->name, sizeof(user->name), "%s", chg->name);
    return st;
}
