/*
 * analysis.c - the analysis record's helpers (see analysis.h).
 */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = { "queued", "processing", "completed", "failed" };

const char *analysis_status_name(enum analysis_status s)
{
    return (unsigned)s < 4 ? status_names[s] : "queued";
}

bool analysis_status_parse(const char *s, enum analysis_status *out)
{
    unsigned i;

    for (i = 0; i < 4; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *out = (enum analysis_status)i;
            return true;
        }
    }
    return false;
}

void analysis_free(struct analysis *a)
{
    free(a->options.job_description);
    free(a->options.target_role);
    free(a->optimized_version);
    free(a->original_text);
    json_object_put(a->result);
    json_object_put(a->analyzer);
    a->options.job_description = NULL;
    a->options.target_role = NULL;
    a->optimized_version = NULL;
    a->original_text = NULL;
    a->result = NULL;
    a->analyzer = NULL;
}
