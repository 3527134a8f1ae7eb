/*
 * cv_limits.h - every fixed bound of the product, named once, with its unit in
 * the name and the reason beside it. Configurable bounds (MAX_FILE_SIZE,
 * WORKER_CONCURRENCY, ...) live in config.h and .env.example instead.
 */
#ifndef CV_LIMITS_H
#define CV_LIMITS_H

/* An upload's body beyond the file itself: the text parts (a job
 * description of up to 20,000 code points is 80 KB of UTF-8), part
 * headers and delimiters. cv-api refuses a body over MAX_FILE_SIZE plus
 * this, and nginx's client_max_body_size for uploads is the same sum, read
 * from `cv-api --print-config` (UPLOAD_BODY_MAX). */
#define CV_UPLOAD_OVERHEAD_MAX_BYTES (1024L * 1024)

/* A JSON request body: auth and billing bodies are a few hundred bytes. */
#define CV_JSON_BODY_MAX_BYTES (64 * 1024)

/* Nesting of a JSON body; ours are two levels deep. */
#define CV_JSON_MAX_DEPTH 16

/* One response body built in memory (lists of analyses, metrics text). */
#define CV_RESPONSE_MAX_BYTES (4 * 1024 * 1024)

/* A log message, and the JSON line carrying it (room for the message
 * escaped at worst 6 bytes per byte, plus the other fields). Longer
 * messages are cut, never split over lines. */
#define CV_LOG_MSG_MAX_BYTES 2048
#define CV_LOG_LINE_MAX_BYTES 16384

/* A .env file: configuration, not data. */
#define CV_ENV_FILE_MAX_BYTES (256 * 1024)
#define CV_ENV_LINE_MAX_BYTES 8192

/* A request path, and the path parameters a route may capture. */
#define CV_PATH_MAX_BYTES 2048
#define CV_ROUTE_MAX_PARAMS 4
#define CV_ROUTE_MAX_SEGMENTS 16

/* Request id as nginx makes it (32 hex chars); longer input is refused. */
#define CV_REQUEST_ID_MAX_BYTES 64

/* Dependency calls: a readiness probe must answer well inside nginx's
 * fastcgi_read_timeout and a load balancer's probe timeout. */
#define CV_MONGO_TIMEOUT_MS 2000
#define CV_REDIS_CONNECT_TIMEOUT_MS 1000
#define CV_REDIS_COMMAND_TIMEOUT_MS 2000
#define CV_STORAGE_TIMEOUT_MS 3000

/* Responder pool: processes and threads per process. */
#define CV_POOL_MAX_PROCESSES 64
#define CV_POOL_MAX_THREADS 256
/* How often a thread blocked in accept wakes to look for a stop. */
#define CV_POOL_ACCEPT_WAKE_MS 500
/* How often the master wakes, without a signal, to refill empty slots
 * whose respawn backoff has passed, read the new responders' readiness
 * during a reload, and ping systemd's watchdog. */
#define CV_POOL_MASTER_WAKE_MS 200
/* How long the master waits for children to finish requests on SIGTERM
 * before killing them (systemd's TimeoutStopSec should exceed it). */
#define CV_POOL_STOP_GRACE_MS 20000
/* A child that dies sooner than this after its start is respawned only
 * after CV_POOL_RESPAWN_BACKOFF_MS, so a crash loop cannot fork-bomb. */
#define CV_POOL_CHILD_MIN_LIFE_MS 1000
#define CV_POOL_RESPAWN_BACKOFF_MS 1000
/* Reload (SIGHUP): how long the new responders have to report ready
 * before the reload is abandoned and the old ones keep serving. */
#define CV_POOL_RELOAD_READY_MS 15000
/* Sentry: events waiting to be sent per process (more are dropped, a
 * report never blocks a request), the size of one envelope and of its
 * message, and how long one send may take. */
#define CV_SENTRY_QUEUE_MAX 64
#define CV_SENTRY_EVENT_MAX_BYTES 4096
#define CV_SENTRY_MESSAGE_MAX_BYTES 512
#define CV_SENTRY_TIMEOUT_MS 3000
/* The STATUS= line sent to systemd. */
#define CV_NOTIFY_STATUS_MAX 256

/* Worker: how long one wait for jobs blocks before checking for a stop. */
#define CV_WORKER_POLL_MS 1000
/* The sweep runs every this many polls, and queues again an analysis
 * recorded but not marked enqueued for longer than this (an upload takes
 * milliseconds between the two; a minute is unambiguous). */
#define CV_WORKER_SWEEP_EVERY_POLLS 5
#define CV_WORKER_STRANDED_AFTER_MS 60000

#endif
