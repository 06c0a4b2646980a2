/* MPD's dialect and argument forms (mpd_protocol.h), and the ACK line with MPD's list index
 * (protocol.h): what Home Assistant, mpc and phone apps send and parse. */
#include <limits.h>

#include "check.h"
#include "mpd_protocol.h"
#include "routine.h"

static size_t ack(char *buf, size_t len, int code, int index, const char *cmd, const char *fmt,
                  ...) __attribute__((format(printf, 6, 7)));
static size_t ack(char *buf, size_t len, int code, int index, const char *cmd, const char *fmt,
                  ...)
{
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  n = protocol_vformat_ack_at(buf, len, code, index, cmd, fmt, ap);
  va_end(ap);
  return n;
}

static void test_ack_line(void)
{
  char buf[256];
  protocol_ack_line a;
  size_t n = ack(buf, sizeof(buf), MPD_ACK_NO_EXIST, 2, "load", "No such playlist \"%s\"", "x");
  CHECK(!strcmp(buf, "ACK [50@2] {load} No such playlist \"x\"\n") && n == strlen(buf));
  ack(buf, sizeof(buf), 5, -1, NULL, "%s", "no index");
  CHECK(!strcmp(buf, "ACK [5] {} no index\n"));

  CHECK(protocol_parse_ack("ACK [50@2] {load} No such playlist", &a));
  CHECK(a.code == 50 && a.index == 2 && !strcmp(a.command, "load") &&
        !strcmp(a.message, "No such playlist"));
  CHECK(protocol_parse_ack("ACK [4] {start} x", &a) && a.code == 4 && a.index == -1);
  CHECK(!protocol_parse_ack("ACK [5@] {} x", &a));
  CHECK(!protocol_parse_ack("ACK [5@x] {} x", &a));
  CHECK(!protocol_parse_ack("ACK [5@99999999999999999999] {} x", &a));
}

static void test_events(void)
{
  CHECK((unsigned)MPD_EVENT_PLAYER == (unsigned)PROTOCOL_EVENT_PLAYER);
  CHECK((unsigned)MPD_EVENT_MIXER == (unsigned)PROTOCOL_EVENT_MIXER);
  CHECK((unsigned)MPD_EVENT_OPTIONS == (unsigned)PROTOCOL_EVENT_OPTIONS);
  CHECK((unsigned)MPD_EVENT_DATABASE == (unsigned)PROTOCOL_EVENT_DATABASE);
  for(unsigned bit = 1; bit <= MPD_EVENT_ALL; bit <<= 1) {
    const char *name = mpd_event_name(bit);
    CHECKF(name && mpd_event_parse(name) == bit, "bit %u", bit);
  }
  /* Coach's own names mean the same events in both dialects. */
  for(unsigned bit = 1; bit <= PROTOCOL_EVENT_ALL; bit <<= 1)
    CHECK(!strcmp(mpd_event_name(bit), protocol_event_name(bit)));
  CHECK(mpd_event_parse("stored_playlist") == MPD_EVENT_STORED_PLAYLIST);
  CHECK(mpd_event_parse("playlist") == MPD_EVENT_PLAYLIST);
  CHECK(mpd_event_parse("Player") == 0 && mpd_event_parse("") == 0);
  CHECK(mpd_event_name(MPD_EVENT_ALL + 1) == NULL && mpd_event_name(3) == NULL);
}

static void test_codes(void)
{
  CHECK(mpd_ack_from_kind(PROTOCOL_ACK_UNKNOWN) == MPD_ACK_UNKNOWN);
  CHECK(mpd_ack_from_kind(PROTOCOL_ACK_ARG_COUNT) == MPD_ACK_ARG);
  CHECK(mpd_ack_from_kind(PROTOCOL_ACK_ARG) == MPD_ACK_ARG);
  CHECK(mpd_ack_from_kind(PROTOCOL_ACK_PERMISSION) == MPD_ACK_PERMISSION);
  CHECK(mpd_ack_from_kind(PROTOCOL_ACK_STATE) == MPD_ACK_PLAYER_SYNC);
  CHECK(mpd_ack_from_kind(PROTOCOL_ACK_LIMIT) == MPD_ACK_SYSTEM);
  CHECK(mpd_ack_from_rc(COACH_E_NOTFOUND) == MPD_ACK_NO_EXIST);
  CHECK(mpd_ack_from_rc(COACH_E_INVALID) == MPD_ACK_ARG);
  CHECK(mpd_ack_from_rc(COACH_E_STATE) == MPD_ACK_PLAYER_SYNC);
  CHECK(mpd_ack_from_rc(COACH_E_DEVICE) == MPD_ACK_SYSTEM);

  CHECK(!strcmp(mpd_dialect.greeting, "OK MPD 0.23.5\n"));
  CHECK(mpd_dialect.list_index && mpd_dialect.command_lists);
  CHECK(mpd_dialect.code(PROTOCOL_ACK_UNKNOWN) == 5);
  CHECK(!protocol_dialect_coach.list_index && !protocol_dialect_coach.command_lists);
  CHECK(protocol_dialect_coach.code(PROTOCOL_ACK_UNKNOWN) == PROTOCOL_ACK_UNKNOWN);
  CHECK(!strcmp(protocol_dialect_coach.greeting, PROTOCOL_GREETING));
}

