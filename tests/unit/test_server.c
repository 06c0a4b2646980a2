/* The control socket server, in-process on a private socket: the protocol as clients see it,
 * every documented bound, and hostile input. Single-threaded: the test's clients use
 * non-blocking sockets and turn the server's loop by hand while they wait.
 *
 * server.c, sdnotify.c and log.c live in the coachd executable, not in a library, so they
 * are compiled into this test directly (protocol.c comes from coach_core). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/daemon/log.c"
#include "../../src/daemon/sdnotify.c"
#include "../../src/daemon/server.c"
#include "check.h"
#include "mpd_protocol.h"

#define WAIT_MS 5000
#define BIG_VALUE 1000

static server *srv;

/* ------------------------------------------------------------ sample command table */

static void cmd_ok(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_ok(c);
}

static void cmd_echo(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx;
  for(int i = 1; i < argc; i++)
    server_reply_kv(c, "arg", "%s", argv[i]);
  server_reply_ok(c);
}

static void cmd_big(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_kv(c, "data", "%0*d", BIG_VALUE, 7);
  server_reply_ok(c);
}

static void cmd_huge(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  for(int i = 0; i < 100; i++)
    server_reply_kv(c, "data", "%01000d", i);
  server_reply_ok(c);
}

static void cmd_noreply(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)c, (void)argc, (void)argv;
}

static void cmd_notify(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_notify(srv, PROTOCOL_EVENT_PLAYER);
  server_reply_ok(c);
  server_reply_ok(c); /* a second answer is dropped (and logged) */
}

/* A command whose reply comes later, from the test (server_finish_*). */
static server_ticket later_ticket;

static void cmd_later(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  later_ticket = server_defer(c);
}

static void cmd_newline(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_reply_kv(c, "text", "two\nlines");
  server_reply_ack(c, PROTOCOL_ACK_STATE, NULL, "bad\nthing");
}

static const protocol_command commands[] = {
    {"big", 0, 0, cmd_big},
    {"echo", 0, PROTOCOL_ARGS_ANY, cmd_echo},
    {"huge", 0, 0, cmd_huge},
    {"idle", 0, PROTOCOL_ARGS_ANY, server_command_idle},
    {"later", 0, 0, cmd_later},
    {"newline", 0, 0, cmd_newline},
    {"noreply", 0, 0, cmd_noreply},
    {"notify", 0, 0, cmd_notify},
    {"ping", 0, 0, cmd_ok},
    {"start", 1, 2, cmd_ok},
};
static const server_config config = {.commands = commands,
                                     .n_commands = sizeof(commands) / sizeof(commands[0])};

/* ------------------------------------------------------------ a test client */

typedef struct conn {
  int fd;
  char buf[1 << 16];
  size_t len;
  bool eof;
} conn;

static int64_t ms_now(void)
{
  return clock_ms_now();
}

static void pump(void)
{
  if(srv)
    server_run_once(srv, 1);
}

static void pump_for(int ms)
{
  int64_t end = ms_now() + ms;
  while(ms_now() < end)
    pump();
}

/* A non-blocking connection to sa (what names it in a message). */
static conn *conn_connect(const struct sockaddr *sa, socklen_t len, const char *what)
{
  conn *c = calloc(1, sizeof(*c));
  c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if(connect(c->fd, sa, len) < 0) {
    fprintf(stderr, "connect %s: %s\n", what, strerror(errno));
    close(c->fd);
    free(c);
    return NULL;
  }
  fcntl(c->fd, F_SETFL, O_NONBLOCK);
  return c;
}

static conn *conn_open(const char *path)
{
  struct sockaddr_un sa;
  fill_addr(&sa, path);
  return conn_connect((struct sockaddr *)&sa, sizeof(sa), path);
}

static void conn_close(conn *c)
{
  if(!c)
    return;
  close(c->fd);
  free(c);
}

/* Sends everything, turning the server while the socket is full. false when stuck for ms. */
static bool conn_send_n(conn *c, const char *data, size_t n, int ms)
{
  int64_t end = ms_now() + ms;
  while(n > 0) {
    ssize_t k = send(c->fd, data, n, MSG_NOSIGNAL);
    if(k > 0) {
      data += k, n -= (size_t)k;
      end = ms_now() + ms;
      continue;
    }
    if(k < 0 && errno != EAGAIN && errno != EINTR)
      return false;
    if(ms_now() > end)
      return false;
    pump();
  }
  return true;
}

static bool conn_send(conn *c, const char *text)
{
  return conn_send_n(c, text, strlen(text), WAIT_MS);
}

/* One reply line without its newline into line; false on timeout or EOF. */
static bool conn_line_wait(conn *c, char *line, size_t len, int ms)
{
  int64_t end = ms_now() + ms;
  for(;;) {
    char *nl = memchr(c->buf, '\n', c->len);
    if(nl) {
      size_t n = (size_t)(nl - c->buf);
      snprintf(line, len, "%.*s", (int)n, c->buf);
      memmove(c->buf, nl + 1, c->len - n - 1);
      c->len -= n + 1;
      return true;
    }
    if(c->len < sizeof(c->buf)) {
      ssize_t k = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
      if(k > 0) {
        c->len += (size_t)k;
        continue;
      }
      if(k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR)) {
        c->eof = true;
        return false;
      }
    }
    if(ms_now() > end)
      return false;
    pump();
  }
}

