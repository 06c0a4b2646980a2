/* duration — parsing and printing the time values routine files use. */
#include "duration.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Units in the only order a duration may use them, largest first. */
static const struct {
  const char *suffix;
  int64_t ms;
} units[] = {
  {"h", 3600000},
  {"m", 60000},
  {"s", 1000},
  {"ms", 1},
};
#define N_UNITS ((int)(sizeof(units) / sizeof(units[0])))

/* Any amount above this is refused before it is multiplied, so nothing overflows. */
#define AMOUNT_CAP (DURATION_MAX_MS + 1)

/* Echoed input is cut so that a long value cannot crowd the advice out of the message. */
#define ECHO_MAX 40

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* The unit spelled at p: "ms" must win over "m" when both would match. */
static int unit_at(const char *p, size_t *suffix_len)
{
  if(p[0] == 'm' && p[1] == 's') {
    *suffix_len = 2;
    return 3;
  }
  for(int u = 0; u < N_UNITS; u++) {
    if(strlen(units[u].suffix) == 1 && p[0] == units[u].suffix[0]) {
      *suffix_len = 1;
      return u;
    }
  }
  return -1;
}

/* Reads a run of digits, capped at AMOUNT_CAP; returns the number of digits read. */
static size_t read_amount(const char *p, int64_t *amount)
{
  size_t n = 0;
  int64_t v = 0;
  while(is_digit(p[n])) {
    if(v < AMOUNT_CAP)
      v = v * 10 + (p[n] - '0');
    n++;
  }
  *amount = v > AMOUNT_CAP ? AMOUNT_CAP : v;
  return n;
}

/* "1.5m" is a common way to say 90 s: work out what the user meant so the error can show
 * the form to write. Returns false when the fraction is not a whole number of ms. */
static bool fraction_in_ms(const char *p, int64_t whole, int64_t unit_ms, int64_t *ms)
{
  /* p points just after the '.' */
  int64_t frac = 0, scale = 1;
  size_t n = 0;
  while(is_digit(p[n])) {
    if(n >= 6)
      return false;
    frac = frac * 10 + (p[n] - '0');
    scale *= 10;
    n++;
  }
  if(!n || whole >= AMOUNT_CAP)
    return false;
  if((frac * unit_ms) % scale)
    return false;
  *ms = whole * unit_ms + frac * unit_ms / scale;
  return true;
}

