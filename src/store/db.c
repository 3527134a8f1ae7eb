/*
 * db.c - MongoDB pool setup and ping (see db.h).
 */
#include "db.h"

#include <string.h>

#include "cv_limits.h"
#include "log.h"

static void db_log_handler(mongoc_log_level_t level, const char *domain,
                           const char *message, void *user_data)
{
    enum cv_log_level ours;

    (void)user_data;
    switch (level) {
    case MONGOC_LOG_LEVEL_ERROR:
    case MONGOC_LOG_LEVEL_CRITICAL:
        ours = CV_LOG_ERROR;
        break;
    case MONGOC_LOG_LEVEL_WARNING:
        ours = CV_LOG_WARN;
        break;
    case MONGOC_LOG_LEVEL_MESSAGE:
    case MONGOC_LOG_LEVEL_INFO:
        ours = CV_LOG_INFO;
        break;
    default:
        return;   /* driver debug and trace: never */
    }
    /* At pool teardown the driver ends its sessions with a command that
     * FerretDB does not have; nothing is lost, so it is not a warning. */
    if (strstr(message, "endSessions") != NULL)
        ours = CV_LOG_DEBUG;
    cv_log(ours, NULL, "mongoc %s: %s", domain, message);
}

void cv_db_global_init(void)
{
    mongoc_log_set_handler(db_log_handler, NULL);
    mongoc_init();
}

void cv_db_global_cleanup(void)
{
    mongoc_cleanup();
}

/* Apply our bound unless the operator chose one in the URI. */
static void uri_default_ms(mongoc_uri_t *uri, const char *option, int32_t ms)
{
    if (mongoc_uri_get_option_as_int32(uri, option, -1) == -1)
        (void)mongoc_uri_set_option_as_int32(uri, option, ms);
}

mongoc_client_pool_t *cv_db_pool_create(const struct cv_config *cfg, struct cv_error *err)
{
    mongoc_client_pool_t *pool;
    bson_error_t berr;
    mongoc_uri_t *uri;

    uri = mongoc_uri_new_with_error(cfg->mongodb_uri, &berr);
    if (uri == NULL) {
        cv_error_set(err, CV_ERR_CONFIG, "MONGODB_URI: %s", berr.message);
        return NULL;
    }
    uri_default_ms(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, CV_MONGO_TIMEOUT_MS);
    uri_default_ms(uri, MONGOC_URI_CONNECTTIMEOUTMS, CV_MONGO_TIMEOUT_MS);
    uri_default_ms(uri, MONGOC_URI_SOCKETTIMEOUTMS, 2 * CV_MONGO_TIMEOUT_MS);
    uri_default_ms(uri, MONGOC_URI_HEARTBEATFREQUENCYMS, CV_MONGO_TIMEOUT_MS);
    (void)mongoc_uri_set_appname(uri, "cv-analyzer");
    pool = mongoc_client_pool_new_with_error(uri, &berr);
    mongoc_uri_destroy(uri);
    if (pool == NULL) {
        cv_error_set(err, CV_ERR_CONFIG, "mongoc pool: %s", berr.message);
        return NULL;
    }
    (void)mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);
    return pool;
}

enum cv_status cv_db_ping(mongoc_client_t *client, const char *db_name, struct cv_error *err)
{
    bson_t cmd = BSON_INITIALIZER;
    bson_error_t berr;
    bool ok;

    BSON_APPEND_INT32(&cmd, "ping", 1);
    ok = mongoc_client_command_simple(client, db_name, &cmd, NULL, NULL, &berr);
    bson_destroy(&cmd);
    if (!ok)
        return cv_error_set(err, CV_ERR_UNAVAILABLE, "mongodb ping: %s", berr.message);
    return CV_OK;
}
