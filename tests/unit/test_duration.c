/* Durations and breathing patterns: what routine files may write, and what they are told
 * when they write something else. */
#include "check.h"
#include "duration.h"

static void parses(const char *text, int64_t want)
{
  int64_t ms = -42;
  char why[200] = "";
  coach_rc rc = duration_parse(text, &ms, why, sizeof(why));
  CHECKF(rc == COACH_OK && ms == want, "\"%s\": rc %d ms %lld why %s", text, rc, (long long)ms,
         why);
}

/* Refused, *ms untouched, and why contains hint. */
static void refuses(const char *text, const char *hint)
{
  int64_t ms = -42;
  char why[200] = "";
  coach_rc rc = duration_parse(text, &ms, why, sizeof(why));
  CHECKF(rc == COACH_E_INVALID, "\"%s\" accepted as %lld", text ? text : "(null)",
         (long long)ms);
  CHECKF(ms == -42, "\"%s\" changed *ms", text ? text : "(null)");
  CHECKF(strstr(why, hint) != NULL, "\"%s\": why \"%s\" lacks \"%s\"", text ? text : "(null)",
         why, hint);
}

static void formats(int64_t ms, const char *want)
{
  char buf[64];
  duration_format(ms, buf, sizeof(buf));
  CHECKF(!strcmp(buf, want), "%lld formats as %s, not %s", (long long)ms, buf, want);
  if(ms >= 0 && ms <= DURATION_MAX_MS) {
    int64_t back = -1;
    CHECKF(duration_parse(buf, &back, NULL, 0) == COACH_OK && back == ms,
           "%s does not read back as %lld", buf, (long long)ms);
  }
}

static void clock(int64_t ms, const char *want)
{
  char buf[64];
  duration_format_clock(ms, buf, sizeof(buf));
  CHECKF(!strcmp(buf, want), "%lld clocks as %s, not %s", (long long)ms, buf, want);
}

static void pattern_ok(const char *text, int64_t in, int64_t hold_in, int64_t out,
                       int64_t hold_out)
{
  breath_pattern p = {0};
  char why[200] = "";
  coach_rc rc = breath_pattern_parse(text, &p, why, sizeof(why));
  CHECKF(rc == COACH_OK && p.in_ms == in && p.hold_in_ms == hold_in && p.out_ms == out &&
             p.hold_out_ms == hold_out,
         "\"%s\": rc %d %lld-%lld-%lld-%lld why %s", text, rc, (long long)p.in_ms,
         (long long)p.hold_in_ms, (long long)p.out_ms, (long long)p.hold_out_ms, why);
}

static void pattern_bad(const char *text, const char *hint)
{
  breath_pattern p = {1, 2, 3, 4};
  char why[200] = "";
  coach_rc rc = breath_pattern_parse(text, &p, why, sizeof(why));
  CHECKF(rc == COACH_E_INVALID, "pattern \"%s\" accepted", text);
  CHECKF(p.in_ms == 1 && p.hold_out_ms == 4, "pattern \"%s\" changed the output", text);
  CHECKF(strstr(why, hint) != NULL, "pattern \"%s\": why \"%s\" lacks \"%s\"", text, why,
         hint);
}

int main(void)
{
  parses("0s", 0);
  parses("0ms", 0);
  parses("500ms", 500);
  parses("30s", 30000);
  parses("2m", 120000);
  parses("1m30s", 90000);
  parses("1h", 3600000);
  parses("2h", DURATION_MAX_MS);
  parses("1h59m59s999ms", DURATION_MAX_MS - 1);
  parses("1h5m", 3900000);
  parses("1m5ms", 60005);
  parses("05s", 5000);
  parses("7200s", DURATION_MAX_MS);

  refuses("30", "has no unit");
  refuses("30", "write 30s or 30m");
  refuses("0", "has no unit");
  refuses("1m30", "without a unit");
  refuses("", "no duration");
  refuses(NULL, "no duration");
  refuses("-5s", "negative");
  refuses("-0s", "negative");
  refuses("1e309", "unknown unit \"e\"");
  refuses("1e309s", "unknown unit \"e\"");
  refuses("100h", "too long");
  refuses("2h1ms", "too long");
  refuses("7201s", "too long");
  refuses("99999999999999999999999s", "too long");
  refuses("9223372036854775807ms", "too long");
  refuses("2m1h", "out of order");
  refuses("2m1h", "write 1h2m");
  refuses("1m1m", "out of order or repeated");
  refuses("30ms1s", "out of order");
  refuses("1.5m", "write 1m30s");
  refuses("0.5s", "write 500ms");
  refuses("1.2345s", "not a whole number");
  refuses("1m 30s", "space");
  refuses("30 s", "space");
  refuses("abc", "not a duration");
  refuses("length", "not a duration");
  refuses("+5s", "not a duration");
  refuses("5x", "unknown unit \"x\"");
  refuses("5S", "unknown unit");
  refuses("5sec", "unknown unit");
  refuses("1h-5m", "unknown unit");

  /* A NULL or empty why buffer is allowed. */
  int64_t ms = 7;
  CHECK(duration_parse("nope", &ms, NULL, 0) == COACH_E_INVALID && ms == 7);
  char tiny[4];
  CHECK(duration_parse("30", &ms, tiny, sizeof(tiny)) == COACH_E_INVALID && strlen(tiny) == 3);

  formats(0, "0s");
  formats(500, "500ms");
  formats(1000, "1s");
  formats(90000, "1m30s");
  formats(3600000, "1h");
  formats(3661001, "1h1m1s1ms");
  formats(DURATION_MAX_MS, "2h");
  formats(100LL * 3600000, "100h");
  formats(-1500, "-1s500ms");
  char small[4];
  duration_format(3661001, small, sizeof(small));
  CHECK(strlen(small) == 3);

  clock(0, "0:00.000");
  clock(723250, "12:03.250");
  clock(3723000, "1:02:03.000");
  clock(59999, "0:59.999");
  clock(-1000, "-0:01.000");

  pattern_ok("4-0-6-0", 4000, 0, 6000, 0);
  pattern_ok("4.5-1-5.5-0", 4500, 1000, 5500, 0);
  pattern_ok("1-0-1-0", 1000, 0, 1000, 0);
  pattern_ok("30-30-30-30", 30000, 30000, 30000, 30000);
  pattern_ok("4 - 7 - 8 - 0", 4000, 7000, 8000, 0);
  pattern_bad("4-0-6", "has 3 parts");
  pattern_bad("4-0-6-0-2", "has 5 parts");
  pattern_bad("4", "has 1 part,");
  pattern_bad("", "no pattern");
  pattern_bad("4-0--0", "empty");
  pattern_bad("-4-0-6-0", "has 5 parts");
  pattern_bad("4.25-0-6-0", "more than one decimal");
  pattern_bad("4.-0-6-0", "not a number");
  pattern_bad(".5-0-6-0", "not a number");
  pattern_bad("4s-0-6-0", "not a number");
  pattern_bad("x-0-6-0", "not a number");
  pattern_bad("0.5-0-6-0", "breathing in is shorter than 1 second");
  pattern_bad("4-0-0-0", "breathing out is shorter than 1 second");
  pattern_bad("31-0-6-0", "longer than 30 seconds");
  pattern_bad("4-0-6-30.1", "longer than 30 seconds");
  pattern_bad("4-99999999999999999999-6-0", "longer than 30 seconds");
  return check_done();
}
