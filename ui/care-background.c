/* care-background.c: keep the sync daemon running through the XDG
 * Background portal, and say what happens when it cannot.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the Flatpak, carelog-syncd is started by D-Bus activation and
 * lives as long as the session. To start it again after the tablet
 * restarts, the app asks the Background portal for autostart with the
 * command line "carelog-syncd" (docs/deployment.md, "On the tablets"). The
 * portal is called over GDBus directly: subscribe to the Response signal of
 * the Request object named by our handle_token first, then call
 * RequestBackground; older portals may return another handle, which is
 * then followed instead.
 *
 * The answer is kept by the window's sync monitor; the sync indicator's
 * popover binds a line to it ("sync-background", above "Sync now"): where
 * the portal is missing or refuses, it tells the carer to open Carelog once
 * after switching the tablet on. Nothing here blocks or fails the app.
 */
#include "care-config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "care-background.h"
#include "care-ui-util.h"

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND  "org.freedesktop.portal.Background"
#define PORTAL_REQUEST     "org.freedesktop.portal.Request"


typedef struct
{
  GWeakRef window;
  GDBusConnection *bus;
  GCancellable *cancellable;
  char *handle;
  guint response_id;
  gboolean replied;   /* RequestBackground returned */
  gboolean answered;  /* Response arrived (it may come first) */
} Request;

static void
request_free (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_weak_ref_clear (&request->window);
  g_clear_object (&request->bus);
  g_clear_object (&request->cancellable);
  g_free (request->handle);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static gboolean
should_ask (void)
{
  const char *force = g_getenv ("CARELOG_BACKGROUND_PORTAL");

  if (force != NULL && *force != '\0')
    return g_strcmp0 (force, "0") != 0;
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

static void
set_status (CareWindow           *window,
            CareBackgroundStatus  status)
{
  const char *message = NULL;

  switch (status)
    {
    case CARE_BACKGROUND_GRANTED:
      message = _("Sync goes on when Carelog is closed, and starts by itself when this tablet is switched on.");
      break;
    case CARE_BACKGROUND_REFUSED:
    case CARE_BACKGROUND_UNAVAILABLE:
      message = _("Sync runs while Carelog is open or was opened since this tablet started. "
                  "This tablet cannot start it by itself: open Carelog once after switching the tablet on.");
      break;
    case CARE_BACKGROUND_NOT_NEEDED:
    case CARE_BACKGROUND_ASKING:
    default:
      break;
    }
  if (care_window_get_sync_monitor (window) != NULL)
    care_sync_monitor_set_background (care_window_get_sync_monitor (window), status, message);
  else if (message != NULL && status != CARE_BACKGROUND_GRANTED)
    care_window_show_toast (window, message);
}

static void
finish (Request              *request,
        CareBackgroundStatus  status)
{
  g_autoptr(CareWindow) window = g_weak_ref_get (&request->window);

  if (window != NULL)
    set_status (window, status);
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  Request *request = user_data;
  g_autoptr(GVariant) results = NULL;
  gboolean background = FALSE, autostart = FALSE;
  guint32 response = 2;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  g_variant_lookup (results, "autostart", "b", &autostart);
  g_debug ("Background portal answered %u (background %d, autostart %d)",
           response, background, autostart);
  /* 0: the user answered (the results say what was allowed); 1: the user
   * cancelled; 2: the portal could not ask (no backend for it). */
  if (response == 0 && background && autostart)
    finish (request, CARE_BACKGROUND_GRANTED);
  else if (response == 2)
    finish (request, CARE_BACKGROUND_UNAVAILABLE);
  else
    finish (request, CARE_BACKGROUND_REFUSED);
  request->answered = TRUE;
  g_dbus_connection_signal_unsubscribe (bus, request->response_id);
  request->response_id = 0;
  if (request->replied)
    request_free (request);
}

static void
subscribe (Request    *request,
           const char *handle)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_free (request->handle);
  request->handle = g_strdup (handle);
  request->response_id =
    g_dbus_connection_signal_subscribe (request->bus, PORTAL_BUS_NAME, PORTAL_REQUEST,
                                        "Response", request->handle, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, response_cb, request, NULL);
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  const char *handle = NULL;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("No Background portal: %s", error->message);
          finish (request, CARE_BACKGROUND_UNAVAILABLE);
        }
      request_free (request);
      return;
    }
  request->replied = TRUE;
  if (request->answered)
    {
      request_free (request);
      return;
    }
  g_variant_get (reply, "(&o)", &handle);
  /* Portals before 0.9 choose the handle themselves: follow theirs. */
  if (g_strcmp0 (handle, request->handle) != 0)
    subscribe (request, handle);
}

static void
bus_ready_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *handle = NULL;
  const char *commandline[] = { "carelog-syncd", NULL };
  GVariantBuilder options;
  Request *pending;

  request->bus = g_bus_get_finish (result, &error);
  if (request->bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("No session bus for the Background portal: %s", error->message);
          finish (request, CARE_BACKGROUND_UNAVAILABLE);
        }
      return;
    }

  /* The Request object's path: our unique name without ':' and with '_'
   * for '.', and a token of our own. */
  sender = g_strdup (g_dbus_connection_get_unique_name (request->bus) + 1);
  g_strdelimit (sender, ".", '_');
  token = g_strdup_printf ("carelog%u", g_random_int ());
  handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);
  subscribe (request, handle);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keep sending care records to the co-op when Carelog is closed, and after the tablet restarts.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  /* A window handle would let the portal put its dialog over ours; an
   * empty one is allowed. */
  pending = g_steal_pointer (&request); /* owned by the call, then by the Response */
  g_dbus_connection_call (pending->bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          PORTAL_BACKGROUND, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          pending->cancellable, call_cb, pending);
}

void
care_background_request (CareWindow *window)
{
  Request *request;

  g_return_if_fail (CARE_IS_WINDOW (window));

  if (!should_ask ())
    {
      set_status (window, CARE_BACKGROUND_NOT_NEEDED);
      return;
    }
  set_status (window, CARE_BACKGROUND_ASKING);
  request = g_new0 (Request, 1);
  g_weak_ref_init (&request->window, window);
  request->cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SESSION, request->cancellable, bus_ready_cb, request);
}

CareBackgroundStatus
care_background_get_status (CareWindow *window)
{
  g_return_val_if_fail (CARE_IS_WINDOW (window), CARE_BACKGROUND_NOT_NEEDED);

  if (care_window_get_sync_monitor (window) == NULL)
    return CARE_BACKGROUND_NOT_NEEDED;
  return care_sync_monitor_get_background_status (care_window_get_sync_monitor (window));
}

const char *
care_background_get_message (CareWindow *window)
{
  g_return_val_if_fail (CARE_IS_WINDOW (window), NULL);

  if (care_window_get_sync_monitor (window) == NULL)
    return NULL;
  return care_sync_monitor_get_background_message (care_window_get_sync_monitor (window));
}
