/* care-server-witness.c: `carelog-server witness`, another party that
 * watches a co-op's log and cosigns what it checked.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A witness (another co-op, the commissioner) keeps its own folder: its
 * signing key (witness.key), the co-op's log key as first seen (coop.key)
 * and the last checkpoint it checked (checkpoint.json). Each round it asks
 * the co-op's log for its latest checkpoint and a consistency proof from
 * the one it kept, checks both with the verifier (never the code that
 * builds the log), keeps the new one and cosigns it. A co-op that
 * rewrote, shrank or forked its log gets no cosignature: the witness says
 * so on standard error, keeps the alarm in its folder and exits 1
 * (docs/verifying-records.md, "Witnesses").
 */
#include "care-config.h"

#include "care-server-witness.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "care-chain.h"
#include "care-log-answer.h"
#include "care-private.h"
#include "care-sign.h"
#include "care-sync-client.h"

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_strstrip (text);
  return text;
}

/* Written whole or not at all, 0600, synced. */
static gboolean
write_file (const char *dir,
            const char *name,
            const char *text,
            GError    **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  int fd = care_private_open (tmp, O_WRONLY | O_CREAT | O_TRUNC, error);
  gsize len = strlen (text);

  if (fd < 0)
    return FALSE;
  if (write (fd, text, len) != (ssize_t) len || fsync (fd) != 0 || close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "Cannot write %s: %s", path,
                   g_strerror (errno));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

static int
witness_init (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *existing = read_file (dir, "witness.key");
  g_autofree char *key = NULL;
  g_autofree char *pub = NULL;

  if (existing != NULL)
    {
      pub = care_sign_public_key (existing);
      if (pub == NULL)
        {
          g_printerr ("carelog-server: %s/witness.key is not a witness key.\n", dir);
          return 1;
        }
      g_print ("%s\n", pub);
      return 0;
    }
  if (!care_private_mkdir (dir, &error) || (key = care_sign_key_new (&error)) == NULL
      || !write_file (dir, "witness.key", key, &error))
    {
      g_printerr ("carelog-server: %s\n", error->message);
      return 1;
    }
  pub = care_sign_public_key (key);
  g_print ("%s\n", pub);
  g_printerr ("carelog-server: this is the witness's public key; the co-op registers it with\n"
              "  carelog-server witnesses add DIR NAME %s\n", pub);
  return 0;
}

/* One round: 0 checked and cosigned, 1 the co-op's log contradicts what
 * the witness kept (alarm), 2 the co-op could not be asked or would not
 * take the cosignature (tried again next round). */
static int
witness_round (const char     *dir,
               CareSyncClient *client,
               const char     *private_key)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CareLogAnswer) answer = NULL;
  g_autoptr(CareCheckpoint) last = NULL;
  g_autofree char *kept = read_file (dir, "checkpoint.json");
  g_autofree char *pinned = read_file (dir, "coop.key");
  g_autofree char *alarm = read_file (dir, "alarm");
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  g_autofree char *root_text = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) cosignature = NULL;
  g_autofree char *pub = care_sign_public_key (private_key);
  CareCheckpointStep step;
  gboolean included;

  if (alarm != NULL)
    {
      g_printerr ("carelog-server: witness: ALARM (kept since it was raised; remove %s/alarm once the co-op "
                  "has explained it): %s\n", dir, alarm);
      return 1;
    }
  last = kept != NULL ? care_checkpoint_from_string (kept, NULL) : NULL;
  care_sync_client_log_async (client, last != NULL ? (gint64) last->size : 0, NULL, NULL, done_cb, &w);
  g_main_loop_run (loop);
  root = care_sync_client_log_finish (client, w.result, &error);
  g_clear_object (&w.result);
  if (root == NULL)
    {
      g_printerr ("carelog-server: witness: cannot read the co-op's log: %s\n", error->message);
      return 2;
    }
  answer = care_log_answer_decode (root, &error);
  if (answer == NULL || !care_log_answer_check (answer, last, pinned, NULL, &step, &included, &error))
    {
      if (answer != NULL && error->code == CARE_SYNC_ERROR_LOG)
        {
          write_file (dir, "alarm", error->message, NULL);
          g_printerr ("carelog-server: witness: ALARM: %s\n", error->message);
          return 1;
        }
      g_printerr ("carelog-server: witness: %s\n", error->message);
      return 2;
    }
  if (step == CARE_CHECKPOINT_NEW_EPOCH)
    g_print ("The co-op declared a new epoch of its log (%s): a restore from a backup. Ask the co-op why.\n",
             answer->checkpoint->epoch);
  text = care_checkpoint_to_string (answer->checkpoint);
  if ((pinned == NULL && !write_file (dir, "coop.key", answer->checkpoint->key, &error))
      || !write_file (dir, "checkpoint.json", text, &error))
    {
      g_printerr ("carelog-server: witness: %s\n", error->message);
      return 2;
    }
  message = care_checkpoint_cosign_message (answer->checkpoint);
  root_text = care_base64url_encode (answer->checkpoint->root, sizeof answer->checkpoint->root);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, pub);
  json_builder_set_member_name (b, "sig");
  {
    g_autofree char *sig = care_sign (private_key, message);

    json_builder_add_string_value (b, sig);
  }
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) answer->checkpoint->size);
  json_builder_set_member_name (b, "root");
  json_builder_add_string_value (b, root_text);
  json_builder_end_object (b);
  cosignature = json_builder_get_root (b);
  care_sync_client_cosign_async (client, cosignature, NULL, done_cb, &w);
  g_main_loop_run (loop);
  if (!care_sync_client_cosign_finish (client, w.result, &error))
    {
      g_clear_object (&w.result);
      g_printerr ("carelog-server: witness: checked the co-op's log of %" G_GUINT64_FORMAT " records; the co-op "
                  "did not take the cosignature: %s\n", answer->checkpoint->size, error->message);
      return 2;
    }
  g_clear_object (&w.result);
  g_print ("Checked and cosigned the co-op's log of %" G_GUINT64_FORMAT " records (epoch %s).\n",
           answer->checkpoint->size, answer->checkpoint->epoch);
  return 0;
}

