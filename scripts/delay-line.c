// A netem stand-in for kernels without sch_netem: a user-space "switch" between network namespaces over TUN devices
// that holds each IPv4 packet between one pair of hosts for a fixed delay and forwards all others at once.
//
//   delay-line READY_FILE DELAY_US NS0 NS1 [NS2 ...]
//
// Creates a TUN device "dl0" in each namespace (by name, /var/run/netns/NAME), writes READY_FILE, then forwards: a
// packet read from host i's device whose destination is 10.199.78.(2 + j) is written to host j's device, after
// DELAY_US when {i, j} = {0, 1} (both directions, as netem on both ends of that link) and at once otherwise, so every
// pair pays the same forwarding cost and only the pair 0-1 the delay. Threads run SCHED_FIFO where allowed, so a
// spinning MPI rank does not hold a packet back; a delayed packet is released by sleeping to 50 µs before its time
// and spinning the rest. Runs until killed.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

enum { MAX_HOSTS = 8, PACKET = 65536, QUEUE = 1024, SPIN_NS = 50000 };

static int devices[MAX_HOSTS];
static int hosts;
static long delay_ns;

struct packet {
    struct timespec release;
    int length;
    unsigned char data[PACKET];
};

// One FIFO per delayed direction (0→1 and 1→0): a constant delay keeps release times in arrival order.
struct queue {
    struct packet *slots;
    int head, tail, destination;
    pthread_mutex_t lock;
    pthread_cond_t ready;
};
static struct queue queues[2];

static long long ns_of(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

static void realtime(void) {
    struct sched_param param = {.sched_priority = 50};
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);  // best effort: without it the delay is coarser
}

static void *release_loop(void *argument) {
    struct queue *q = argument;
    realtime();
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (q->head == q->tail) pthread_cond_wait(&q->ready, &q->lock);
        struct packet *p = &q->slots[q->head];
        pthread_mutex_unlock(&q->lock);
        long long release = ns_of(p->release);
        long long early = release - SPIN_NS;
        if (ns_of(now()) < early) {
            struct timespec until = {early / 1000000000LL, early % 1000000000LL};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
        }
        while (ns_of(now()) < release) {
        }
        if (write(devices[q->destination], p->data, p->length) < 0 && errno != EINVAL) perror("delay-line: write");
        pthread_mutex_lock(&q->lock);
        q->head = (q->head + 1) % QUEUE;
        pthread_mutex_unlock(&q->lock);
    }
    return NULL;
}

static void *forward_loop(void *argument) {
    int source = (int)(long)argument;
    unsigned char buffer[PACKET];
    realtime();
    for (;;) {
        int length = (int)read(devices[source], buffer, sizeof buffer);
        struct timespec arrived = now();
        if (length < 20 || (buffer[0] >> 4) != 4) continue;  // IPv4 only
        int destination = buffer[19] - 2;
        if (destination < 0 || destination >= hosts || destination == source) continue;
        if (delay_ns > 0 && source + destination == 1) {
            struct queue *q = &queues[source];
            pthread_mutex_lock(&q->lock);
            int next = (q->tail + 1) % QUEUE;
            if (next != q->head) {  // a full queue drops, as a full netem queue does
                struct packet *p = &q->slots[q->tail];
                long long release = ns_of(arrived) + delay_ns;
                p->release.tv_sec = release / 1000000000LL;
                p->release.tv_nsec = release % 1000000000LL;
                p->length = length;
                memcpy(p->data, buffer, length);
                q->tail = next;
                pthread_cond_signal(&q->ready);
            }
            pthread_mutex_unlock(&q->lock);
        } else if (write(devices[destination], buffer, length) < 0 && errno != EINVAL) {
            perror("delay-line: write");
        }
    }
    return NULL;
}

static int tun_in(const char *namespace) {
    char path[256];
    snprintf(path, sizeof path, "/var/run/netns/%s", namespace);
    int ns = open(path, O_RDONLY);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) {
        fprintf(stderr, "delay-line: cannot enter namespace %s: %s\n", namespace, strerror(errno));
        exit(1);
    }
    close(ns);
    int fd = open("/dev/net/tun", O_RDWR);
    struct ifreq request = {0};
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(request.ifr_name, "dl0", IFNAMSIZ - 1);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &request) != 0) {
        fprintf(stderr, "delay-line: cannot create a TUN device in %s: %s\n", namespace, strerror(errno));
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc - 3 > MAX_HOSTS) {
        fprintf(stderr, "usage: delay-line READY_FILE DELAY_US NS0 NS1 [NS2 ...]\n");
        return 64;
    }
    // Started in the background by a shell whose caller may wait for its pipes to close: keep none of them open.
    for (int fd = 3; fd < 1024; fd++) close(fd);
    delay_ns = atol(argv[2]) * 1000L;
    hosts = argc - 3;
    int home = open("/proc/self/ns/net", O_RDONLY);
    for (int i = 0; i < hosts; i++) devices[i] = tun_in(argv[3 + i]);
    setns(home, CLONE_NEWNET);
    pthread_t thread;
    for (int d = 0; d < 2; d++) {
        queues[d].slots = calloc(QUEUE, sizeof(struct packet));
        queues[d].destination = 1 - d;
        pthread_mutex_init(&queues[d].lock, NULL);
        pthread_cond_init(&queues[d].ready, NULL);
        pthread_create(&thread, NULL, release_loop, &queues[d]);
    }
    for (int i = 0; i < hosts; i++) pthread_create(&thread, NULL, forward_loop, (void *)(long)i);
    FILE *ready = fopen(argv[1], "w");
    if (ready) fclose(ready);
    pause();
    return 0;
}
