/*
 * render.c (fcgi/) - JSON shapes of API.md (see render.h).
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "plans.h"
#include "timefmt.h"

json_object *render_time(int64_t ms)
{
    char buf[CV_TIME_RFC3339_SIZE];

    if (ms == 0)
        return NULL;   /* json-c's null */
    cv_time_rfc3339(ms, buf, sizeof(buf));
    return json_object_new_string(buf);
}

json_object *render_user(const struct cv_user *u, int64_t month_ms, int used,
                         const struct user_settings *settings)
{
    json_object *o = json_object_new_object(), *usage = json_object_new_object();
    json_object *notif = json_object_new_object();

    if (o == NULL || usage == NULL || notif == NULL) {
        json_object_put(o);
        json_object_put(usage);
        json_object_put(notif);
        return NULL;
    }
    json_object_object_add(o, "id", json_object_new_string(u->id));
    json_object_object_add(o, "email", json_object_new_string(u->email));
    json_object_object_add(o, "name", json_object_new_string(u->name));
    json_object_object_add(o, "plan", json_object_new_string(cv_plan_name(u->plan)));
    json_object_object_add(o, "createdAt", render_time(u->created_at_ms));
    json_object_object_add(usage, "periodStart", render_time(month_ms));
    json_object_object_add(usage, "analysesUsed", json_object_new_int(used));
    json_object_object_add(usage, "analysesLimit", json_object_new_int(cv_plan_limit(u->plan)));
    json_object_object_add(o, "usage", usage);
    json_object_object_add(notif, "email", json_object_new_boolean(settings->notify_email));
    json_object_object_add(o, "notifications", notif);
    return o;
}

static json_object *string_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? json_object_new_string(s) : NULL;
}

json_object *render_analysis(const struct analysis *a, bool with_text)
{
    json_object *o = json_object_new_object(), *opt = json_object_new_object();
    char url[96];

    if (o == NULL || opt == NULL) {
        json_object_put(o);
        json_object_put(opt);
        return NULL;
    }
    (void)snprintf(url, sizeof(url), "/api/cv/analyses/%s/file", a->id);
    json_object_object_add(o, "id", json_object_new_string(a->id));
    json_object_object_add(o, "status", json_object_new_string(analysis_status_name(a->status)));
    json_object_object_add(o, "fileName", json_object_new_string(a->file_name));
    json_object_object_add(o, "fileSize", json_object_new_int64(a->file_size));
    /* The media type without parameters: what a client compares. The stored
     * value may carry "; charset=utf-8" (text is always UTF-8). */
    json_object_object_add(o, "mimeType",
                           json_object_new_string_len(a->mime_type,
                                                      (int)strcspn(a->mime_type, "; ")));
    json_object_object_add(o, "fileUrl", json_object_new_string(url));
    json_object_object_add(opt, "jobDescription", string_or_null(a->options.job_description));
    json_object_object_add(opt, "targetRole", string_or_null(a->options.target_role));
    json_object_object_add(opt, "optimize", json_object_new_boolean(a->options.optimize));
    json_object_object_add(opt, "language", string_or_null(a->options.language));
    json_object_object_add(o, "options", opt);
    json_object_object_add(o, "attempts", json_object_new_int(a->attempts));
    json_object_object_add(o, "error", string_or_null(a->error));
    json_object_object_add(o, "result", json_object_get(a->result));
    json_object_object_add(o, "optimizedVersion", string_or_null(a->optimized_version));
    json_object_object_add(o, "analyzer", json_object_get(a->analyzer));
    if (with_text)
        json_object_object_add(o, "originalText", string_or_null(a->original_text));
    json_object_object_add(o, "createdAt", render_time(a->created_at_ms));
    json_object_object_add(o, "updatedAt", render_time(a->updated_at_ms));
    json_object_object_add(o, "startedAt", render_time(a->started_at_ms));
    json_object_object_add(o, "completedAt", render_time(a->completed_at_ms));
    return o;
}
