#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock_ms.h"
#include "log.h"
#include "sdnotify.h"

/* Clients accepted per dispatch round, so that a connection storm cannot starve the clients
 * already connected (the rest wait in the kernel's backlog until the next round). */
#define ACCEPT_PER_ROUND 16
#define OUTPUT_INITIAL 1024

/* Where a client is with command lists (dialects with command_lists). */
typedef enum list_state {
  LIST_NONE,
  LIST_COLLECTING, /* after command_list_begin: lines are stored, not run */
  LIST_RUNNING,    /* after command_list_end: the stored lines run before any new input */
} list_state;

/* How the command that runs now was answered, so that a list knows whether to go on. */
typedef enum reply_kind {
  REPLY_NONE,     /* no answer (yet); a stray "noidle" never gets one */
  REPLY_OK,
  REPLY_ACK,
  REPLY_DEFERRED, /* server_defer: the answer comes later */
  REPLY_IDLE,     /* parked in idle */
} reply_kind;

struct server_client {
  server *srv;
  int fd;
  unsigned id;

  /* Input: unprocessed bytes are in[in_start .. in_start + in_len). */
  char in[SERVER_LINE_MAX];
  size_t in_start, in_len;
  bool discarding; /* skipping the rest of an over-long line */
  bool eof;        /* the peer shut down its writing side */

  /* Output: unsent bytes are out[out_off .. out_len). */
  char *out;
  size_t out_off, out_len, out_cap;

  bool close_after_flush; /* said its last word: close once the output is sent */
  bool dead;              /* to be freed by reap(); nothing more is done with it */
  bool locked;            /* may send only the dialect's open commands (password_over_tcp) */
  char peer[64];          /* "pid N" or "ADDRESS:PORT", for log lines */

  /* A command list: its lines, each NUL-terminated, in list[0 .. list_len); list_pos is the
   * next one to run and list_index the index of the one running. */
  list_state list_state;
  bool list_ok; /* command_list_ok_begin: "list_OK" after each command */
  char *list;
  size_t list_len, list_pos;
  int list_index;

  bool deferred;      /* its command's reply comes later (server_defer) */
  /* A client without a connection (server_run_local): its reply goes to local_fn. */
  bool local;
  server_local_fn local_fn;
  void *local_ctx;
  const char *deferred_cmd;

  bool idle;          /* parked in `idle` */
  unsigned idle_mask; /* the events it waits for */
  unsigned events;    /* events not yet reported to it */

  /* The command whose handler is running. */
  bool in_command, answered, overflow;
  reply_kind reply;
  const char *cmd_name;
  size_t reply_start; /* where its reply begins in out */

  int64_t last_active_ms;
};

struct server {
  int listen_fd;
  int lock_fd;  /* holds flock on PATH.lock while we live; -1 when activated */
  int spare_fd; /* a reserved fd, given up to accept-and-refuse when out of fds */
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  bool unlink_on_close;
  bool tcp;
  dev_t dev;
  ino_t ino;
  uid_t uid;
  server_config cfg;
  const protocol_dialect *dialect;
  int timeout_ms;
  int max_clients;
  server_client *clients[SERVER_MAX_CLIENTS];
  int n_clients;
  unsigned next_id;
  int depth; /* > 0 while dispatching: clients are only freed at depth 0 */
  bool emfile_logged;
};

/* ---------------------------------------------------------------- clients: output */

static size_t pending(const server_client *c)
{
  return c->out_len - c->out_off;
}

/* Marks c for closing; fmt (may be NULL for a peer that simply left) says why in the log. */
static void client_kill(server_client *c, log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void client_kill(server_client *c, log_level level, const char *fmt, ...)
{
  if(c->dead)
    return;
  if(fmt) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    log_msg(level, "client %u: %s", c->id, buf);
  }
  else
    log_msg(LVL_DEBUG, "client %u: disconnected", c->id);
  c->dead = true;
  c->idle = false;
}

/* Queues n bytes. Past SERVER_OUTPUT_MAX (or out of memory) a command's reply is marked as
 * overflowed, to be replaced when the handler returns; anything else kills the client, since
 * only a client that stopped reading can get there. */
static bool out_append(server_client *c, const char *data, size_t n)
{
  if(c->dead || (c->in_command && c->overflow))
    return false;
  if(pending(c) + n > SERVER_OUTPUT_MAX) {
    if(c->in_command)
      c->overflow = true;
    else
      client_kill(c, LVL_WARN, "output buffer full (%d bytes): dropping the client",
                  SERVER_OUTPUT_MAX);
    return false;
  }
  if(c->out_len + n > c->out_cap && c->out_off > 0) {
    memmove(c->out, c->out + c->out_off, pending(c));
    c->out_len -= c->out_off;
    if(c->in_command)
      c->reply_start -= c->out_off < c->reply_start ? c->out_off : c->reply_start;
    c->out_off = 0;
  }
  if(c->out_len + n > c->out_cap) {
    size_t cap = c->out_cap ? c->out_cap : OUTPUT_INITIAL;
    char *p;
    while(cap < c->out_len + n)
      cap *= 2;
    if(cap > SERVER_OUTPUT_MAX)
      cap = SERVER_OUTPUT_MAX;
    p = realloc(c->out, cap);
    if(!p) {
      if(c->in_command)
        c->overflow = true;
      else
        client_kill(c, LVL_ERROR, "out of memory for its output");
      return false;
    }
    c->out = p;
    c->out_cap = cap;
  }
  memcpy(c->out + c->out_len, data, n);
  c->out_len += n;
  return true;
}

static bool out_str(server_client *c, const char *s)
{
  return out_append(c, s, strlen(s));
}

/* A local client's reply, once complete, goes to its function; then the client is done. */
static void local_deliver(server_client *c)
{
  char reply[1024];
  size_t n = pending(c);
  while(n && c->out[c->out_off + n - 1] == '\n')
    n--;
  snprintf(reply, sizeof(reply), "%.*s", (int)n, n ? c->out + c->out_off : "");
  c->out_off = c->out_len = 0;
  c->dead = true;
  c->local_fn(c->local_ctx, reply);
}

/* Sends what the kernel takes now, never blocking. A running command's output is held back
 * until the handler returns, so that an overflowing reply can still be replaced whole. */
