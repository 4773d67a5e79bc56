/* test-contrast.c: every text on the main screens has a contrast of at
 * least 4.5:1 (WCAG 2 AA) against what is behind it, measured from the
 * rendered pixels, in the light and the dark style, and is at least 12 px.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each screen is rendered to a texture; for each visible label, the
 * colour most of its box has is taken as the background and the pixel
 * that differs most from it as the text's colour (anti-aliasing only ever
 * lightens a glyph's edges, its stems carry the full colour).
 */
#include "care-config.h"

#include <math.h>
#include <string.h>

#include "care-demo.h"
#include "care-test-util.h"
#include "care-ui-util.h"

#define MIN_CONTRAST 4.5
/* The smallest text a screen may show, in pixels of the font's size, with
 * GNOME's default interface font (Cantarell 11, body text 14.7 px): the
 * carers found secondary text at about 11 px too small to read on a tablet
 * held at arm's length. */
#define MIN_TEXT_PX 12.0
#define GNOME_FONT "Cantarell 11"

typedef struct
{
  guchar *pixels; /* gdk_texture_download(): B, G, R, A bytes; opaque */
  int width;
  int height;
  gsize stride;
} Image;

static double
channel (guchar value)
{
  double c = value / 255.0;

  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const guchar *p)
{
  return 0.2126 * channel (p[2]) + 0.7152 * channel (p[1]) + 0.0722 * channel (p[0]);
}

static double
contrast (double a,
          double b)
{
  return (MAX (a, b) + 0.05) / (MIN (a, b) + 0.05);
}

static Image
render (GtkWidget *window)
{
  int width = gtk_widget_get_width (window), height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  Image image = { NULL, width, height, (gsize) width * 4 };

  care_test_settle (window);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  image.pixels = g_malloc (image.stride * height);
  gdk_texture_download (texture, image.pixels, image.stride);
  return image;
}

/* The contrast of a label's text with its background, from the pixels
 * inside its box; 0 when the box holds a single colour (nothing drawn). */
static double
label_contrast (Image     *image,
                GtkWidget *label,
                GtkWidget *window)
{
  graphene_rect_t bounds;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint32 background = 0;
  guint best_count = 0;
  double background_luminance, best = 1;
  int x0, y0, x1, y1;

  if (!gtk_widget_compute_bounds (label, window, &bounds))
    return 0;
  /* Only labels wholly in sight: of a row half scrolled out of its list,
   * the visible sliver may hold only the faint top of the letters. */
  for (GtkWidget *up = gtk_widget_get_parent (label); up != NULL; up = gtk_widget_get_parent (up))
    {
      graphene_rect_t view;

      if (GTK_IS_SCROLLED_WINDOW (up) && gtk_widget_compute_bounds (up, window, &view)
          && !graphene_rect_contains_rect (&view, &bounds))
        return 0;
    }
  x0 = MAX (0, (int) bounds.origin.x);
  y0 = MAX (0, (int) bounds.origin.y);
  x1 = MIN (image->width, (int) (bounds.origin.x + bounds.size.width));
  y1 = MIN (image->height, (int) (bounds.origin.y + bounds.size.height));
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 rgb = 0;
        guint count;

        memcpy (&rgb, image->pixels + y * image->stride + x * 4, 3);
        count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (rgb))) + 1;
        g_hash_table_insert (counts, GUINT_TO_POINTER (rgb), GUINT_TO_POINTER (count));
        if (count > best_count)
          {
            best_count = count;
            background = rgb;
          }
      }
  if (g_hash_table_size (counts) < 2)
    return 0;
  background_luminance = luminance ((const guchar *) &background);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      best = MAX (best, contrast (background_luminance,
                                  luminance (image->pixels + y * image->stride + x * 4)));
  return best;
}

/* The label's font size in pixels, as its style sets it. */
static double
label_px (GtkWidget *label)
{
  const PangoFontDescription *font = pango_context_get_font_description (gtk_widget_get_pango_context (label));
  double size = (double) pango_font_description_get_size (font) / PANGO_SCALE;

  /* Points at the 96 dpi GTK lays out at, unless given in pixels. */
  return pango_font_description_get_size_is_absolute (font) ? size : size * 96.0 / 72.0;
}