static gboolean
quit_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_CONTINUE;
}

static int
witness_watch (const char *dir,
               const char *url,
               const char *pin,
               gboolean    once,
               int         every)
{
  g_autofree char *private_key = read_file (dir, "witness.key");
  g_autoptr(CareSyncClient) client = NULL;
  gboolean stop = FALSE;
  int rc;

  if (private_key == NULL || care_sign_public_key (private_key) == NULL)
    {
      g_printerr ("carelog-server: %s holds no witness key; make one with “carelog-server witness init %s”.\n",
                  dir, dir);
      return 2;
    }
  g_free (care_sign_public_key (private_key));
  if (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://127.0.0.1")
      && !g_str_has_prefix (url, "http://[::1]") && !g_str_has_prefix (url, "http://localhost"))
    {
      g_printerr ("carelog-server: the co-op's address must be https:// (plain http only on loopback).\n");
      return 2;
    }
  if (g_str_has_prefix (url, "https://") && (pin == NULL || !g_str_has_prefix (pin, "sha256/")))
    {
      g_printerr ("carelog-server: give --pin sha256/…: the co-op's certificate pin, as its “carelog-server "
                  "serve” prints it and its enrolment lines carry.\n");
      return 2;
    }
  client = care_sync_client_new (url, pin, NULL, NULL);
  care_sync_client_set_protocol (client, 2);
  g_unix_signal_add (SIGTERM, quit_cb, &stop);
  g_unix_signal_add (SIGINT, quit_cb, &stop);
  for (;;)
    {
      gint64 until;

      rc = witness_round (dir, client, private_key);
      if (once || rc == 1)
        return rc;
      until = g_get_monotonic_time () + (gint64) every * G_USEC_PER_SEC;
      while (!stop && g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, TRUE);
      if (stop)
        return 0;
    }
}

int
care_server_witness_main (int    argc,
                          char **argv)
{
  g_autofree char *pin = NULL;
  gboolean once = FALSE;
  int every = 60;
  GOptionEntry entries[] = {
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, NULL, NULL },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, NULL, NULL },
    { "every", 0, 0, G_OPTION_ARG_INT, &every, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_option_context_set_help_enabled (ctx, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("carelog-server: %s\n", error->message);
      return 2;
    }
  if (argc == 3 && g_str_equal (argv[1], "init"))
    return witness_init (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "watch") && every >= 1)
    return witness_watch (argv[2], argv[3], pin, once, every);
  g_printerr ("Usage:\n"
              "  carelog-server witness init WDIR   (make the witness's key; prints its public half)\n"
              "  carelog-server witness watch WDIR URL [--pin PIN] [--once] [--every SECONDS]\n");
  return 2;
}