coach_rc duration_parse(const char *text, int64_t *ms, char *why, size_t why_len)
{
  if(!text || !*text) {
    coach_why(why, why_len, "no duration given (write one with a unit, e.g. 30s or 2m)");
    return COACH_E_INVALID;
  }
  const int echo = ECHO_MAX;
  if(text[0] == '-') {
    coach_why(why, why_len, "\"%.*s\" is negative (a duration is 0s or more)", echo, text);
    return COACH_E_INVALID;
  }
  if(strpbrk(text, " \t")) {
    coach_why(why, why_len, "\"%.*s\" contains a space (write the parts together, e.g. 1m30s)",
            echo, text);
    return COACH_E_INVALID;
  }
  if(!is_digit(text[0])) {
    coach_why(why, why_len,
            "\"%.*s\" is not a duration (write a whole number with a unit, e.g. 30s or 2m)",
            echo, text);
    return COACH_E_INVALID;
  }

  int64_t total = 0;
  int last_unit = -1;
  bool out_of_order = false, too_long = false;
  const char *p = text, *unit_start = NULL;
  while(*p) {
    int64_t amount;
    size_t digits = read_amount(p, &amount);
    if(!digits) {
      /* Letters after a unit: the unit is longer than it should be ("5sec"). */
      size_t bad = (size_t)(p - unit_start);
      while(unit_start[bad] && !is_digit(unit_start[bad]))
        bad++;
      coach_why(why, why_len, "\"%.*s\" has an unknown unit \"%.*s\" (use h, m, s or ms)", echo,
              text, (int)(bad > ECHO_MAX ? ECHO_MAX : bad), unit_start);
      return COACH_E_INVALID;
    }
    p += digits;
    if(*p == '.' || *p == ',') {
      const char *after = p + 1;
      while(is_digit(*after))
        after++;
      size_t suffix_len;
      int u = unit_at(after, &suffix_len);
      int64_t meant;
      if(u >= 0 && !after[suffix_len] && last_unit < 0 && *p == '.' &&
         fraction_in_ms(p + 1, amount, units[u].ms, &meant) && meant <= DURATION_MAX_MS) {
        char better[32];
        duration_format(meant, better, sizeof(better));
        coach_why(why, why_len, "\"%.*s\" is not a whole number (write %s)", echo, text, better);
      }
      else
        coach_why(why, why_len,
                "\"%.*s\" is not a whole number (use a smaller unit, e.g. 1m30s or 500ms)", echo,
                text);
      return COACH_E_INVALID;
    }
    if(!*p) {
      if(last_unit < 0)
        coach_why(why, why_len, "\"%.*s\" has no unit (write %.*ss or %.*sm)", echo, text, echo,
                text, echo, text);
      else
        coach_why(why, why_len, "\"%.*s\" ends in a number without a unit (add h, m, s or ms)",
                echo, text);
      return COACH_E_INVALID;
    }
    size_t suffix_len;
    int u = unit_at(p, &suffix_len);
    if(u < 0) {
      /* Name the whole unknown suffix up to the next digit: "e309" in "1e309". */
      size_t bad = 0;
      while(p[bad] && !is_digit(p[bad]))
        bad++;
      coach_why(why, why_len, "\"%.*s\" has an unknown unit \"%.*s\" (use h, m, s or ms)", echo,
              text, (int)(bad > ECHO_MAX ? ECHO_MAX : bad), p);
      return COACH_E_INVALID;
    }
    unit_start = p;
    p += suffix_len;
    if(u <= last_unit)
      out_of_order = true;
    last_unit = u;
    if(amount > DURATION_MAX_MS / units[u].ms)
      too_long = true;
    else
      total += amount * units[u].ms;
    if(total > DURATION_MAX_MS)
      too_long = true;
  }

  char max_text[32];
  duration_format(DURATION_MAX_MS, max_text, sizeof(max_text));
  if(too_long) {
    coach_why(why, why_len, "\"%.*s\" is too long (a duration is at most %s)", echo, text,
            max_text);
    return COACH_E_INVALID;
  }
  if(out_of_order) {
    char better[32];
    duration_format(total, better, sizeof(better));
    coach_why(why, why_len,
            "\"%.*s\" has its units out of order or repeated (largest first, each once: "
            "write %s)",
            echo, text, better);
    return COACH_E_INVALID;
  }
  *ms = total;
  return COACH_OK;
}

void duration_format(int64_t ms, char *buf, size_t len)
{
  if(!buf || !len)
    return;
  if(ms == 0) {
    snprintf(buf, len, "0s");
    return;
  }
  /* Negative values are never parsed back; they are shown plainly for debugging. */
  const char *sign = "";
  uint64_t rest = (uint64_t)ms;
  if(ms < 0) {
    sign = "-";
    rest = (uint64_t)0 - (uint64_t)ms;
  }
  size_t used = (size_t)snprintf(buf, len, "%s", sign);
  for(int u = 0; u < N_UNITS && used < len; u++) {
    uint64_t amount = rest / (uint64_t)units[u].ms;
    rest %= (uint64_t)units[u].ms;
    if(amount)
      used += (size_t)snprintf(buf + used, len - used, "%" PRIu64 "%s", amount, units[u].suffix);
  }
}

void duration_format_clock(int64_t ms, char *buf, size_t len)
{
  if(!buf || !len)
    return;
  const char *sign = "";
  uint64_t v = (uint64_t)ms;
  if(ms < 0) {
    sign = "-";
    v = (uint64_t)0 - (uint64_t)ms;
  }
  uint64_t h = v / 3600000, m = v / 60000 % 60, s = v / 1000 % 60, milli = v % 1000;
  if(h)
    snprintf(buf, len, "%s%" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, sign, h, m, s,
             milli);
  else
    snprintf(buf, len, "%s%" PRIu64 ":%02" PRIu64 ".%03" PRIu64, sign, m, s, milli);
}