static void
audit (GtkWidget  *widget,
       GtkWidget  *window,
       Image      *image,
       GString    *failures)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child) || gtk_widget_get_opacity (child) == 0)
        continue;
      if (GTK_IS_LABEL (child) && gtk_widget_is_sensitive (child)
          && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        {
          double ratio = label_contrast (image, child, window);
          double px = label_px (child);

          if (g_getenv ("CARELOG_TEST_PRINT_SIZES") != NULL)
            g_printerr ("%.1f px “%s”\n", px, gtk_label_get_text (GTK_LABEL (child)));
          if (px < MIN_TEXT_PX)
            g_string_append_printf (failures, "  “%s”: %.1f px (%s)\n",
                                    gtk_label_get_text (GTK_LABEL (child)), px,
                                    gtk_widget_get_css_classes (child)[0] != NULL
                                      ? gtk_widget_get_css_classes (child)[0] : "no class");

          if (ratio > 0 && ratio < MIN_CONTRAST)
            g_string_append_printf (failures, "  “%s”: %.2f:1 (%s)\n",
                                    gtk_label_get_text (GTK_LABEL (child)), ratio,
                                    gtk_widget_get_css_classes (child)[0] != NULL
                                      ? gtk_widget_get_css_classes (child)[0] : "no class");
        }
      audit (child, window, image, failures);
    }
}

static void
check_screen (CareWindow *window,
              const char *screen,
              GString    *failures)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  for (guint dark = 0; dark < 2; dark++)
    {
      g_autoptr(GString) found = g_string_new (NULL);
      Image image;

      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      image = render (GTK_WIDGET (window));
      audit (GTK_WIDGET (window), GTK_WIDGET (window), &image, found);
      g_free (image.pixels);
      if (found->len > 0)
        g_string_append_printf (failures, "%s (%s):\n%s", screen, dark ? "dark" : "light", found->str);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static gboolean
review_loaded (gpointer data)
{
  GtkWidget *list = care_find_named (data, "visit-list");

  return list != NULL && gtk_widget_get_first_child (list) != NULL;
}

static void
test_contrast (void)
{
  g_autofree char *dir = care_test_tmpdir ();
  g_autofree char *path = care_test_make_store (dir, TRUE);
  g_autofree char *sup_dir = care_test_tmpdir ();
  g_autofree char *sup_path = care_test_make_supervisor_store (sup_dir);
  g_autoptr(GString) failures = g_string_new (NULL);
  CareWindow *window = care_test_window_new (path, 800, 1280);
  GtkWidget *root = GTK_WIDGET (window);

  check_screen (window, "Today", failures);
  care_test_activate_row (root, "visits-list", 0);
  check_screen (window, "A finished visit with a query", failures);
  gtk_widget_activate_action (root, "win.back", NULL);
  care_window_set_view (window, "hours");
  check_screen (window, "Hours", failures);
  care_test_window_destroy (window);

  window = care_test_window_new (sup_path, 1280, 800);
  care_window_set_view (window, "review");
  care_test_wait (review_loaded, window, 30, "the visits to review");
  check_screen (window, "Review", failures);
  care_window_set_view (window, "timesheets");
  check_screen (window, "Timesheets", failures);
  care_test_window_destroy (window);

  if (failures->len > 0)
    g_error ("Text below %.1f:1 contrast or smaller than %.0f px:\n%s", MIN_CONTRAST, MIN_TEXT_PX,
             failures->str);
}

int
main (int   argc,
      char *argv[])
{
  care_test_init (&argc, &argv);
  /* Sizes as on a GNOME tablet, not as this session's default font. */
  g_object_set (gtk_settings_get_default (), "gtk-font-name", GNOME_FONT, NULL);
  g_test_add_func ("/ui/contrast/main-screens", test_contrast);
  return g_test_run ();
}
