/*
 * runtime.c - process-wide set-up shared by both binaries (see runtime.h).
 */
#include "runtime.h"

#include "db.h"

enum cv_status cv_runtime_open(struct cv_runtime *rt, const struct cv_config *cfg,
                               unsigned threads, struct cv_error *err)
{
    rt->cfg = cfg;
    cv_db_global_init();
    rt->mongo = cv_db_pool_create(cfg, err);
    if (rt->mongo == NULL) {
        cv_db_global_cleanup();
        return err != NULL && err->status != CV_OK ? err->status : CV_ERR_CONFIG;
    }
    (void)mongoc_client_pool_max_size(rt->mongo, threads > 0 ? threads : 1);
    return CV_OK;
}

void cv_runtime_close(struct cv_runtime *rt)
{
    if (rt->mongo == NULL)
        return;
    mongoc_client_pool_destroy(rt->mongo);
    rt->mongo = NULL;
    cv_db_global_cleanup();
}

void cv_runtime_thread_open(struct cv_runtime *rt, struct cv_thread_conns *c)
{
    c->mongo = mongoc_client_pool_pop(rt->mongo);
    cv_redis_init(&c->redis, rt->cfg);
}

void cv_runtime_thread_close(struct cv_runtime *rt, struct cv_thread_conns *c)
{
    cv_redis_close(&c->redis);
    if (c->mongo != NULL)
        mongoc_client_pool_push(rt->mongo, c->mongo);
    c->mongo = NULL;
}

struct cv_ctx cv_runtime_ctx(const struct cv_runtime *rt, struct cv_thread_conns *c,
                             const char *request_id)
{
    return (struct cv_ctx){ rt->cfg, c->mongo, &c->redis, request_id };
}