static bool conn_line(conn *c, char *line, size_t len)
{
  return conn_line_wait(c, line, len, WAIT_MS);
}

static bool expect(conn *c, const char *want)
{
  char line[4096];
  if(!conn_line(c, line, sizeof(line))) {
    fprintf(stderr, "  expected \"%s\", got nothing\n", want);
    return false;
  }
  if(strcmp(line, want)) {
    fprintf(stderr, "  expected \"%s\", got \"%.200s\"\n", want, line);
    return false;
  }
  return true;
}

/* True when the server closed the connection (after whatever is still buffered). */
static bool expect_eof(conn *c)
{
  char line[256];
  while(conn_line(c, line, sizeof(line)))
    ;
  return c->eof;
}

static bool silent(conn *c, int ms)
{
  char line[256];
  if(conn_line_wait(c, line, sizeof(line), ms)) {
    fprintf(stderr, "  unexpected \"%s\"\n", line);
    return false;
  }
  return !c->eof;
}

static conn *greeted(const char *path)
{
  conn *c = conn_open(path);
  if(c && !expect(c, "OK coach 1")) {
    conn_close(c);
    return NULL;
  }
  return c;
}

/* ------------------------------------------------------------ the tests */

static char base[256], dir[300], sock_path[320];

static void make_paths(void)
{
  const char *tmp = getenv("COACH_TEST_TMP");
  if(!tmp || strlen(tmp) > 60)
    tmp = "/tmp";
  snprintf(base, sizeof(base), "%s/server-XXXXXX", tmp);
  if(!mkdtemp(base)) {
    perror("mkdtemp");
    exit(1);
  }
  snprintf(dir, sizeof(dir), "%s/coach", base);
  snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
}

static void test_open(void)
{
  struct stat st;
  char why[256] = "";
  coach_rc rc = server_open(&srv, sock_path, &config, why, sizeof(why));
  CHECKF(rc == COACH_OK, "%s", why);
  if(rc != COACH_OK)
    exit(check_done());
  CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
  CHECK(stat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600);
  CHECK(!strcmp(server_path(srv), sock_path));
}

