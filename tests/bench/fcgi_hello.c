/*
 * fcgi_hello.c - the floor of a FastCGI responder for tests/bench/compare:
 * libfcgi's accept loop in BENCH_HELLO_THREADS threads answering every
 * request with a fixed JSON body, nothing else. Usage: fcgi_hello SOCKET.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <fcgiapp.h>

#define BENCH_HELLO_THREADS 4
#define BENCH_HELLO_BACKLOG 1024

static int listen_fd;

static void *serve(void *arg)
{
    FCGX_Request req;

    (void)arg;
    if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
        return NULL;
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                  "Content-Length: 16\r\n\r\n{\"status\":\"ok\"}\n", req.out);
        FCGX_Finish_r(&req);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t threads[BENCH_HELLO_THREADS];
    int i;

    if (argc != 2) {
        fprintf(stderr, "usage: fcgi_hello SOCKET\n");
        return 2;
    }
    if (FCGX_Init() != 0 || (listen_fd = FCGX_OpenSocket(argv[1], BENCH_HELLO_BACKLOG)) < 0) {
        fprintf(stderr, "fcgi_hello: cannot listen on %s\n", argv[1]);
        return 1;
    }
    for (i = 0; i < BENCH_HELLO_THREADS; i++)
        if (pthread_create(&threads[i], NULL, serve, NULL) != 0)
            return 1;
    for (i = 0; i < BENCH_HELLO_THREADS; i++)
        pthread_join(threads[i], NULL);
    return 0;
}
