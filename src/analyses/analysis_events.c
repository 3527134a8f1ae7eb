/*
 * analysis_events.c (src/analyses) - publishing an analysis's state (see
 * analysis_events.h).
 */
#include "analysis_events.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "analysis_repo.h"
#include "live_events.h"
#include "log.h"
#include "timefmt.h"

char *analysis_events_message(const struct analysis *a)
{
    char updated[CV_TIME_RFC3339_SIZE];
    json_object *o = json_object_new_object(), *score;
    char *out;

    if (o == NULL)
        return NULL;
    cv_time_rfc3339(a->updated_at_ms, updated, sizeof(updated));
    json_object_object_add(o, "id", json_object_new_string(a->id));
    json_object_object_add(o, "status", json_object_new_string(analysis_status_name(a->status)));
    json_object_object_add(o, "updatedAt", json_object_new_string(updated));
    json_object_object_add(o, "error", a->error[0] != '\0' ? json_object_new_string(a->error)
                                                           : NULL);
    if (a->status == ANALYSIS_COMPLETED && a->result != NULL &&
        json_object_object_get_ex(a->result, "score", &score))
        json_object_object_add(o, "score", json_object_get(score));
    out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return out;
}

void analysis_events_publish(struct cv_ctx *ctx, const struct analysis *a)
{
    char channel[LIVE_EVENTS_CHANNEL_HEX_LEN + 1];
    const char *status = analysis_status_name(a->status);
    struct cv_error err;
    char *msg;

    if (ctx->cfg->events_publish_url == NULL)
        return;
    msg = analysis_events_message(a);
    if (msg == NULL)
        return;
    cv_error_clear(&err);
    live_events_channel(ctx->cfg, LIVE_CHANNEL_ANALYSIS, a->id, channel);
    if (live_events_publish(ctx->cfg, LIVE_CHANNEL_ANALYSIS, channel, status, msg, strlen(msg),
                            &err) == CV_OK)
        live_events_channel(ctx->cfg, LIVE_CHANNEL_USER, a->user_id, channel);
    if (err.status == CV_OK &&
        live_events_publish(ctx->cfg, LIVE_CHANNEL_USER, channel, status, msg, strlen(msg),
                            &err) == CV_OK)
        cv_log(CV_LOG_DEBUG, ctx->request_id, "live event %s of analysis %s published", status,
               a->id);
    else
        cv_log_error_detail(CV_LOG_WARN, ctx->request_id, err.message,
                            "live event %s of analysis %s not published", status, a->id);
    free(msg);
}

void analysis_events_publish_id(struct cv_ctx *ctx, const char *id)
{
    struct cv_error err;
    struct analysis a;

    if (ctx->cfg->events_publish_url == NULL)
        return;
    cv_error_clear(&err);
    if (analysis_repo_get(ctx, id, NULL, false, &a, &err) != CV_OK)
        return;
    analysis_events_publish(ctx, &a);
    analysis_free(&a);
}