static void test_basics(void)
{
  conn *c = greeted(sock_path);
  CHECK(c != NULL);
  if(!c)
    return;
  CHECK(conn_send(c, "ping\n") && expect(c, "OK"));
  CHECK(conn_send(c, "ping  \r\n") && expect(c, "OK"));
  CHECK(conn_send(c, "nosuch\n") && expect(c, "ACK [1] {} unknown command \"nosuch\""));
  CHECK(conn_send(c, "\n") && expect(c, "ACK [1] {} empty line: no command given"));
  CHECK(conn_send(c, "ping extra\n") &&
        expect(c, "ACK [2] {ping} wrong number of arguments for \"ping\": expected 0, got 1"));
  CHECK(conn_send(c, "start\n") &&
        expect(c, "ACK [2] {start} wrong number of arguments for \"start\": expected 1 to 2, "
                  "got 0"));
  CHECK(conn_send(c, "start a b c\n") && expect(c, "ACK [2] {start} wrong number of arguments "
                                                   "for \"start\": expected 1 to 2, got 3"));
  CHECK(conn_send(c, "start rest 15m\n") && expect(c, "OK"));
  CHECK(conn_send(c, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n") &&
        expect(c, "ACK [2] {echo} too many arguments for \"echo\" (at most 16 words in a line)"));
  CHECK(conn_send(c, "echo \"two words\" \"q\\\"uote\" \"\"\n") && expect(c, "arg: two words") &&
        expect(c, "arg: q\"uote") && expect(c, "arg: ") && expect(c, "OK"));
  CHECK(conn_send(c, "echo \"open\n") && expect(c, "ACK [3] {} unterminated quote"));
  CHECK(conn_send(c, "noreply\n") &&
        expect(c, "ACK [10] {noreply} internal error: the command gave no reply"));
  CHECK(conn_send(c, "newline\n") && expect(c, "text: two lines") &&
        expect(c, "ACK [5] {newline} bad thing"));
  CHECK(conn_send(c, "huge\n") &&
        expect(c, "ACK [7] {huge} reply too large (limit 65536 bytes)"));
  /* Pipelined: all answered, in order. */
  CHECK(conn_send(c, "ping\nnosuch\necho x\nping\n") && expect(c, "OK") &&
        expect(c, "ACK [1] {} unknown command \"nosuch\"") && expect(c, "arg: x") &&
        expect(c, "OK") && expect(c, "OK"));
  CHECK(conn_send(c, "ping\n") && expect(c, "OK"));
  conn_close(c);
}

static void test_garbage(void)
{
  conn *c = greeted(sock_path);
  char *line;
  size_t n = 1 << 20;
  int before;
  if(!c)
    return;
  CHECK(conn_send_n(c, "\0\x01\xff garbage\n", 12, WAIT_MS) &&
        expect(c, "ACK [3] {} line holds a NUL byte"));
  CHECK(conn_send(c, "\xff\xfe\xfd\n") && expect(c, "ACK [3] {} line is not valid UTF-8"));
  CHECK(conn_send(c, "ping\x1b[2J\n") && expect(c, "ACK [3] {} line holds a control character"));
  CHECK(conn_send(c, "GET / HTTP/1.1\n") && expect(c, "ACK [1] {} unknown command \"GET\""));

  /* A 1 MiB line: one ACK, the rest of the line skipped, the connection goes on. */
  line = malloc(n);
  memset(line, 'x', n);
  CHECK(conn_send_n(c, line, n, WAIT_MS));
  CHECK(conn_send(c, "\nping\n"));
  CHECK(expect(c, "ACK [8] {} line too long (limit 4095 bytes)") && expect(c, "OK"));
  /* The longest allowed line is fine. */
  memcpy(line, "echo ", 5);
  line[4095] = '\n';
  CHECK(conn_send_n(c, line, 4096, WAIT_MS));
  {
    char got[8192];
    CHECK(conn_line(c, got, sizeof(got)) && strlen(got) == 5 + 4090 &&
          !strncmp(got, "arg: x", 6));
    CHECK(expect(c, "OK"));
  }
  free(line);
  CHECK(conn_send(c, "ping\n") && expect(c, "OK"));
  conn_close(c);

  /* A line without newline, then hang-up: dropped quietly, the client is gone. */
  pump_for(20);
  before = server_client_count(srv);
  c = greeted(sock_path);
  CHECK(c && server_client_count(srv) == before + 1);
  if(c) {
    CHECK(conn_send(c, "ping"));
    conn_close(c);
  }
  pump_for(50);
  CHECK(server_client_count(srv) == before);

  /* Half-close: lines sent before are still answered, the unfinished one is dropped. */
  c = greeted(sock_path);
  if(c) {
    CHECK(conn_send(c, "ping\necho a\nping"));
    shutdown(c->fd, SHUT_WR);
    CHECK(expect(c, "OK") && expect(c, "arg: a") && expect(c, "OK"));
    CHECK(expect_eof(c));
    conn_close(c);
  }
}

static void test_flood(void)
{
  enum { PINGS = 10000, BIGS = 3000 };
  conn *c = greeted(sock_path), *other;
  unsigned id = srv->next_id;
  char *cmds = malloc(PINGS * 5), line[4096];
  int ok = 0, data = 0;
  server_client *sc = NULL;
  other = greeted(sock_path);
  if(!c || !other)
    return;

  /* 10000 commands without reading a reply: all answered, in order. */
  for(int i = 0; i < PINGS; i++)
    memcpy(cmds + i * 5, "ping\n", 5);
  CHECK(conn_send_n(c, cmds, PINGS * 5, WAIT_MS));
  while(ok < PINGS && conn_line(c, line, sizeof(line)) && !strcmp(line, "OK"))
    ok++;
  CHECKF(ok == PINGS, "%d of %d answered", ok, PINGS);

  /* Big replies, never read: the server stops reading this client, its held output stays
   * within the bound, and another client is served meanwhile. */
  for(int i = 0; i < BIGS; i++)
    memcpy(cmds + i * 4, "big\n", 4);
  CHECK(conn_send_n(c, cmds, BIGS * 4, WAIT_MS));
  pump_for(100);
  for(int i = 0; i < srv->n_clients; i++)
    if(srv->clients[i]->id == id)
      sc = srv->clients[i];
  CHECK(sc != NULL);
  if(sc) {
    CHECK(pending(sc) > 0 && pending(sc) <= SERVER_OUTPUT_MAX);
    CHECK(sc->in_len > 0); /* commands wait unread or unprocessed */
  }
  CHECK(conn_send(other, "ping\n") && expect(other, "OK"));
  for(ok = 0; ok < BIGS && conn_line(c, line, sizeof(line));) {
    if(!strcmp(line, "OK"))
      ok++;
    else if(!strncmp(line, "data: ", 6) && strlen(line) == 6 + BIG_VALUE)
      data++;
    else
      break;
  }
  CHECKF(ok == BIGS && data == BIGS, "%d OK, %d data of %d", ok, data, BIGS);
  CHECK(conn_send(c, "ping\n") && expect(c, "OK"));
  free(cmds);
  conn_close(c);
  conn_close(other);
}

static void test_idle(void)
{
  conn *a = greeted(sock_path), *b = greeted(sock_path);
  if(!a || !b)
    return;
  CHECK(conn_send(a, "idle\n") && silent(a, 50));
  CHECK(conn_send(b, "notify\n") && expect(b, "OK"));
  CHECK(expect(a, "changed: player") && expect(a, "OK"));

  /* An event while not idle waits for the next idle; events it did not ask for are not
   * reported, and are kept for an idle that asks for them. */
  server_notify(srv, PROTOCOL_EVENT_MIXER);
  CHECK(conn_send(a, "idle player\n") && silent(a, 50));
  server_notify(srv, PROTOCOL_EVENT_DATABASE);
  CHECK(silent(a, 20));
  server_notify(srv, PROTOCOL_EVENT_PLAYER);
  CHECK(expect(a, "changed: player") && expect(a, "OK"));
  server_notify(srv, PROTOCOL_EVENT_OPTIONS);
  CHECK(conn_send(a, "idle mixer options\n") && expect(a, "changed: mixer") &&
        expect(a, "changed: options") && expect(a, "OK"));
  CHECK(conn_send(a, "idle\n") && expect(a, "changed: database") && expect(a, "OK"));

  /* noidle ends the wait; noidle when not idle is ignored. */
  CHECK(conn_send(a, "idle\n") && silent(a, 20));
  CHECK(conn_send(a, "noidle\n") && expect(a, "OK"));
  CHECK(conn_send(a, "noidle\nping\n") && expect(a, "OK") && silent(a, 20));
  CHECK(conn_send(a, "idle bogus\n") &&
        expect(a, "ACK [3] {idle} unknown event \"bogus\" (known: player mixer options database)"));

  /* An idle client is not timed out, even past the (here default) limit: checked below. */
  /* Another command during idle: an error, then the connection closes. */
  CHECK(conn_send(a, "idle\n") && silent(a, 20));
  CHECK(conn_send(a, "ping\n") &&
        expect(a, "ACK [5] {} only \"noidle\" is allowed while idle: closing the connection"));
  CHECK(expect_eof(a));
  conn_close(a);
  conn_close(b);
}

/* A deferred reply: the client's next lines wait for it, other clients do not, and it is
 * answered when the test finishes it; a ticket whose client left answers nobody. */
static void test_deferred(void)
{
  conn *a = greeted(sock_path), *b = greeted(sock_path);
  if(!a || !b)
    return;
  later_ticket = 0;
  CHECK(conn_send(a, "later\nping\n") && silent(a, 50));
  CHECK(later_ticket != 0);
  CHECK(conn_send(b, "ping\n") && expect(b, "OK"));
  server_finish_ok(srv, later_ticket);
  CHECK(expect(a, "OK") && expect(a, "OK"));
  CHECK(conn_send(a, "later\n") && silent(a, 20));
  server_finish_ack(srv, later_ticket, PROTOCOL_ACK_SPEECH, "could not say \"%s\"", "x");
  CHECK(expect(a, "ACK [11] {later} could not say \"x\""));
  server_finish_ok(srv, later_ticket); /* answered already: nothing more */
  CHECK(conn_send(a, "ping\n") && expect(a, "OK") && silent(a, 20));
  CHECK(conn_send(a, "later\n") && silent(a, 20));
  conn_close(a);
  pump_for(50);
  server_finish_ok(srv, later_ticket); /* the client left */
  CHECK(conn_send(b, "ping\n") && expect(b, "OK"));
  conn_close(b);
}

static void test_max_clients(void)
{
  conn *cs[SERVER_MAX_CLIENTS];
  conn *extra;
  int n = 0;
  pump_for(20);
  CHECK(server_client_count(srv) == 0);
  for(int i = 0; i < SERVER_MAX_CLIENTS; i++)
    if((cs[n] = greeted(sock_path)))
      n++;
  CHECK(n == SERVER_MAX_CLIENTS);
  extra = conn_open(sock_path);
  CHECK(extra && expect(extra, "ACK [7] {} too many clients (limit 64)") && expect_eof(extra));
  conn_close(extra);
  /* Everyone else is still served. */
  CHECK(conn_send(cs[0], "ping\n") && expect(cs[0], "OK"));
  CHECK(conn_send(cs[n - 1], "ping\n") && expect(cs[n - 1], "OK"));
  for(int i = 0; i < n; i++)
    conn_close(cs[i]);
  pump_for(20);
  CHECK(server_client_count(srv) == 0);
}

static void test_second_and_stale(void)
{
  server *other = NULL;
  char why[256] = "", path2[400], dir2[330];
  struct sockaddr_un sa;
  int fd;
  conn *c;

  /* A second daemon on the same live socket is refused. */
  CHECK(server_open(&other, sock_path, &config, why, sizeof(why)) == COACH_E_STATE);
  CHECK(strstr(why, "another coachd is already listening on ") && strstr(why, sock_path));
  CHECK(other == NULL);

  /* Also when a live socket holds no lock (an older daemon, or an activated one). */
  snprintf(dir2, sizeof(dir2), "%s/two", base);
  snprintf(path2, sizeof(path2), "%s/socket", dir2);
  mkdir(dir2, 0700);
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  fill_addr(&sa, path2);
  CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 4) == 0);
  CHECK(server_open(&other, path2, &config, why, sizeof(why)) == COACH_E_STATE);
  CHECK(strstr(why, "already listening") != NULL);

  /* The same file after its owner died without unlinking it: stale, replaced. */
  close(fd);
  CHECK(server_open(&other, path2, &config, why, sizeof(why)) == COACH_OK);
  if(other) {
    server *keep = srv;
    srv = other;
    c = greeted(path2);
    CHECK(c && conn_send(c, "ping\n") && expect(c, "OK"));
    conn_close(c);
    srv = keep;
    server_close(other);
    CHECK(access(path2, F_OK) != 0); /* our own socket is removed on close */
  }

  /* Not a socket: left alone. */
  fd = open(path2, O_CREAT | O_WRONLY, 0600);
  close(fd);
  CHECK(server_open(&other, path2, &config, why, sizeof(why)) == COACH_E_INVALID);
  CHECK(strstr(why, "not a socket") != NULL);
  unlink(path2);

  /* A directory others may write to is refused. */
  chmod(dir2, 0777);
  CHECK(server_open(&other, path2, &config, why, sizeof(why)) == COACH_E_INVALID);
  CHECK(strstr(why, "writable by other users") != NULL);
  chmod(dir2, 0700);

  /* A broken command table is refused before anything is created. */
  {
    protocol_command bad[] = {{"b", 0, 0, cmd_ok}, {"a", 0, 0, cmd_ok}};
    server_config cfg = {.commands = bad, .n_commands = 2};
    CHECK(server_open(&other, path2, &cfg, why, sizeof(why)) == COACH_E_INVALID);
    CHECK(strstr(why, "sorted") != NULL);
  }
}