static void out_flush(server_client *c)
{
  if(c->local) {
    if(!c->dead && !c->in_command && !c->deferred && pending(c) > 0)
      local_deliver(c);
    return;
  }
  while(!c->dead && !c->in_command && pending(c) > 0) {
    ssize_t n = send(c->fd, c->out + c->out_off, pending(c), MSG_NOSIGNAL | MSG_DONTWAIT);
    if(n < 0) {
      if(errno == EINTR)
        continue;
      if(errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      client_kill(c, LVL_DEBUG, NULL); /* EPIPE, ECONNRESET: the peer is gone, nothing to report */
      return;
    }
    c->out_off += (size_t)n;
    c->last_active_ms = clock_ms_now();
  }
  if(!c->dead && pending(c) == 0) {
    c->out_off = c->out_len = 0;
    if(c->close_after_flush)
      client_kill(c, LVL_DEBUG, NULL);
  }
}

/* The index MPD's ACKs carry: the failing command's place in a list, else 0; -1 for a
 * dialect without it. */
static int ack_index(const server_client *c)
{
  if(!c->srv->dialect->list_index)
    return -1;
  return c->list_state == LIST_RUNNING ? c->list_index : 0;
}

/* Appends "ACK [code(@index)] {command} message". */
static void out_vack(server_client *c, int code, const char *command, const char *fmt,
                     va_list ap) __attribute__((format(printf, 4, 0)));
static void out_vack(server_client *c, int code, const char *command, const char *fmt,
                     va_list ap)
{
  char buf[1024];
  size_t n = protocol_vformat_ack_at(buf, sizeof(buf), code, ack_index(c), command, fmt, ap);
  out_append(c, buf, n);
  c->reply = REPLY_ACK;
}

/* An ACK that is not a handler's (syntax errors, limits), of a kind the dialect gives its
 * code to: the caller is between commands. */
static void send_ack(server_client *c, protocol_ack kind, const char *command, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
static void send_ack(server_client *c, protocol_ack kind, const char *command, const char *fmt,
                     ...)
{
  va_list ap;
  va_start(ap, fmt);
  out_vack(c, c->srv->dialect->code(kind), command, fmt, ap);
  va_end(ap);
}

/* "changed: NAME" for each event it waited for that happened, then OK; ends the idle. */
static void idle_answer(server_client *c)
{
  const protocol_dialect *dl = c->srv->dialect;
  unsigned hit = c->events & c->idle_mask;
  for(unsigned bit = 1; bit && bit <= dl->events; bit <<= 1) {
    const char *name = dl->event_name(bit);
    if((hit & bit) && name) {
      char line[64];
      snprintf(line, sizeof(line), "changed: %s\n", name);
      out_str(c, line);
    }
  }
  out_str(c, "OK\n");
  /* What it was told is reported; news it did not ask for waits for its next idle (as
   * MPD does), so a client that watches "player" now and "mixer" later misses nothing. */
  c->events &= ~hit;
  c->idle = false;
  c->last_active_ms = clock_ms_now();
}

/* ---------------------------------------------------------------- clients: the reply API */

static bool may_reply(server_client *c, const char *what)
{
  if(!c || c->dead)
    return false;
  if(!c->in_command) {
    log_msg(LVL_ERROR, "client %u: %s outside a command handler: ignored (bug)", c->id,
            what);
    return false;
  }
  if(c->answered) {
    log_msg(LVL_ERROR, "client %u: %s after the reply to \"%s\" was complete: ignored (bug)",
            c->id, what, c->cmd_name);
    return false;
  }
  return true;
}

/* Appends "key: value\n", control bytes made spaces; a line too long for the client's output
 * marks its reply as overflowed. */
static void append_kv(server_client *c, const char *key, const char *fmt, va_list ap)
{
  char small[512], *buf = small;
  size_t klen = strlen(key), vlen, n;
  va_list again;
  int k;
  va_copy(again, ap);
  k = vsnprintf(NULL, 0, fmt, ap);
  vlen = k < 0 ? 0 : (size_t)k;
  n = klen + 2 + vlen + 1;
  if(n > SERVER_OUTPUT_MAX) {
    c->overflow = true;
    va_end(again);
    return;
  }
  if(n + 1 > sizeof(small)) {
    buf = malloc(n + 1);
    if(!buf) {
      c->overflow = true;
      va_end(again);
      return;
    }
  }
  memcpy(buf, key, klen);
  memcpy(buf + klen, ": ", 2);
  vsnprintf(buf + klen + 2, vlen + 1, fmt, again);
  va_end(again);
  /* A newline inside would be read as a new reply line: key and value stay on one line. */
  for(size_t i = 0; i < n - 1; i++)
    if((unsigned char)buf[i] < 0x20 && buf[i] != '\t')
      buf[i] = ' ';
  buf[n - 1] = '\n';
  out_append(c, buf, n);
  if(buf != small)
    free(buf);
}

/* The OK that ends a successful answer; inside a command list, the list's own word. */
static void out_ok(server_client *c)
{
  if(c->list_state != LIST_RUNNING)
    out_str(c, "OK\n");
  c->reply = REPLY_OK;
}

void server_reply_kv(server_client *c, const char *key, const char *fmt, ...)
{
  va_list ap;
  if(!may_reply(c, "server_reply_kv") || !key || !fmt)
    return;
  va_start(ap, fmt);
  append_kv(c, key, fmt, ap);
  va_end(ap);
}

void server_reply_ok(server_client *c)
{
  if(!may_reply(c, "server_reply_ok"))
    return;
  out_ok(c);
  c->answered = true;
}

void server_reply_vack(server_client *c, int code, const char *command, const char *fmt,
                       va_list ap)
{
  if(!may_reply(c, "server_reply_ack"))
    return;
  out_vack(c, code, command ? command : c->cmd_name, fmt, ap);
  c->answered = true;
}

void server_reply_ack(server_client *c, int code, const char *command, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  server_reply_vack(c, code, command, fmt, ap);
  va_end(ap);
}

/* An ACK from a generic handler of this file, of a kind the dialect gives its code to. */
static void reply_kind_ack(server_client *c, protocol_ack kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reply_kind_ack(server_client *c, protocol_ack kind, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  server_reply_vack(c, c->srv->dialect->code(kind), NULL, fmt, ap);
  va_end(ap);
}

void server_client_idle(server_client *c, unsigned events)
{
  unsigned all = c ? c->srv->dialect->events : 0;
  if(!may_reply(c, "server_client_idle"))
    return;
  if(c->list_state == LIST_RUNNING) {
    /* Its answer would come after the list's, which the client is already reading. */
    reply_kind_ack(c, PROTOCOL_ACK_STATE, "idle is not allowed in a command list");
    return;
  }
  c->idle = true;
  c->idle_mask = events ? events & all : all;
  c->answered = true;
  c->reply = REPLY_IDLE;
  c->last_active_ms = clock_ms_now();
  if(c->events & c->idle_mask)
    idle_answer(c);
}

void server_command_idle(void *ctx, server_client *c, int argc, char **argv)
{
  const protocol_dialect *dl = c->srv->dialect;
  unsigned mask = 0;
  (void)ctx;
  for(int i = 1; i < argc; i++) {
    unsigned bit = dl->event_parse(argv[i]);
    if(!bit) {
      char known[256];
      size_t used = 0;
      known[0] = '\0';
      for(unsigned b = 1; b && b <= dl->events && used < sizeof(known); b <<= 1)
        if(dl->event_name(b))
          used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
                                   used ? " " : "", dl->event_name(b));
      reply_kind_ack(c, PROTOCOL_ACK_ARG, "unknown event \"%.64s\" (known: %s)", argv[i], known);
      return;
    }
    mask |= bit;
  }
  server_client_idle(c, mask);
}

void server_client_close(server_client *c)
{
  if(!c || c->dead || !c->in_command) {
    may_reply(c, "server_client_close"); /* logs the misuse */
    return;
  }
  c->close_after_flush = true;
  c->idle = false;
  c->answered = true;
}

void server_client_unlock(server_client *c)
{
  if(c)
    c->locked = false;
}


const char *server_client_peer(const server_client *c)
{
  return c ? c->peer : "";
}

/* ---------------------------------------------------------------- clients: input */

static void run_command(server_client *c, const protocol_command *cmd, int argc, char **argv)
{
  server *s = c->srv;
  c->in_command = true;
  c->answered = false;
  c->overflow = false;
  c->cmd_name = cmd->name;
  c->reply_start = c->out_len;
  cmd->handler(s->cfg.ctx, c, argc, argv);
  c->in_command = false;
  if(c->dead) {
    /* Killed meanwhile (e.g. its output could not be grown): nothing left to answer. */
  }
  else if(c->overflow) {
    /* Drop the partial reply and say why instead: a reply is whole or absent. */
    c->out_len = c->reply_start;
    c->idle = false;
    log_msg(LVL_WARN, "client %u: reply to \"%s\" exceeded %d bytes: answered ACK [%d]", c->id,
            cmd->name, SERVER_OUTPUT_MAX, s->dialect->code(PROTOCOL_ACK_LIMIT));
    send_ack(c, PROTOCOL_ACK_LIMIT, cmd->name, "reply too large (limit %d bytes)",
             SERVER_OUTPUT_MAX);
  }
  else if(!c->answered) {
    log_msg(LVL_ERROR, "client %u: handler for \"%s\" returned without a reply (bug)", c->id,
            cmd->name);
    send_ack(c, PROTOCOL_ACK_SYSTEM, cmd->name, "internal error: the command gave no reply");
  }
  c->cmd_name = NULL;
}

static void list_reset(server_client *c)
{
  free(c->list);
  c->list = NULL;
  c->list_len = c->list_pos = 0;
  c->list_index = 0;
  c->list_state = LIST_NONE;
}

/* A command list the server cannot go on with: the lines still to come could not be told
 * from commands sent alone, so the connection ends (MPD closes it too). */
static void list_give_up(server_client *c, protocol_ack kind, const char *why)
{
  list_reset(c);
  send_ack(c, kind, NULL, "%s: closing the connection", why);
  c->close_after_flush = true;
}

/* A line sent between command_list_begin and command_list_end. Kept with its newline, so
 * that a NUL byte in it is still seen (and refused) when it runs. */
static void list_collect(server_client *c, const char *line, size_t n)
{
  if(!strcmp(line, "command_list_end")) {
    c->list_state = LIST_RUNNING;
    c->list_pos = 0;
    c->list_index = 0;
    return;
  }
  if(!strcmp(line, "command_list_begin") || !strcmp(line, "command_list_ok_begin")) {
    list_give_up(c, PROTOCOL_ACK_ARG, "a command list cannot begin inside another");
    return;
  }
  if(c->list_len + n + 1 > SERVER_LIST_MAX) {
    char why[80];
    snprintf(why, sizeof(why), "command list too long (limit %d bytes)", SERVER_LIST_MAX);
    list_give_up(c, PROTOCOL_ACK_LIMIT, why);
    return;
  }
  /* Grown to fit, never beyond SERVER_LIST_MAX: a list costs what its lines do. */
  char *grown = realloc(c->list, c->list_len + n + 1);
  if(!grown) {
    list_give_up(c, PROTOCOL_ACK_SYSTEM, "out of memory for the command list");
    return;
  }
  c->list = grown;
  memcpy(c->list + c->list_len, line, n);
  c->list[c->list_len + n] = '\n';
  c->list_len += n + 1;
}

/* What a list does once one of its commands is answered: an ACK ends it; otherwise
 * "list_OK" (command_list_ok_begin) and on to the next. */
static void list_answered(server_client *c, reply_kind reply)
{
  if(c->list_state != LIST_RUNNING)
    return;
  if(reply == REPLY_ACK) {
    list_reset(c);
    return;
  }
  if(reply == REPLY_OK && c->list_ok)
    out_str(c, "list_OK\n");
  c->list_index++;
}

static bool is_open_command(const protocol_dialect *dl, const char *name)
{
  for(const char *const *p = dl->open_commands; p && *p; p++)
    if(!strcmp(*p, name))
      return true;
  return false;
}

bool server_client_may_send(const server_client *c, const char *command)
{
  return c && (!c->locked || is_open_command(c->srv->dialect, command));
}

/* One complete line, without its newline, NUL-terminated at line[n]. */
static void handle_line(server_client *c, char *line, size_t n)
{
  server *s = c->srv;
  char *argv[SERVER_ARGS_MAX], msg[256];
  const protocol_command *cmd;
  const char *why = "";
  int argc = 0;
  coach_rc rc;

  c->reply = REPLY_NONE;
  /* Trailing blanks and a CR (telnet, Windows netcat) are not part of the command. */
  while(n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
    line[--n] = '\0';

  if(c->idle) {
    if(!strcmp(line, "noidle") && strlen(line) == n) {
      c->idle = false;
      out_str(c, "OK\n");
      return;
    }
    send_ack(c, PROTOCOL_ACK_STATE, NULL,
             "only \"noidle\" is allowed while idle: closing the connection");
    c->idle = false;
    c->close_after_flush = true;
    return;
  }
  if(c->list_state == LIST_COLLECTING) {
    list_collect(c, line, n);
    return;
  }
  if(!protocol_check_line(line, n, &why)) {
    send_ack(c, PROTOCOL_ACK_ARG, NULL, "%s", why);
    return;
  }
  if(!strcmp(line, "noidle"))
    return; /* not idle (any more): the idle answer already went out, as in MPD */
  if(s->dialect->command_lists &&
     (!strcmp(line, "command_list_begin") || !strcmp(line, "command_list_ok_begin"))) {
    c->list_state = LIST_COLLECTING;
    c->list_ok = !strcmp(line, "command_list_ok_begin");
    return;
  }

  rc = protocol_split(line, argv, SERVER_ARGS_MAX, &argc, &why);
  if(rc == COACH_E_INVALID) {
    send_ack(c, PROTOCOL_ACK_ARG, NULL, "%s", why);
    return;
  }
  if(argc == 0) {
    send_ack(c, PROTOCOL_ACK_UNKNOWN, NULL, "empty line: no command given");
    return;
  }
  cmd = protocol_command_lookup(s->cfg.commands, s->cfg.n_commands, argv[0]);
  if(!cmd) {
    send_ack(c, PROTOCOL_ACK_UNKNOWN, NULL, "unknown command \"%.64s\"", argv[0]);
    return;
  }
  if(!server_client_may_send(c, cmd->name)) {
    send_ack(c, PROTOCOL_ACK_PERMISSION, cmd->name, "you don't have permission for \"%s\"",
             cmd->name);
    return;
  }
  if(rc == COACH_E_LIMIT) {
    send_ack(c, PROTOCOL_ACK_ARG_COUNT, cmd->name,
             "too many arguments for \"%s\" (at most %d words in a line)", cmd->name,
             SERVER_ARGS_MAX);
    return;
  }
  if(!protocol_check_args(cmd, argc - 1, msg, sizeof(msg))) {
    send_ack(c, PROTOCOL_ACK_ARG_COUNT, cmd->name, "%s", msg);
    return;
  }
  if(!cmd->handler) {
    send_ack(c, PROTOCOL_ACK_SYSTEM, cmd->name, "no handler for this command (a bug in coachd)");
    return;
  }
  run_command(c, cmd, argc, argv);
}

/* Runs the next command of a running list, or ends the list with its OK. */
static void list_step(server_client *c)
{
  char *p, *nl;
  size_t n;
  if(c->list_pos >= c->list_len) {
    list_reset(c);
    out_str(c, "OK\n");
    return;
  }
  p = c->list + c->list_pos;
  nl = memchr(p, '\n', c->list_len - c->list_pos);
  n = (size_t)(nl - p);
  *nl = '\0';
  c->list_pos += n + 1;
  handle_line(c, p, n);
  if(c->reply != REPLY_DEFERRED)
    list_answered(c, c->reply);
}

static bool has_line(const server_client *c)
{
  return c->in_len > 0 && memchr(c->in + c->in_start, '\n', c->in_len);
}

/* Something to run without reading more: a whole line, or a running command list. */
static bool has_work(const server_client *c)
{
  return c->list_state == LIST_RUNNING || has_line(c);
}

/* Executes buffered lines while the client's output is all sent: backpressure. A running
 * command list goes first: its commands were sent before anything still buffered. */
static void process_input(server_client *c)
{
  while(!c->dead && !c->close_after_flush && pending(c) == 0 && !c->deferred) {
    char *p = c->in + c->in_start;
    char *nl = c->in_len ? memchr(p, '\n', c->in_len) : NULL;
    size_t n;
    if(c->list_state == LIST_RUNNING) {
      list_step(c);
      out_flush(c);
      continue;
    }
    if(c->discarding) {
      if(!nl) {
        c->in_start = c->in_len = 0;
        break;
      }
      n = (size_t)(nl - p) + 1;
      c->in_start += n;
      c->in_len -= n;
      c->discarding = false;
      continue;
    }
    if(!nl) {
      if(c->in_len == SERVER_LINE_MAX) {
        /* Answered now, at the limit, rather than at the newline that may never come. */
        send_ack(c, PROTOCOL_ACK_LINE_TOO_LONG, NULL, "line too long (limit %d bytes)",
                 SERVER_LINE_MAX - 1);
        c->in_start = c->in_len = 0;
        c->discarding = true;
        /* Like any other line during idle, an error and goodbye; in a list being collected,
         * the lines after it could not be told from commands sent alone. */
        if(c->idle || c->list_state == LIST_COLLECTING) {
          c->idle = false;
          list_reset(c);
          c->close_after_flush = true;
        }
        out_flush(c);
        continue;
      }
      break;
    }
    *nl = '\0';
    n = (size_t)(nl - p);
    c->in_start += n + 1;
    c->in_len -= n + 1;
    handle_line(c, p, n);
    out_flush(c);
  }
  if(c->in_len == 0)
    c->in_start = 0;
  if(c->eof && !c->dead && !has_work(c)) {
    /* The peer will send no more: a last line without newline is dropped, and the client
     * goes once its replies are out (an idle one may still be waiting for its answer, a
     * deferred one for its reply). */
    c->in_start = c->in_len = 0;
    if(!c->idle && !c->deferred) {
      c->close_after_flush = true;
      out_flush(c);
    }
  }
}

static void read_input(server_client *c)
{
  ssize_t n;
  if(c->in_start > 0) {
    memmove(c->in, c->in + c->in_start, c->in_len);
    c->in_start = 0;
  }
  if(c->in_len == SERVER_LINE_MAX)
    return; /* cannot happen: a full buffer is always processed first */
  do
    n = recv(c->fd, c->in + c->in_len, SERVER_LINE_MAX - c->in_len, MSG_DONTWAIT);
  while(n < 0 && errno == EINTR);
  if(n < 0) {
    if(errno != EAGAIN && errno != EWOULDBLOCK)
      client_kill(c, LVL_DEBUG, NULL); /* ECONNRESET: the peer is gone */
    return;
  }
  if(n == 0)
    c->eof = true;
  else {
    c->in_len += (size_t)n;
    c->last_active_ms = clock_ms_now();
  }
  process_input(c);
}

/* ---------------------------------------------------------------- the client list */

static void client_free(server_client *c)
{
  close(c->fd);
  free(c->out);
  free(c->list);
  free(c);
}

static void reap(server *s)
{
  int j = 0;
  if(s->depth > 0)
    return;
  for(int i = 0; i < s->n_clients; i++) {
    server_client *c = s->clients[i];
    if(c->dead)
      client_free(c);
    else
      s->clients[j++] = c;
  }
  s->n_clients = j;
}

static server_client *find_client(server *s, int fd)
{
  for(int i = 0; i < s->n_clients; i++)
    if(s->clients[i]->fd == fd)
      return s->clients[i];
  return NULL;
}

/* Best effort, for a connection about to be closed: it gets one line if its buffer has room. */
static void refuse(server *s, int fd, protocol_ack kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void refuse(server *s, int fd, protocol_ack kind, const char *fmt, ...)
{
  char buf[256];
  va_list ap;
  size_t n;
  ssize_t ignored;
  va_start(ap, fmt);
  n = protocol_vformat_ack_at(buf, sizeof(buf), s->dialect->code(kind),
                              s->dialect->list_index ? 0 : -1, NULL, fmt, ap);
  va_end(ap);
  ignored = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)ignored;
  close(fd);
}

/* "ADDRESS:PORT" ("[ADDRESS]:PORT" for IPv6) of an IP socket address. */
static void format_ip(const struct sockaddr_storage *ss, char *buf, size_t len)
{
  char host[INET6_ADDRSTRLEN] = "?";
  if(ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    snprintf(buf, len, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
  }
  else {
    const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
    snprintf(buf, len, "%s:%u", host, (unsigned)ntohs(in4->sin_port));
  }
}

/* Who connected: over UNIX, its pid after the uid check (false: refused); over TCP, its
 * address, with Nagle's delay off (replies are whole lines, sent as they are made). */
static bool identify_peer(server *s, int fd, char *peer, size_t len)
{
  if(s->tcp) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int one = 1;
    memset(&ss, 0, sizeof(ss));
    if(getpeername(fd, (struct sockaddr *)&ss, &sl) < 0) {
      log_msg(LVL_DEBUG, "a connection left before it was accepted: %s", strerror(errno));
      close(fd);
      return false;
    }
    format_ip(&ss, peer, len);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
  }
  struct ucred cred;
  socklen_t cl = sizeof(cred);
  /* The socket's 0600 mode is the first fence; the peer's credentials are the one that
   * holds whatever the directory or an activating service manager did. */
  if(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
    log_msg(LVL_WARN, "refused a connection: cannot read its credentials: %s", strerror(errno));
    close(fd);
    return false;
  }
  if(cred.uid != s->uid) {
    log_msg(LVL_WARN, "refused connection from uid %u (pid %d): only uid %u may connect",
            (unsigned)cred.uid, (int)cred.pid, (unsigned)s->uid);
    refuse(s, fd, PROTOCOL_ACK_PERMISSION, "permission denied: not the owner of this coachd");
    return false;
  }
  snprintf(peer, len, "pid %d", (int)cred.pid);
  return true;
}

static void accept_one(server *s, int fd)
{
  char peer[64];
  server_client *c;

  if(!identify_peer(s, fd, peer, sizeof(peer)))
    return;
  if(s->n_clients >= s->max_clients) {
    log_msg(LVL_WARN, "refused connection from %s: too many clients (limit %d)", peer,
            s->max_clients);
    refuse(s, fd, PROTOCOL_ACK_LIMIT, "too many clients (limit %d)", s->max_clients);
    return;
  }
  c = calloc(1, sizeof(*c));
  if(!c) {
    log_msg(LVL_ERROR, "refused connection from %s: out of memory", peer);
    refuse(s, fd, PROTOCOL_ACK_SYSTEM, "out of memory");
    return;
  }
  c->srv = s;
  c->fd = fd;
  c->id = ++s->next_id;
  c->last_active_ms = clock_ms_now();
  c->locked = s->tcp && s->cfg.password_over_tcp;
  snprintf(c->peer, sizeof(c->peer), "%s", peer);
  s->clients[s->n_clients++] = c;
  log_msg(LVL_DEBUG, "%s client %u: connected (%s)", s->dialect->name, c->id, peer);
  out_str(c, s->dialect->greeting);
  out_flush(c);
}

static void accept_clients(server *s)
{
  for(int k = 0; k < ACCEPT_PER_ROUND; k++) {
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if(fd >= 0) {
      s->emfile_logged = false;
      accept_one(s, fd);
      continue;
    }
    switch(errno) {
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
      continue;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
      return;
    case EMFILE:
    case ENFILE:
      /* The pending connection would keep the listener readable and poll() spinning: give
       * up the spare fd to accept it and say why, then take the spare back. */
      if(!s->emfile_logged)
        log_msg(LVL_ERROR, "out of file descriptors: refusing new connections until some close");
      s->emfile_logged = true;
      if(s->spare_fd >= 0) {
        close(s->spare_fd);
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if(fd >= 0)
          refuse(s, fd, PROTOCOL_ACK_SYSTEM, "coachd is out of file descriptors");
        s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      }
      return;
    default:
      log_msg(LVL_ERROR, "accept on %s failed: %s", s->path, strerror(errno));
      return;
    }
  }
}

/* ---------------------------------------------------------------- local commands */

coach_rc server_run_local(server *s, const char *line, server_local_fn fn, void *ctx)
{
  char text[SERVER_LINE_MAX];
  size_t n = strlen(line);
  server_client *c;
  if(n >= sizeof(text)) {
    fn(ctx, "ACK [8] {} line too long");
    return COACH_E_LIMIT;
  }
  if(s->n_clients >= SERVER_MAX_CLIENTS || !(c = calloc(1, sizeof(*c)))) {
    fn(ctx, "ACK [7] {} too many clients");
    return COACH_E_LIMIT;
  }
  memcpy(text, line, n + 1);
  c->srv = s;
  c->fd = -1;
  c->local = true;
  c->local_fn = fn;
  c->local_ctx = ctx;
  c->id = ++s->next_id;
  c->last_active_ms = clock_ms_now();
  s->clients[s->n_clients++] = c;
  s->depth++;
  handle_line(c, text, n);
  if(c->idle) { /* parked in `idle`: nobody would ever read the answer */
    c->idle = false;
    send_ack(c, PROTOCOL_ACK_STATE, "idle", "idle is for connections");
  }
  out_flush(c); /* answered now, or later once a deferred reply is finished */
  s->depth--;
  reap(s);
  return COACH_OK;
}

/* ---------------------------------------------------------------- deferred replies */

server_ticket server_defer(server_client *c)
{
  if(!may_reply(c, "server_defer"))
    return 0;
  c->deferred = true;
  c->deferred_cmd = c->cmd_name;
  c->answered = true;
  c->reply = REPLY_DEFERRED;
  return c->id;
}

static server_client *deferred_client(server *s, server_ticket t)
{
  for(int i = 0; i < s->n_clients; i++) {
    server_client *c = s->clients[i];
    if(c->id == t)
      return c->dead || !c->deferred ? NULL : c;
  }
  return NULL; /* gone: nobody to answer */
}

/* The deferred command of c is answered (its reply is written, c->reply says how). */
static void finish(server *s, server_client *c)
{
  c->deferred = false;
  c->last_active_ms = clock_ms_now();
  if(c->in_command)
    return; /* answered from inside its own handler: the server goes on when it returns */
  list_answered(c, c->reply);
  out_flush(c);
  s->depth++;
  process_input(c); /* the lines (or the list's commands) that waited behind it */
  s->depth--;
  reap(s);
}

void server_finish_kv(server *s, server_ticket t, const char *key, const char *fmt, ...)
{
  server_client *c = deferred_client(s, t);
  va_list ap;
  if(!c || !key || !fmt)
    return;
  va_start(ap, fmt);
  append_kv(c, key, fmt, ap);
  va_end(ap);
}

void server_finish_ok(server *s, server_ticket t)
{
  server_client *c = deferred_client(s, t);
  if(!c)
    return;
  out_ok(c);
  finish(s, c);
}

void server_finish_ack(server *s, server_ticket t, int code, const char *fmt, ...)
{
  server_client *c = deferred_client(s, t);
  va_list ap;
  if(!c)
    return;
  va_start(ap, fmt);
  out_vack(c, code, c->deferred_cmd, fmt, ap);
  va_end(ap);
  finish(s, c);
}

/* ---------------------------------------------------------------- the loop */

int server_pollfds(server *s, struct pollfd *fds, int max)
{
  int n = 0;
  if(max < 1)
    return 0;
  fds[n].fd = s->listen_fd;
  fds[n].events = POLLIN;
  fds[n].revents = 0;
  n++;
  for(int i = 0; i < s->n_clients && n < max; i++) {
    server_client *c = s->clients[i];
    short ev = 0;
    if(c->dead || c->local)
      continue;
    if(pending(c) > 0)
      ev = POLLOUT;
    else if(!c->eof && !c->close_after_flush && !c->deferred && !has_work(c))
      ev = POLLIN;
    /* Even with no events, poll() reports POLLHUP and POLLERR: a vanished peer is seen. */
    fds[n].fd = c->fd;
    fds[n].events = ev;
    fds[n].revents = 0;
    n++;
  }
  return n;
}

static bool timeout_exempt(const server_client *c)
{
  return (c->idle || c->deferred) && pending(c) == 0;
}

int server_timeout_ms(const server *s)
{
  int64_t now = clock_ms_now(), best = -1;
  for(int i = 0; i < s->n_clients; i++) {
    const server_client *c = s->clients[i];
    int64_t left;
    if(c->dead)
      return 0;
    if(pending(c) == 0 && !c->close_after_flush && !c->deferred && has_work(c))
      return 0;
    if(timeout_exempt(c))
      continue;
    left = c->last_active_ms + s->timeout_ms - now;
    if(left < 0)
      left = 0;
    if(best < 0 || left < best)
      best = left;
  }
  return best > INT_MAX ? INT_MAX : (int)best;
}

void server_dispatch(server *s, const struct pollfd *fds, int n)
{
  bool listener = false;
  int64_t now;

  if(s->depth > 0) {
    log_msg(LVL_ERROR, "server_dispatch called from a handler: ignored (bug)");
    return;
  }
  s->depth++;
  for(int i = 0; i < n; i++) {
    short re = fds[i].revents;
    server_client *c;
    if(!re)
      continue;
    if(fds[i].fd == s->listen_fd) {
      listener = (re & POLLIN) != 0;
      continue;
    }
    /* Looked up by fd: clients closed since server_pollfds() are simply not found, and no
     * fd is reused before the accepts at the very end. */
    c = find_client(s, fds[i].fd);
    if(!c || c->dead)
      continue;
    if(re & POLLNVAL) {
      client_kill(c, LVL_ERROR, "socket became invalid");
      continue;
    }
    if(pending(c) > 0 && (re & (POLLOUT | POLLHUP | POLLERR)))
      out_flush(c);
    if(c->dead)
      continue;
    if(pending(c) == 0 && !c->eof && !c->close_after_flush && (re & (POLLIN | POLLHUP | POLLERR)))
      read_input(c);
    else if((re & POLLERR) || ((re & POLLHUP) && c->eof))
      client_kill(c, LVL_DEBUG, NULL);
  }
  /* Lines left waiting by backpressure run once output has drained; then the timeouts. */
  now = clock_ms_now();
  for(int i = 0; i < s->n_clients; i++) {
    server_client *c = s->clients[i];
    if(c->dead)
      continue;
    process_input(c);
    if(!c->dead && !timeout_exempt(c) && now - c->last_active_ms >= s->timeout_ms)
      client_kill(c, LVL_INFO, "closed after %.1f s without activity", s->timeout_ms / 1000.0);
  }
  s->depth--;
  reap(s);
  if(listener)
    accept_clients(s);
}

coach_rc server_run_once(server *s, int timeout_ms)
{
  struct pollfd fds[SERVER_POLLFDS_MAX];
  int n = server_pollfds(s, fds, SERVER_POLLFDS_MAX);
  int t = server_timeout_ms(s);
  if(t >= 0 && (timeout_ms < 0 || t < timeout_ms))
    timeout_ms = t;
  if(poll(fds, (nfds_t)n, timeout_ms) < 0) {
    if(errno != EINTR)
      return COACH_E_IO;
    n = 0;
  }
  server_dispatch(s, fds, n);
  return COACH_OK;
}

void server_notify(server *s, unsigned events)
{
  events &= s->dialect->events;
  if(!events)
    return;
  for(int i = 0; i < s->n_clients; i++) {
    server_client *c = s->clients[i];
    if(c->dead)
      continue;
    c->events |= events;
    if(c->idle && (c->events & c->idle_mask)) {
      idle_answer(c);
      out_flush(c);
    }
  }
  reap(s);
}

/* ---------------------------------------------------------------- opening and closing */

static bool config_ok(const server_config *cfg, char *why, size_t why_len)
{
  const char *reason;
  if(!cfg || (!cfg->commands && cfg->n_commands)) {
    coach_why(why, why_len, "no command table given");
    return false;
  }
  if(!protocol_table_check(cfg->commands, cfg->n_commands, &reason)) {
    coach_why(why, why_len, "command table: %s", reason);
    return false;
  }
  if(cfg->dialect && (!cfg->dialect->greeting || !cfg->dialect->code ||
                      !cfg->dialect->event_name || !cfg->dialect->event_parse)) {
    coach_why(why, why_len, "the %s dialect is incomplete", cfg->dialect->name);
    return false;
  }
  return true;
}

static coach_rc server_new(server **out, int listen_fd, const server_config *cfg)
{
  server *s = calloc(1, sizeof(*s));
  if(!s)
    return COACH_E_NOMEM;
  s->listen_fd = listen_fd;
  s->lock_fd = -1;
  s->uid = geteuid();
  s->cfg = *cfg;
  s->dialect = cfg->dialect ? cfg->dialect : &protocol_dialect_coach;
  s->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : SERVER_CLIENT_TIMEOUT_MS;
  s->max_clients = cfg->max_clients > 0 && cfg->max_clients < SERVER_MAX_CLIENTS
                       ? cfg->max_clients
                       : SERVER_MAX_CLIENTS;
  s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  *out = s;
  return COACH_OK;
}

/* The socket's directory: made 0700 when missing, refused when others could swap the socket
 * under us. An existing directory's mode is never changed: it may be the user's own choice
 * (COACH_SOCKET=$HOME/coach.sock) and the peer check guards the socket anyway. */
static coach_rc prepare_dir(const char *path, char *why, size_t why_len)
{
  char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
  const char *slash = strrchr(path, '/');
  struct stat st;
  if(!slash)
    snprintf(dir, sizeof(dir), ".");
  else if(slash == path)
    snprintf(dir, sizeof(dir), "/");
  else
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);

  if(mkdir(dir, 0700) == 0) {
    if(chmod(dir, 0700) < 0) { /* the umask may have taken even our own bits */
      coach_why(why, why_len, "cannot set the mode of %s: %s", dir, strerror(errno));
      return COACH_E_IO;
    }
    return COACH_OK;
  }
  if(errno != EEXIST) {
    coach_why(why, why_len, "cannot create the socket directory %s: %s", dir, strerror(errno));
    return COACH_E_IO;
  }
  if(stat(dir, &st) < 0) {
    coach_why(why, why_len, "cannot inspect the socket directory %s: %s", dir, strerror(errno));
    return COACH_E_IO;
  }
  if(!S_ISDIR(st.st_mode)) {
    coach_why(why, why_len, "%s is not a directory", dir);
    return COACH_E_INVALID;
  }
  if(!(st.st_mode & S_ISVTX)) {
    if(st.st_uid != geteuid()) {
      coach_why(why, why_len, "the socket directory %s belongs to uid %u, not to uid %u", dir,
              (unsigned)st.st_uid, (unsigned)geteuid());
      return COACH_E_INVALID;
    }
    if(st.st_mode & (S_IWGRP | S_IWOTH)) {
      coach_why(why, why_len, "the socket directory %s is writable by other users (mode %04o);"
              " make it 0700", dir, (unsigned)(st.st_mode & 07777));
      return COACH_E_INVALID;
    }
  }
  return COACH_OK;
}

static void fill_addr(struct sockaddr_un *sa, const char *path)
{
  memset(sa, 0, sizeof(*sa));
  sa->sun_family = AF_UNIX;
  memcpy(sa->sun_path, path, strlen(path) + 1);
}

/* Is a daemon answering at path? Removes the file a crashed one left behind. */
static coach_rc clear_stale(const char *path, char *why, size_t why_len)
{
  struct sockaddr_un sa;
  struct stat st;
  int fd, r;
  if(lstat(path, &st) < 0) {
    if(errno == ENOENT)
      return COACH_OK;
    coach_why(why, why_len, "cannot inspect %s: %s", path, strerror(errno));
    return COACH_E_IO;
  }
  if(!S_ISSOCK(st.st_mode)) {
    coach_why(why, why_len, "%s exists and is not a socket: not touching it", path);
    return COACH_E_INVALID;
  }
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if(fd < 0) {
    coach_why(why, why_len, "socket: %s", strerror(errno));
    return COACH_E_IO;
  }
  fill_addr(&sa, path);
  do
    r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
  while(r < 0 && errno == EINTR);
  /* Non-blocking, so a live daemon with a full backlog answers EAGAIN instead of hanging us. */
  if(r == 0 || errno == EAGAIN || errno == EINPROGRESS) {
    close(fd);
    coach_why(why, why_len, "another coachd is already listening on %s", path);
    return COACH_E_STATE;
  }
  if(errno != ECONNREFUSED) {
    coach_why(why, why_len, "cannot probe %s: %s", path, strerror(errno));
    close(fd);
    return COACH_E_IO;
  }
  close(fd);
  if(unlink(path) < 0 && errno != ENOENT) {
    coach_why(why, why_len, "cannot remove the stale socket %s: %s", path, strerror(errno));
    return COACH_E_IO;
  }
  return COACH_OK;
}

coach_rc server_open(server **out, const char *path, const server_config *cfg, char *why,
                     size_t why_len)
{
  char lock_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 8];
  struct sockaddr_un sa;
  struct stat st;
  server *s;
  coach_rc rc;
  mode_t old_mask;
  int fd, lock_fd, r;

  if(!config_ok(cfg, why, why_len))
    return COACH_E_INVALID;
  if(!path || !*path) {
    coach_why(why, why_len, "no socket path given");
    return COACH_E_INVALID;
  }
  if(strlen(path) >= sizeof(sa.sun_path)) {
    coach_why(why, why_len, "socket path too long (%zu bytes, limit %zu): %s", strlen(path),
            sizeof(sa.sun_path) - 1, path);
    return COACH_E_LIMIT;
  }
  rc = prepare_dir(path, why, why_len);
  if(rc != COACH_OK)
    return rc;

  /* Two daemons starting at once would both find the old socket stale and race to replace
   * it; the lock makes the check-and-bind below atomic. It is never unlinked: removing a
   * lock file others may hold open reopens the race it closes. */
  snprintf(lock_path, sizeof(lock_path), "%s.lock", path);
  lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if(lock_fd < 0) {
    coach_why(why, why_len, "cannot open the lock file %s: %s", lock_path, strerror(errno));
    return COACH_E_IO;
  }
  if(flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
    int e = errno;
    close(lock_fd);
    if(e == EWOULDBLOCK) {
      coach_why(why, why_len, "another coachd is already listening on %s", path);
      return COACH_E_STATE;
    }
    coach_why(why, why_len, "cannot lock %s: %s", lock_path, strerror(e));
    return COACH_E_IO;
  }

  rc = clear_stale(path, why, why_len);
  if(rc != COACH_OK) {
    close(lock_fd);
    return rc;
  }

  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if(fd < 0) {
    coach_why(why, why_len, "socket: %s", strerror(errno));
    close(lock_fd);
    return COACH_E_IO;
  }
  fill_addr(&sa, path);
  /* The umask makes the socket 0600 from its first instant; chmod alone would leave a
   * window in which anyone could connect. */
  old_mask = umask(0177);
  r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
  umask(old_mask);
  if(r < 0) {
    coach_why(why, why_len, "cannot bind %s: %s", path, strerror(errno));
    rc = errno == EADDRINUSE ? COACH_E_STATE : COACH_E_IO;
    close(fd);
    close(lock_fd);
    return rc;
  }
  if(chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0 || stat(path, &st) < 0) {
    coach_why(why, why_len, "cannot listen on %s: %s", path, strerror(errno));
    unlink(path);
    close(fd);
    close(lock_fd);
    return COACH_E_IO;
  }

  rc = server_new(&s, fd, cfg);
  if(rc != COACH_OK) {
    coach_why(why, why_len, "out of memory");
    unlink(path);
    close(fd);
    close(lock_fd);
    return rc;
  }
  s->lock_fd = lock_fd;
  snprintf(s->path, sizeof(s->path), "%s", path);
  s->unlink_on_close = true;
  s->dev = st.st_dev;
  s->ino = st.st_ino;
  *out = s;
  return COACH_OK;
}

coach_rc server_open_tcp(server **out, const struct sockaddr *sa, socklen_t sa_len,
                         const server_config *cfg, char *why, size_t why_len)
{
  struct sockaddr_storage ss;
  socklen_t sl;
  char where[sizeof(((server *)0)->path)];
  server *s;
  coach_rc rc;
  int fd, one = 1;

  if(!config_ok(cfg, why, why_len))
    return COACH_E_INVALID;
  if(!sa || sa_len > sizeof(ss) || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) {
    coach_why(why, why_len, "not an IPv4 or IPv6 address");
    return COACH_E_INVALID;
  }
  memset(&ss, 0, sizeof(ss));
  memcpy(&ss, sa, sa_len);
  format_ip(&ss, where, sizeof(where));
  sl = sizeof(ss);
  fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if(fd < 0) {
    /* What systemd's RestrictAddressFamilies= (coachd.service) does to an IP socket. */
    bool sandboxed = errno == EAFNOSUPPORT || errno == EPERM || errno == EACCES;
    coach_why(why, why_len, "cannot listen on %s: %s%s", where, strerror(errno),
              sandboxed ? " (a sandbox forbids the network to this process: under systemd, "
                          "allow AF_INET and AF_INET6 in a drop-in)"
                        : "");
    return COACH_E_IO;
  }
  /* A restarted coachd must not wait out the old connections' TIME_WAIT for its port. */
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if(sa->sa_family == AF_INET6) /* [::] means IPv6 only; 0.0.0.0 is the IPv4 one */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if(bind(fd, sa, sa_len) < 0 || listen(fd, SOMAXCONN) < 0) {
    int e = errno;
    if(e == EADDRINUSE)
      coach_why(why, why_len, "%s is in use by another program", where);
    else
      coach_why(why, why_len, "cannot listen on %s: %s", where, strerror(e));
    close(fd);
    return e == EADDRINUSE ? COACH_E_STATE : COACH_E_IO;
  }
  if(getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) /* port 0: the one the system chose */
    format_ip(&ss, where, sizeof(where));
  rc = server_new(&s, fd, cfg);
  if(rc != COACH_OK) {
    coach_why(why, why_len, "out of memory");
    close(fd);
    return rc;
  }
  s->tcp = true;
  snprintf(s->path, sizeof(s->path), "%s", where);
  *out = s;
  return COACH_OK;
}

coach_rc server_open_activated(server **out, const server_config *cfg, char *why,
                               size_t why_len)
{
  struct sockaddr_un sa;
  socklen_t len;
  int n, fd = SD_LISTEN_FDS_START, v, flags;
  server *s;
  coach_rc rc;

  if(!config_ok(cfg, why, why_len))
    return COACH_E_INVALID;
  n = sdnotify_listen_fds();
  if(n == 0) {
    coach_why(why, why_len, "not socket-activated");
    return COACH_E_NOTFOUND;
  }
  for(int extra = fd + 1; extra < fd + n; extra++) {
    log_msg(LVL_WARN, "ignoring extra activated socket (fd %d): coachd listens on one", extra);
    close(extra);
  }
  len = sizeof(v);
  if(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 || v != AF_UNIX) {
    coach_why(why, why_len, "the activated fd %d is not a UNIX socket", fd);
    return COACH_E_INVALID;
  }
  len = sizeof(v);
  if(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) < 0 || v != SOCK_STREAM) {
    coach_why(why, why_len, "the activated fd %d is not a stream socket", fd);
    return COACH_E_INVALID;
  }
  len = sizeof(v);
  if(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0 || !v) {
    coach_why(why, why_len, "the activated fd %d is not listening", fd);
    return COACH_E_INVALID;
  }
  /* accept() must never block the loop if a connection vanishes between poll and accept. */
  flags = fcntl(fd, F_GETFL);
  if(flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    coach_why(why, why_len, "cannot make fd %d non-blocking: %s", fd, strerror(errno));
    return COACH_E_IO;
  }
  rc = server_new(&s, fd, cfg);
  if(rc != COACH_OK) {
    coach_why(why, why_len, "out of memory");
    return rc;
  }
  len = sizeof(sa);
  memset(&sa, 0, sizeof(sa));
  if(getsockname(fd, (struct sockaddr *)&sa, &len) == 0 && sa.sun_path[0])
    snprintf(s->path, sizeof(s->path), "%.*s", (int)sizeof(sa.sun_path), sa.sun_path);
  else
    snprintf(s->path, sizeof(s->path), "(activated fd %d)", fd);
  *out = s;
  return COACH_OK;
}

void server_close(server *s)
{
  struct stat st;
  if(!s)
    return;
  for(int i = 0; i < s->n_clients; i++)
    client_free(s->clients[i]);
  s->n_clients = 0;
  /* Only our own socket file: a newer daemon may have replaced it since. */
  if(s->unlink_on_close && lstat(s->path, &st) == 0 && st.st_dev == s->dev &&
     st.st_ino == s->ino)
    unlink(s->path);
  close(s->listen_fd);
  if(s->lock_fd >= 0)
    close(s->lock_fd);
  if(s->spare_fd >= 0)
    close(s->spare_fd);
  free(s);
}

const char *server_path(const server *s)
{
  return s->path;
}

int server_client_count(const server *s)
{
  int n = 0;
  for(int i = 0; i < s->n_clients; i++)
    n += !s->clients[i]->dead;
  return n;
}
