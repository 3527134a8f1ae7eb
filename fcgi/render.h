/*
 * render.h (fcgi/) - the JSON shapes of API.md built from core structs.
 * Each function returns a new json-c object (json_object_put it), or NULL
 * when out of memory.
 */
#ifndef CV_FCGI_RENDER_H
#define CV_FCGI_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "analysis.h"
#include "user_repo.h"
#include "user_settings_repo.h"

/* {"id","email","name","plan","createdAt","usage":{"periodStart",
 * "analysesUsed","analysesLimit"},"notifications":{"email"}} - never the
 * hash or Stripe ids; the usage of the month that starts at month_ms. */
json_object *render_user(const struct cv_user *u, int64_t month_ms, int used,
                         const struct user_settings *settings);

/* The analysis object of API.md; originalText only when with_text (null
 * until extracted). mimeType is the stored type without parameters. */
json_object *render_analysis(const struct analysis *a, bool with_text);

/* An RFC 3339 string, or JSON null for 0. */
json_object *render_time(int64_t ms);

#endif