static void test_timeout(void)
{
  server *keep = srv, *t = NULL;
  server_config cfg = config;
  char why[256], path2[400], dir2[330];
  conn *quiet, *idler;
  cfg.timeout_ms = 200;
  snprintf(dir2, sizeof(dir2), "%s/three", base);
  snprintf(path2, sizeof(path2), "%s/socket", dir2);
  CHECK(server_open(&t, path2, &cfg, why, sizeof(why)) == COACH_OK);
  if(!t)
    return;
  srv = t;
  quiet = greeted(path2);
  idler = greeted(path2);
  CHECK(quiet && idler && conn_send(idler, "idle\n"));
  CHECK(server_timeout_ms(t) > 0 && server_timeout_ms(t) <= 200);
  pump_for(400);
  CHECK(quiet && expect_eof(quiet));
  CHECK(idler && silent(idler, 10));
  server_notify(t, PROTOCOL_EVENT_PLAYER);
  CHECK(idler && expect(idler, "changed: player") && expect(idler, "OK"));
  /* Answered just now: its clock starts again rather than expiring at once. */
  CHECK(idler && conn_send(idler, "ping\n") && expect(idler, "OK"));
  conn_close(quiet);
  conn_close(idler);
  server_close(t);
  srv = keep;
}

/* Root can check the uid fence: a child that drops to another uid is refused. */
static void test_other_uid(void)
{
  pid_t pid;
  int status = -1, pipefd[2];
  char got[256] = "";
  ssize_t k;
  if(geteuid() != 0) {
    printf("test_other_uid: skipped (needs root to become another user)\n");
    return;
  }
  /* Let the other user reach the socket at all, so that the peer check is what refuses. */
  chmod(base, 0711);
  chmod(dir, 0711);
  chmod(sock_path, 0666);
  if(pipe(pipefd) < 0)
    return;
  pid = fork();
  if(pid == 0) {
    struct sockaddr_un sa;
    int fd;
    char buf[256];
    ssize_t n, total = 0;
    close(pipefd[0]);
    if(setgid(65534) < 0 || setuid(65534) < 0)
      _exit(2);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    fill_addr(&sa, sock_path);
    if(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
      _exit(3);
    while((n = read(fd, buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
      total += n;
    if(write(pipefd[1], buf, (size_t)total) < 0)
      _exit(4);
    _exit(0);
  }
  close(pipefd[1]);
  fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
  {
    int64_t end = ms_now() + WAIT_MS;
    size_t len = 0;
    while(ms_now() < end) {
      pump();
      k = read(pipefd[0], got + len, sizeof(got) - 1 - len);
      if(k > 0)
        len += (size_t)k;
      else if(k == 0)
        break;
    }
    got[len] = '\0';
  }
  close(pipefd[0]);
  waitpid(pid, &status, 0);
  CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
  CHECKF(!strncmp(got, "ACK [9] {} permission denied", 28), "got \"%s\"", got);
  chmod(base, 0700);
  chmod(dir, 0700);
  chmod(sock_path, 0600);
}

static void test_sdnotify(void)
{
  char path[400], buf[64];
  struct sockaddr_un sa;
  socklen_t salen;
  int fd;
  ssize_t n;

  unsetenv("NOTIFY_SOCKET");
  CHECK(sdnotify_ready() == COACH_OK); /* no systemd: a no-op */

  snprintf(path, sizeof(path), "%s/notify", base);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  fill_addr(&sa, path);
  CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
  setenv("NOTIFY_SOCKET", path, 1);
  CHECK(sdnotify_ready() == COACH_OK);
  n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
  CHECK(n == 7 && !memcmp(buf, "READY=1", 7));
  CHECK(sdnotify_status("playing\n%s", "rest") == COACH_OK);
  n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
  CHECK(n > 0 && (buf[n] = '\0', !strcmp(buf, "STATUS=playing rest")));
  close(fd);

  /* The abstract namespace: "@name". */
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  snprintf(buf, sizeof(buf), "coach-test-%d", (int)getpid());
  memcpy(sa.sun_path + 1, buf, strlen(buf));
  salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(buf));
  CHECK(bind(fd, (struct sockaddr *)&sa, salen) == 0);
  snprintf(path, sizeof(path), "@%s", buf);
  setenv("NOTIFY_SOCKET", path, 1);
  CHECK(sdnotify_stopping() == COACH_OK);
  n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
  CHECK(n == 10 && !memcmp(buf, "STOPPING=1", 10));
  close(fd);
  unsetenv("NOTIFY_SOCKET");
}

/* Socket activation, in a child (fd 3 may be in use in this process). */
static void test_activation(void)
{
  char path[400];
  pid_t pid;
  int status = -1;
  snprintf(path, sizeof(path), "%s/activated", base);

  setenv("LISTEN_PID", "1", 1);
  setenv("LISTEN_FDS", "1", 1);
  CHECK(getpid() == 1 || sdnotify_listen_fds() == 0); /* another process's sockets */
  CHECK(getenv("LISTEN_PID") == NULL && getenv("LISTEN_FDS") == NULL);

  pid = fork();
  if(pid == 0) {
    struct sockaddr_un sa;
    server *s = NULL;
    char why[256], num[32];
    int fd = socket(AF_UNIX, SOCK_STREAM, 0), fl;
    fill_addr(&sa, path);
    if(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
      _exit(2);
    if(dup2(fd, 3) < 0)
      _exit(3);
    if(fd != 3)
      close(fd);
    fl = fcntl(3, F_GETFD);
    fcntl(3, F_SETFD, fl & ~FD_CLOEXEC);
    snprintf(num, sizeof(num), "%d", (int)getpid());
    setenv("LISTEN_PID", num, 1);
    setenv("LISTEN_FDS", "1", 1);
    if(server_open_activated(&s, &config, why, sizeof(why)) != COACH_OK)
      _exit(4);
    if(getenv("LISTEN_PID") || getenv("LISTEN_FDS"))
      _exit(5);
    if(!(fcntl(3, F_GETFD) & FD_CLOEXEC) || !(fcntl(3, F_GETFL) & O_NONBLOCK))
      _exit(6);
    if(strcmp(server_path(s), path))
      _exit(7);
    srv = s;
    {
      conn *c = greeted(path);
      if(!c || !conn_send(c, "ping\n") || !expect(c, "OK"))
        _exit(8);
      conn_close(c);
    }
    server_close(s);
    if(access(path, F_OK) != 0)
      _exit(9); /* systemd's socket file is not ours to remove */
    if(server_open_activated(&s, &config, why, sizeof(why)) != COACH_E_NOTFOUND)
      _exit(10);
    _exit(0);
  }
  waitpid(pid, &status, 0);
  CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exit %d",
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  unlink(path);
}

/* ------------------------------------------------------------ MPD's dialect */

static void cmd_password(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc;
  if(strcmp(argv[1], "secret")) {
    server_reply_ack(c, MPD_ACK_PASSWORD, NULL, "incorrect password");
    server_client_close(c);
    return;
  }
  server_client_unlock(c);
  server_reply_ok(c);
}

static void cmd_close(void *ctx, server_client *c, int argc, char **argv)
{
  (void)ctx, (void)argc, (void)argv;
  server_client_close(c);
}

static const protocol_command mpd_like[] = {
    {"close", 0, 0, cmd_close},     {"echo", 0, PROTOCOL_ARGS_ANY, cmd_echo},
    {"idle", 0, PROTOCOL_ARGS_ANY, server_command_idle},
    {"later", 0, 0, cmd_later},     {"password", 1, 1, cmd_password},
    {"ping", 0, 0, cmd_ok},
};

static conn *conn_open_tcp(unsigned port)
{
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return conn_connect((struct sockaddr *)&sa, sizeof(sa), "127.0.0.1");
}

static conn *mpd_greeted(conn *c)
{
  if(c && !expect(c, "OK MPD 0.23.5")) {
    conn_close(c);
    return NULL;
  }
  return c;
}

/* Greeting, ACKs with the list index, command lists with every kind of answer in them
 * (a deferred one too), the lines that end a connection, and idle's MPD names. */
static void test_mpd_dialect(void)
{
  server *keep = srv, *m = NULL;
  server_config cfg = {.commands = mpd_like, .n_commands = sizeof(mpd_like) / sizeof(mpd_like[0]),
                       .dialect = &mpd_dialect, .password_over_tcp = true};
  static const char nul_list[] = "command_list_begin\npi\0ng\ncommand_list_end\n";
  char why[256] = "", path2[400], big[4000];
  conn *c;
  snprintf(path2, sizeof(path2), "%s/mpd/socket", base);
  CHECKF(server_open(&m, path2, &cfg, why, sizeof(why)) == COACH_OK, "%s", why);
  if(!m)
    return;
  srv = m;
  c = mpd_greeted(conn_open(path2));
  CHECK(c != NULL);
  if(!c)
    goto out;
  /* A stray noidle, as python-mpd2 may leave at the start of a connection: no answer. */
  CHECK(conn_send(c, "noidle\nping\n") && expect(c, "OK") && silent(c, 20));
  CHECK(conn_send(c, "nosuch\n") && expect(c, "ACK [5@0] {} unknown command \"nosuch\""));
  CHECK(conn_send(c, "ping x\n") &&
        expect(c, "ACK [2@0] {ping} wrong number of arguments for \"ping\": expected 0, got 1"));
  /* Not locked over UNIX: the peer check is its lock. */
  CHECK(conn_send(c, "echo \"1\"\n") && expect(c, "arg: 1") && expect(c, "OK"));

  CHECK(conn_send(c, "command_list_begin\nping\necho a\ncommand_list_end\n") &&
        expect(c, "arg: a") && expect(c, "OK") && silent(c, 20));
  CHECK(conn_send(c, "command_list_ok_begin\nping\necho a\ncommand_list_end\n") &&
        expect(c, "list_OK") && expect(c, "arg: a") && expect(c, "list_OK") && expect(c, "OK"));
  CHECK(conn_send(c, "command_list_begin\ncommand_list_end\n") && expect(c, "OK"));
  /* The first error ends the list, with its index; the line after the list runs. */
  CHECK(conn_send(c, "command_list_ok_begin\nping\nnosuch\nping\ncommand_list_end\nping\n") &&
        expect(c, "list_OK") && expect(c, "ACK [5@1] {} unknown command \"nosuch\"") &&
        expect(c, "OK") && silent(c, 20));
  CHECK(conn_send(c, "command_list_begin\nping\nping\nping 1\ncommand_list_end\n") &&
        expect(c, "ACK [2@2] {ping} wrong number of arguments for \"ping\": expected 0, got 1"));
  /* A deferred command inside a list: the list waits for it, then goes on. */
  later_ticket = 0;
  CHECK(conn_send(c, "command_list_ok_begin\nping\nlater\necho b\ncommand_list_end\nping\n") &&
        expect(c, "list_OK") && silent(c, 50));
  CHECK(later_ticket != 0);
  server_finish_ok(srv, later_ticket);
  CHECK(expect(c, "list_OK") && expect(c, "arg: b") && expect(c, "list_OK") && expect(c, "OK") &&
        expect(c, "OK"));
  CHECK(conn_send(c, "command_list_begin\nlater\nping\ncommand_list_end\n") && silent(c, 50));
  server_finish_ack(srv, later_ticket, MPD_ACK_PLAYER_SYNC, "Not playing");
  CHECK(expect(c, "ACK [55@0] {later} Not playing") && silent(c, 20));
  CHECK(conn_send(c, "command_list_begin\nping\nidle\ncommand_list_end\n") &&
        expect(c, "ACK [55@1] {idle} idle is not allowed in a command list"));
  CHECK(conn_send_n(c, nul_list, sizeof(nul_list) - 1, WAIT_MS) &&
        expect(c, "ACK [2@0] {} line holds a NUL byte"));
  CHECK(conn_send(c, "command_list_end\n") &&
        expect(c, "ACK [5@0] {} unknown command \"command_list_end\""));

  /* idle with MPD's subsystems. */
  CHECK(conn_send(c, "idle stored_playlist playlist\n") && silent(c, 20));
  server_notify(m, MPD_EVENT_PLAYER);
  CHECK(silent(c, 20));
  server_notify(m, MPD_EVENT_STORED_PLAYLIST);
  CHECK(expect(c, "changed: stored_playlist") && expect(c, "OK"));
  CHECK(conn_send(c, "idle\n") && expect(c, "changed: player") && expect(c, "OK"));
  CHECK(conn_send(c, "idle bogus\n") &&
        expect(c, "ACK [2@0] {idle} unknown event \"bogus\" (known: player mixer options "
                  "database playlist stored_playlist update output partition sticker "
                  "subscription message neighbor mount)"));
  /* `close`: no answer, the connection ends. */
  CHECK(conn_send(c, "close\nping\n") && expect_eof(c));
  conn_close(c);

  /* A nested begin, and a list over its limit: an ACK, and the connection ends. */
  c = mpd_greeted(conn_open(path2));
  CHECK(c && conn_send(c, "command_list_begin\ncommand_list_ok_begin\nping\n") &&
        expect(c, "ACK [2@0] {} a command list cannot begin inside another: closing the "
                  "connection") &&
        expect_eof(c));
  conn_close(c);
  c = mpd_greeted(conn_open(path2));
  memset(big, 'x', sizeof(big) - 2);
  memcpy(big, "echo ", 5);
  big[sizeof(big) - 2] = '\n';
  big[sizeof(big) - 1] = '\0';
  CHECK(c && conn_send(c, "command_list_begin\n"));
  for(int i = 0; c && i < SERVER_LIST_MAX / 4000 + 1; i++)
    conn_send(c, big);
  CHECK(c && expect(c, "ACK [52@0] {} command list too long (limit 65536 bytes): closing the "
                       "connection") &&
        expect_eof(c));
  conn_close(c);

  /* A deferred reply still reaches a client that has shut down its sending side. */
  c = mpd_greeted(conn_open(path2));
  CHECK(c && conn_send(c, "later\n") && silent(c, 50));
  if(c)
    shutdown(c->fd, SHUT_WR);
  pump_for(50);
  server_finish_ok(srv, later_ticket);
  CHECK(c && expect(c, "OK") && expect_eof(c));
  conn_close(c);
out:
  server_close(m);
  srv = keep;
}

/* Over TCP: locked until the password, a wrong one refused and the connection closed. */
static void test_mpd_tcp(void)
{
  server *keep = srv, *m = NULL;
  server_config cfg = {.commands = mpd_like, .n_commands = sizeof(mpd_like) / sizeof(mpd_like[0]),
                       .dialect = &mpd_dialect, .password_over_tcp = true};
  struct sockaddr_in sa = {.sin_family = AF_INET};
  char why[256] = "";
  const char *colon;
  unsigned port = 0;
  conn *c;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECKF(server_open_tcp(&m, (struct sockaddr *)&sa, sizeof(sa), &cfg, why, sizeof(why)) ==
             COACH_OK,
         "%s", why);
  if(!m)
    return;
  srv = m;
  colon = strrchr(server_path(m), ':');
  CHECKF(!strncmp(server_path(m), "127.0.0.1:", 10) && colon && sscanf(colon + 1, "%u", &port) == 1 &&
             port > 0,
         "%s", server_path(m));
  /* The port is taken: a second listener says so. */
  {
    server *again = NULL;
    struct sockaddr_in same = sa;
    same.sin_port = htons((uint16_t)port);
    CHECK(server_open_tcp(&again, (struct sockaddr *)&same, sizeof(same), &cfg, why,
                          sizeof(why)) == COACH_E_STATE);
    CHECKF(strstr(why, "is in use") != NULL, "%s", why);
  }
  c = mpd_greeted(conn_open_tcp(port));
  CHECK(c && conn_send(c, "echo x\n") &&
        expect(c, "ACK [4@0] {echo} you don't have permission for \"echo\""));
  CHECK(c && conn_send(c, "ping\n") && expect(c, "OK"));
  CHECK(c && conn_send(c, "command_list_begin\nping\necho y\ncommand_list_end\n") &&
        expect(c, "ACK [4@1] {echo} you don't have permission for \"echo\""));
  CHECK(c && conn_send(c, "password secret\necho x\n") && expect(c, "OK") &&
        expect(c, "arg: x") && expect(c, "OK"));
  conn_close(c);
  c = mpd_greeted(conn_open_tcp(port));
  CHECK(c && conn_send(c, "password guess\nping\n") &&
        expect(c, "ACK [3@0] {password} incorrect password") && expect_eof(c));
  conn_close(c);
  server_close(m);
  srv = keep;
}

static void test_close(void)
{
  struct stat st;
  char lock[400];
  server_close(srv);
  srv = NULL;
  CHECK(stat(sock_path, &st) != 0 && errno == ENOENT);
  CHECK(stat(dir, &st) == 0);
  /* Lock files are left in place by design; the test cleans up after itself. */
  snprintf(lock, sizeof(lock), "%s.lock", sock_path);
  unlink(lock);
  rmdir(dir);
  snprintf(lock, sizeof(lock), "%s/two/socket.lock", base);
  unlink(lock);
  snprintf(lock, sizeof(lock), "%s/two", base);
  rmdir(lock);
  snprintf(lock, sizeof(lock), "%s/three/socket.lock", base);
  unlink(lock);
  snprintf(lock, sizeof(lock), "%s/three", base);
  rmdir(lock);
  snprintf(lock, sizeof(lock), "%s/notify", base);
  unlink(lock);
  snprintf(lock, sizeof(lock), "%s/mpd/socket.lock", base);
  unlink(lock);
  snprintf(lock, sizeof(lock), "%s/mpd", base);
  rmdir(lock);
  CHECKF(rmdir(base) == 0, "%s left behind: %s", base, strerror(errno));
}

int main(void)
{
  /* The test's own writes to closed sockets must fail with EPIPE, not kill it. */
  signal(SIGPIPE, SIG_IGN);
  make_paths();
  test_open();
  test_basics();
  test_garbage();
  test_flood();
  test_idle();
  test_deferred();
  test_max_clients();
  test_second_and_stale();
  test_timeout();
  test_other_uid();
  test_sdnotify();
  test_activation();
  test_mpd_dialect();
  test_mpd_tcp();
  test_close();
  return check_done();
}
