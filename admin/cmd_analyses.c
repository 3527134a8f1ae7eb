/*
 * cmd_analyses.c (admin/) - `cv-admin analyses requeue ID`: queue a failed
 * analysis again, whoever owns it, as POST /api/cv/analyses/{id}/retry
 * does for its owner (no quota taken).
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "analysis_service.h"
#include "user_repo.h"

enum admin_exit admin_requeue_analysis(struct admin_env *env, const char *id, const char *why)
{
    struct cv_error err;
    enum cv_status st;

    cv_error_clear(&err);
    st = analysis_retry(&env->ctx, id, NULL, &err);
    if (st == CV_OK)
        return ADMIN_EXIT_OK;
    if (st == CV_ERR_NOT_FOUND)
        fprintf(stderr, "cv-admin: %s: no analysis %s\n", why, id);
    else if (st == CV_ERR_CONFLICT)
        fprintf(stderr, "cv-admin: %s: analysis %s is not failed (%s)\n", why, id, err.message);
    else
        fprintf(stderr, "cv-admin: %s: analysis %s: %s\n", why, id, err.message);
    return ADMIN_EXIT_FAILED;
}

static enum admin_exit analyses_requeue(struct admin_env *env, const char *id)
{
    bson_oid_t oid;
    enum admin_exit rc;

    if (!cv_oid_parse(id, strlen(id), &oid))
        return admin_usage_error("\"%.64s\" is not an analysis id (24 hex digits)", id);
    rc = admin_requeue_analysis(env, id, "requeue");
    if (rc != ADMIN_EXIT_OK)
        return rc;
    if (env->json)
        printf("{\"id\":\"%s\",\"status\":\"queued\"}\n", id);
    else
        printf("analysis %s queued again\n", id);
    return ADMIN_EXIT_OK;
}

static enum admin_exit analyses_run(struct admin_env *env, int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "requeue") == 0)
        return analyses_requeue(env, argv[2]);
    return admin_usage_error("usage: cv-admin analyses requeue ID");
}

const struct admin_command admin_cmd_analyses = {
    .group = "analyses",
    .usage = "  analyses requeue ID          queue a failed analysis again (any owner)\n",
    .run = analyses_run,
};