static void test_values(void)
{
  bool b = false;
  unsigned u = 7, start = 0, end = 0;
  int d = 0;
  CHECK(mpd_parse_bool("1", &b) && b);
  CHECK(mpd_parse_bool("0", &b) && !b);
  CHECK(!mpd_parse_bool("2", &b) && !mpd_parse_bool("", &b) && !mpd_parse_bool("10", &b));
  CHECK(!mpd_parse_bool("true", &b));

  CHECK(mpd_parse_uint("0", 100, &u) && u == 0);
  CHECK(mpd_parse_uint("100", 100, &u) && u == 100);
  CHECK(!mpd_parse_uint("101", 100, &u) && u == 100);
  CHECK(!mpd_parse_uint("", 100, &u) && !mpd_parse_uint("-1", 100, &u));
  CHECK(!mpd_parse_uint("+1", 100, &u) && !mpd_parse_uint("1e2", 100, &u));
  CHECK(!mpd_parse_uint("99999999999999999999999", UINT_MAX, &u));

  CHECK(mpd_parse_volume_change("+5", &d) && d == 5);
  CHECK(mpd_parse_volume_change("-5", &d) && d == -5);
  CHECK(mpd_parse_volume_change("5", &d) && d == 5);
  CHECK(mpd_parse_volume_change("-100", &d) && d == -100);
  CHECK(!mpd_parse_volume_change("+101", &d) && !mpd_parse_volume_change("+", &d));
  CHECK(!mpd_parse_volume_change("--5", &d) && !mpd_parse_volume_change("5%", &d));

  CHECK(mpd_parse_range("0", &start, &end) && start == 0 && end == 1);
  CHECK(mpd_parse_range("2:5", &start, &end) && start == 2 && end == 5);
  CHECK(mpd_parse_range("3:", &start, &end) && start == 3 && end == UINT_MAX);
  CHECK(!mpd_parse_range("5:5", &start, &end) && !mpd_parse_range(":5", &start, &end));
  CHECK(!mpd_parse_range("-1", &start, &end) && !mpd_parse_range("", &start, &end));
  CHECK(!mpd_parse_range("1:2:3", &start, &end));
}

static void test_load(void)
{
  char name[ROUTINE_NAME_MAX + 1] = "keep", length[32] = "keep", why[200] = "";
  CHECK(mpd_parse_load("rest", name, sizeof(name), length, sizeof(length), why,
                       sizeof(why)) == COACH_OK);
  CHECK(!strcmp(name, "rest") && !strcmp(length, ""));
  CHECK(mpd_parse_load("rest@15m", name, sizeof(name), length, sizeof(length), why,
                       sizeof(why)) == COACH_OK);
  CHECK(!strcmp(name, "rest") && !strcmp(length, "15m"));
  /* A name it cannot be is passed on: the routine check says what is wrong with it. */
  CHECK(mpd_parse_load("../x@1m30s", name, sizeof(name), length, sizeof(length), why,
                       sizeof(why)) == COACH_OK);
  CHECK(!strcmp(name, "../x") && !strcmp(length, "1m30s"));

  strcpy(name, "keep");
  CHECK(mpd_parse_load("@15m", name, sizeof(name), length, sizeof(length), why,
                       sizeof(why)) == COACH_E_INVALID);
  CHECK(strstr(why, "no routine name") && !strcmp(name, "keep"));
  CHECK(mpd_parse_load("rest@", name, sizeof(name), length, sizeof(length), why,
                       sizeof(why)) == COACH_E_INVALID);
  CHECK(strstr(why, "rest@15m") != NULL);
  CHECK(mpd_parse_load("rest@1m@2m", name, sizeof(name), length, sizeof(length), why,
                       sizeof(why)) == COACH_E_INVALID);
  CHECK(mpd_parse_load("", name, sizeof(name), length, sizeof(length), why, sizeof(why)) ==
        COACH_E_INVALID);
  CHECK(mpd_parse_load("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", name, sizeof(name),
                       length, sizeof(length), why, sizeof(why)) == COACH_E_INVALID);
  CHECK(!strcmp(name, "keep"));
}

int main(void)
{
  test_ack_line();
  test_events();
  test_codes();
  test_values();
  test_load();
  return check_done();
}
