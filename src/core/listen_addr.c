#include "listen_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#define EXAMPLES "as in 127.0.0.1:6600 (this machine only), 0.0.0.0:6600 or [::]:6600"

static bool parse_port(const char *s, unsigned short *port)
{
  unsigned long v = 0;
  if(!*s || strlen(s) > 5)
    return false;
  for(const char *p = s; *p; p++) {
    if(*p < '0' || *p > '9')
      return false;
    v = v * 10 + (unsigned long)(*p - '0');
  }
  if(v < 1 || v > 65535)
    return false;
  *port = (unsigned short)v;
  return true;
}

coach_rc listen_addr_parse(const char *text, listen_addr *out, char *why, size_t why_len)
{
  char host[64];
  const char *colon, *host_start = text;
  size_t host_len;
  unsigned short port;
  listen_addr a;

  memset(&a, 0, sizeof(a));
  if(text[0] == '[') {
    const char *close = strchr(text, ']');
    if(!close || close[1] != ':') {
      coach_why(why, why_len, "\"%.80s\" is not [IPv6-ADDRESS]:PORT (%s)", text, EXAMPLES);
      return COACH_E_INVALID;
    }
    host_start = text + 1;
    host_len = (size_t)(close - host_start);
    colon = close + 1;
  }
  else {
    colon = strrchr(text, ':');
    if(!colon || strchr(text, ':') != colon) {
      coach_why(why, why_len, "\"%.80s\" is not ADDRESS:PORT (%s)", text, EXAMPLES);
      return COACH_E_INVALID;
    }
    host_len = (size_t)(colon - text);
  }
  if(host_len == 0 || host_len >= sizeof(host)) {
    coach_why(why, why_len, "\"%.80s\" names no address before the port (%s)", text, EXAMPLES);
    return COACH_E_INVALID;
  }
  if(!parse_port(colon + 1, &port)) {
    coach_why(why, why_len, "\"%.80s\": the port must be a number from 1 to 65535", text);
    return COACH_E_INVALID;
  }
  memcpy(host, host_start, host_len);
  host[host_len] = '\0';
  if(!strcmp(host, "localhost"))
    snprintf(host, sizeof(host), "127.0.0.1");

  if(text[0] == '[') {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;
    if(inet_pton(AF_INET6, host, &in6->sin6_addr) != 1) {
      coach_why(why, why_len, "\"%s\" is not an IPv6 address", host);
      return COACH_E_INVALID;
    }
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    a.len = sizeof(*in6);
    a.loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
                 (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127);
  }
  else {
    struct sockaddr_in *in4 = (struct sockaddr_in *)&a.ss;
    if(inet_pton(AF_INET, host, &in4->sin_addr) != 1) {
      coach_why(why, why_len,
                "\"%s\" is not a numeric IPv4 address (host names are not looked up; %s)", host,
                EXAMPLES);
      return COACH_E_INVALID;
    }
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    a.len = sizeof(*in4);
    a.loopback = (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
  }
  *out = a;
  return COACH_OK;
}