/* One part of a breathing pattern: seconds with at most one decimal, e.g. "4" or "4.5". */
static coach_rc breath_part_parse(const char *part, size_t n, int64_t *ms, char *why,
                                  size_t why_len)
{
  while(n && (*part == ' ' || *part == '\t')) {
    part++;
    n--;
  }
  while(n && (part[n - 1] == ' ' || part[n - 1] == '\t'))
    n--;
  int echo = n > ECHO_MAX ? ECHO_MAX : (int)n;
  if(!n) {
    coach_why(why, why_len, "a part is empty (write four numbers of seconds, e.g. 4-0-6-0)");
    return COACH_E_INVALID;
  }
  size_t i = 0;
  int64_t whole = 0;
  while(i < n && is_digit(part[i])) {
    if(whole <= BREATH_PHASE_MAX_MS)
      whole = whole * 10 + (part[i] - '0');
    i++;
  }
  int64_t tenths = 0;
  bool ok = i > 0;
  if(ok && i < n && part[i] == '.') {
    if(i + 2 == n && is_digit(part[i + 1]))
      tenths = part[i + 1] - '0';
    else if(i + 2 < n && is_digit(part[i + 1]) && is_digit(part[i + 2])) {
      coach_why(why, why_len, "\"%.*s\" has more than one decimal (round it, e.g. 4.5)", echo,
              part);
      return COACH_E_INVALID;
    }
    else
      ok = false;
    i = n;
  }
  if(!ok || i != n) {
    coach_why(why, why_len, "\"%.*s\" is not a number of seconds (write e.g. 4 or 4.5)", echo,
            part);
    return COACH_E_INVALID;
  }
  if(whole > BREATH_PHASE_MAX_MS / 1000) {
    *ms = BREATH_PHASE_MAX_MS + 1;
    return COACH_OK;
  }
  *ms = whole * 1000 + tenths * 100;
  return COACH_OK;
}

coach_rc breath_pattern_parse(const char *text, breath_pattern *out, char *why, size_t why_len)
{
  static const char *const part_names[4] = {"breathing in", "the hold after breathing in",
                                            "breathing out", "the hold after breathing out"};
  if(!text || !*text) {
    coach_why(why, why_len, "no pattern given (write IN-HOLD-OUT-HOLD in seconds, e.g. 4-0-6-0)");
    return COACH_E_INVALID;
  }
  /* Count the parts first so "4-0-6" is named as the problem, not its last part. */
  int parts = 1;
  for(const char *c = text; *c; c++)
    parts += *c == '-';
  if(parts != 4) {
    coach_why(why, why_len,
            "\"%.*s\" has %d part%s, not 4 (write IN-HOLD-OUT-HOLD in seconds, e.g. 4-0-6-0)",
            ECHO_MAX, text, parts, parts == 1 ? "" : "s");
    return COACH_E_INVALID;
  }
  int64_t ms[4];
  const char *p = text;
  for(int i = 0; i < 4; i++) {
    const char *dash = strchr(p, '-');
    size_t part_len = dash ? (size_t)(dash - p) : strlen(p);
    coach_rc rc = breath_part_parse(p, part_len, &ms[i], why, why_len);
    if(rc)
      return rc;
    if(dash)
      p = dash + 1;
  }
  for(int i = 0; i < 4; i++) {
    if(ms[i] > BREATH_PHASE_MAX_MS) {
      coach_why(why, why_len, "%s is longer than %d seconds (make each part at most %d)",
              part_names[i], BREATH_PHASE_MAX_MS / 1000, BREATH_PHASE_MAX_MS / 1000);
      return COACH_E_INVALID;
    }
  }
  for(int i = 0; i < 4; i += 2) {
    if(ms[i] < 1000) {
      coach_why(why, why_len, "%s is shorter than 1 second (make it at least 1)", part_names[i]);
      return COACH_E_INVALID;
    }
  }
  out->in_ms = ms[0];
  out->hold_in_ms = ms[1];
  out->out_ms = ms[2];
  out->hold_out_ms = ms[3];
  return COACH_OK;
}
