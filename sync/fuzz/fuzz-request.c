/* fuzz-request.c: libFuzzer target for everything carelog-server decodes
 * from the network: gzip bodies, JSON bodies (UTF-8 and depth checks),
 * push requests of protocols 1 and 2 (with care_event_validate on every
 * record; a protocol-2 batch that decodes must encode and decode again to
 * the same records), pull requests,
 * and the enrolment line a tablet scans.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built and run briefly by the default test run (tests/sync/server,
 * "fuzz-request", when clang is installed); see README "Co-op server" for a
 * longer run.
 */
#include "care-config.h"

#include <stdint.h>
#include <string.h>

#include "care-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
decode_body (const char *data,
             gsize       size)
{
  g_autoptr(JsonNode) root = care_protocol_parse_object (data, size, NULL);
  g_autoptr(CarePushRequest) push = NULL;
  g_autoptr(CarePullRequest) pull = NULL;
  g_autoptr(CarePushRequest) push2 = NULL;

  /* Protocol 2 reads the text itself: whatever it takes is JSON the tree
   * reader takes too. */
  push2 = care_push_request_decode_v2 (data, size, "d-fuzz", NULL);
  if (push2 != NULL && root == NULL)
    __builtin_trap ();
  if (root == NULL)
    return;
  if (push2 != NULL)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new ();

      for (guint i = 0; i < push2->entries->len; i++)
        {
          CarePushEntry *entry = g_ptr_array_index (push2->entries, i);

          if (entry->event != NULL)
            {
              entry->event->seq = events->len + 1;
              g_ptr_array_add (events, entry->event);
            }
        }
      if (events->len > 0)
        {
          g_autoptr(GBytes) again = care_push_request_encode_v2 (events, NULL);
          g_autoptr(CarePushRequest) twice = care_push_request_decode_v2 (g_bytes_get_data (again, NULL),
                                                                           g_bytes_get_size (again), "d-fuzz", NULL);

          if (twice == NULL || twice->entries->len != events->len)
            __builtin_trap ();
          for (guint i = 0; i < events->len; i++)
            {
              CareEvent *a = g_ptr_array_index (events, i);
              CareEvent *b = ((CarePushEntry *) g_ptr_array_index (twice->entries, i))->event;
              g_autofree char *ja = care_json_object_to_string (a->body);
              g_autofree char *jb = b ? care_json_object_to_string (b->body) : NULL;

              if (b == NULL || g_strcmp0 (a->id, b->id) != 0 || a->hlc != b->hlc || a->wall != b->wall
                  || g_strcmp0 (ja, jb) != 0)
                __builtin_trap ();
            }
        }
    }
  push = care_push_request_decode (root, "d-fuzz", NULL);
  pull = care_pull_request_decode (root, NULL);
  if (push != NULL)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new ();
      g_autoptr(GBytes) again = NULL;

      for (guint i = 0; i < push->entries->len; i++)
        {
          CarePushEntry *entry = g_ptr_array_index (push->entries, i);

          if (entry->event != NULL)
            g_ptr_array_add (events, entry->event);
        }
      /* What decodes must encode again. */
      if (events->len > 0)
        again = care_push_request_encode (events);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(CareEnrolmentLine) line = NULL;

  decode_body ((const char *) data, size);
  if (size > 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      inflated = care_gunzip (data, size, 1024 * 1024, NULL);
      if (inflated != NULL)
        decode_body (g_bytes_get_data (inflated, NULL), g_bytes_get_size (inflated));
    }
  line = care_enrolment_line_parse (text, NULL);
  if (line != NULL)
    g_free (care_enrolment_line_format (line));
  return 0;
}
