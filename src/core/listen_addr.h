/* listen_addr — where a TCP listener listens, as a setting writes it: "ADDRESS:PORT".
 *
 * ADDRESS is a numeric IPv4 address (127.0.0.1, 0.0.0.0 for every network), an IPv6 one in
 * brackets ([::1], [::]), or "localhost" (127.0.0.1). Host names are not looked up: a
 * setting must mean the same thing at every start, with or without a network. PORT is
 * 1..65535.
 *
 * Pure code (inet_pton only); any thread.
 */
#ifndef COACH_LISTEN_ADDR_H
#define COACH_LISTEN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "coach_error.h"

typedef struct listen_addr {
  struct sockaddr_storage ss; /* an AF_INET or AF_INET6 address with its port */
  socklen_t len;
  bool loopback; /* only this machine can connect (127.0.0.0/8, ::1) */
} listen_addr;

/* Parses text. COACH_E_INVALID with why ("...is not ADDRESS:PORT...") when it is not one;
 * *out is then untouched. */
coach_rc listen_addr_parse(const char *text, listen_addr *out, char *why, size_t why_len);

#endif
