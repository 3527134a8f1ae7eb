/*
 * listen.c (fcgi/) - listening socket acquisition (see listen.h).
 */
#include "listen.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* Connections nginx may have queued on the socket before a responder
 * accepts them: one per request in flight, plus those whose clients left
 * (closed, not yet accepted). Past it connect() fails with EAGAIN and
 * nginx answers 502; 1000 clients filled 1024 (tests/e2e/test_load.py).
 * The kernel caps it at net.core.somaxconn (4096 by default). */
#define LISTEN_BACKLOG 4096
#define SD_LISTEN_FDS_START 3

static int listen_unix(const char *path, struct cv_error *err)
{
    struct sockaddr_un sa;
    struct stat st;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        cv_error_set(err, CV_ERR_CONFIG, "--listen %s: path longer than %zu bytes", path,
                     sizeof(sa.sun_path) - 1);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            cv_error_set(err, CV_ERR_CONFIG, "--listen %s: exists and is not a socket", path);
            return -1;
        }
        (void)unlink(path);   /* a stale socket of an earlier run */
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cv_error_set(err, CV_ERR_IO, "socket: %s", strerror(errno));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        chmod(path, 0660) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        cv_error_set(err, CV_ERR_IO, "--listen %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_tcp(const char *arg, struct cv_error *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    char host[256];
    const char *colon = strrchr(arg, ':');
    long port;
    int fd = -1, one = 1, rc;
    size_t hlen;

    if (colon == NULL || colon == arg || !cv_config_parse_int(colon + 1, 1, 65535, &port)) {
        cv_error_set(err, CV_ERR_CONFIG, "--listen %s: expected PATH or HOST:PORT", arg);
        return -1;
    }
    hlen = (size_t)(colon - arg);
    if (arg[0] == '[' && hlen >= 2 && arg[hlen - 1] == ']') {   /* [::1]:9000 */
        arg++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host)) {
        cv_error_set(err, CV_ERR_CONFIG, "--listen: host too long");
        return -1;
    }
    memcpy(host, arg, hlen);
    host[hlen] = '\0';
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0) {
        cv_error_set(err, CV_ERR_CONFIG, "--listen %s: %s", host, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
            break;
        cv_error_set(err, CV_ERR_IO, "--listen %s:%ld: %s", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* The descriptor systemd passed, or -1 if this process was given none. */
static int listen_systemd(struct cv_error *err)
{
    const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
    long pid, nfds;

    if (pid_s == NULL || fds_s == NULL)
        return -1;
    if (!cv_config_parse_int(pid_s, 1, 0x7fffffffL, &pid) || pid != (long)getpid())
        return -1;
    if (!cv_config_parse_int(fds_s, 1, 64, &nfds)) {
        cv_error_set(err, CV_ERR_CONFIG, "LISTEN_FDS=%s: expected a count from 1", fds_s);
        return -1;
    }
    if (nfds > 1)
        cv_log(CV_LOG_WARN, NULL, "systemd passed %ld sockets; using the first", nfds);
    /* Our children must not take these variables for their own. */
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return SD_LISTEN_FDS_START;
}

static int is_listening_socket(int fd)
{
    int accepting = 0;
    socklen_t len = sizeof(accepting);

    return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting;
}

int cv_listen_acquire(const char *listen_arg, struct cv_error *err)
{
    int fd;

    if (listen_arg != NULL && listen_arg[0] != '\0')
        return strchr(listen_arg, '/') != NULL ? listen_unix(listen_arg, err)
                                               : listen_tcp(listen_arg, err);
    fd = listen_systemd(err);
    if (fd >= 0) {
        if (!is_listening_socket(fd)) {
            cv_error_set(err, CV_ERR_CONFIG, "fd %d from systemd is not a listening socket", fd);
            return -1;
        }
        return fd;
    }
    if (is_listening_socket(STDIN_FILENO))
        return STDIN_FILENO;
    cv_error_set(err, CV_ERR_CONFIG, "no socket: pass --listen PATH|HOST:PORT, set API_LISTEN, "
                 "use systemd socket activation, or start under spawn-fcgi");
    return -1;
}

enum cv_status cv_listen_set_accept_timeout(int fd, long wake_ms, struct cv_error *err)
{
    struct timeval tv = { wake_ms / 1000, (wake_ms % 1000) * 1000 };

    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
        return cv_error_set(err, CV_ERR_IO, "SO_RCVTIMEO: %s", strerror(errno));
    return CV_OK;
}
