/* What the rest of the kernel needs from capability endpoints (ipc/endpoint.c). */
#ifndef IPC_ENDPOINT_H
#define IPC_ENDPOINT_H

struct thread;

/* A thread exits: a call it received with zero_reply_recv and did not answer fails (its caller
 * wakes with EPIPE), and the slot it kept for its next call is freed. */
void endpoint_thread_exit(struct thread *t);

#endif
