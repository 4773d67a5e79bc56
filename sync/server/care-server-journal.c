/* care-server-journal.c: the co-op server's restore-safe device journal.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "care-config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "care-server-journal.h"
#include "care-server-store.h"

#define JOURNAL_NAME "devices.journal"

static const char *kinds[] = { "enrolled", "revoked", "restored" };

static gboolean
append (const char  *dir,
        JsonBuilder *builder,
        GError     **error)
{
  g_autofree char *path = g_build_filename (dir, JOURNAL_NAME, NULL);
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);
  g_autofree char *line = g_strconcat (text, "\n", NULL);
  gsize len = strlen (line), done = 0;
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot open %s: %s", path, g_strerror (errno));
      return FALSE;
    }
  /* One write of one line: appends from the server and an administration
   * command do not interleave. */
  while (done < len)
    {
      ssize_t n = write (fd, line + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      done += (gsize) n;
    }
  if (done < len || fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot write %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static JsonBuilder *
begin (CareJournalKind kind,
       gint64          at)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "a");
  json_builder_add_string_value (b, kinds[kind]);
  json_builder_set_member_name (b, "at");
  json_builder_add_int_value (b, at);
  return b;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value ? value : "");
}

gboolean
care_server_journal_enrolled (const char  *dir,
                              const char  *device,
                              const char  *member,
                              const char  *name,
                              const char  *key_hash,
                              gint64       at,
                              GError     **error)
{
  g_autoptr(JsonBuilder) b = begin (CARE_JOURNAL_ENROLLED, at);

  add_string (b, "device", device);
  add_string (b, "member", member);
  add_string (b, "name", name);
  add_string (b, "key_hash", key_hash);
  json_builder_end_object (b);
  return append (dir, b, error);
}

gboolean
care_server_journal_revoked (const char  *dir,
                             const char  *device,
                             const char  *mode,
                             gint64       at,
                             GError     **error)
{
  g_autoptr(JsonBuilder) b = begin (CARE_JOURNAL_REVOKED, at);

  add_string (b, "device", device);
  add_string (b, "mode", mode);
  json_builder_end_object (b);
  return append (dir, b, error);
}

gboolean
care_server_journal_restored (const char  *dir,
                              gint64       coop_seq,
                              gint64       at,
                              GError     **error)
{
  g_autoptr(JsonBuilder) b = begin (CARE_JOURNAL_RESTORED, at);

  json_builder_set_member_name (b, "coop_seq");
  json_builder_add_int_value (b, coop_seq);
  json_builder_end_object (b);
  return append (dir, b, error);
}

static char *
dup_member (JsonObject *o,
            const char *name)
{
  const char *s = json_object_get_string_member_with_default (o, name, NULL);

  return s && *s ? g_strdup (s) : NULL;
}

static CareJournalEntry *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(CareJournalEntry) e = g_new0 (CareJournalEntry, 1);
  JsonObject *o;
  const char *kind;
  guint i;

  if (!json_parser_load_from_data (parser, line, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (o, "a", "");
  for (i = 0; i < G_N_ELEMENTS (kinds) && g_strcmp0 (kind, kinds[i]) != 0; i++)
    ;
  if (i == G_N_ELEMENTS (kinds))
    return NULL;
  e->kind = (CareJournalKind) i;
  e->at = json_object_get_int_member_with_default (o, "at", 0);
  e->device = dup_member (o, "device");
  e->member = dup_member (o, "member");
  e->name = dup_member (o, "name");
  e->key_hash = dup_member (o, "key_hash");
  e->mode = dup_member (o, "mode");
  e->coop_seq = json_object_get_int_member_with_default (o, "coop_seq", 0);
  if ((e->kind != CARE_JOURNAL_RESTORED && e->device == NULL)
      || (e->kind == CARE_JOURNAL_ENROLLED && (e->member == NULL || e->key_hash == NULL)))
    return NULL;
  return g_steal_pointer (&e);
}

GPtrArray *
care_server_journal_read (const char  *dir,
                          GError     **error)
{
  g_autofree char *path = g_build_filename (dir, JOURNAL_NAME, NULL);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) care_journal_entry_free);
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_set_error (error, CARE_SERVER_ERROR, CARE_SERVER_ERROR_IO, "Cannot read %s: %s", path, local->message);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      CareJournalEntry *e = lines[i][0] ? parse_line (lines[i]) : NULL;

      if (e != NULL)
        g_ptr_array_add (entries, e);
    }
  return g_steal_pointer (&entries);
}

void
care_journal_entry_free (CareJournalEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->device);
  g_free (entry->member);
  g_free (entry->name);
  g_free (entry->key_hash);
  g_free (entry->mode);
  g_free (entry);
}
