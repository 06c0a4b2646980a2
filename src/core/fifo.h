/* fifo — a first-in, first-out list threaded through its items: each item's type begins with
 * a fifo_link, so the list allocates nothing and an item is in one list at a time.
 *
 * Used for the hand-offs between coachd's threads (requests to the engine, answers back,
 * speech jobs and their results), each under its owner's lock: the list itself does no
 * locking. Pure; any thread that holds the list's lock.
 */
#ifndef COACH_FIFO_H
#define COACH_FIFO_H

#include <stddef.h>

typedef struct fifo_link {
  struct fifo_link *next;
} fifo_link;

typedef struct fifo {
  fifo_link *head, *tail;
} fifo;

static inline void fifo_push(fifo *q, fifo_link *item)
{
  item->next = NULL;
  if(q->tail)
    q->tail->next = item;
  else
    q->head = item;
  q->tail = item;
}

/* The oldest item, taken off the list; NULL when empty. */
static inline fifo_link *fifo_pop(fifo *q)
{
  fifo_link *item = q->head;
  if(item) {
    q->head = item->next;
    if(!q->head)
      q->tail = NULL;
    item->next = NULL;
  }
  return item;
}

/* Every item, oldest first, as a chain through next; the list is left empty. */
static inline fifo_link *fifo_take_all(fifo *q)
{
  fifo_link *all = q->head;
  q->head = q->tail = NULL;
  return all;
}

#endif
