/* test-json.c: care_json_parse against JSON-GLib's own parser.
 *
 * Copyright 2026 The Carelog developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whatever care_json_parse accepts, JsonParser accepts too and reads as the
 * same value: the same types (int64, double, string, ...), the members in
 * the same order, the same strings. Checked on hand-picked documents and on
 * 30,000 mutations of records as tablets send them.
 */
#include "care-config.h"

#include <string.h>

#include "care-json.h"

/* A node as text that keeps what json_node_equal does not: the type of
 * each number and the members' order. */
static void
describe (GString  *out,
          JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            g_string_append_printf (out, "%" G_GSIZE_FORMAT ":%s=", strlen (name), name);
            describe (out, member);
            g_string_append_c (out, ',');
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        {
          describe (out, json_array_get_element (json_node_get_array (node), i));
          g_string_append_c (out, ',');
        }
      g_string_append_c (out, ']');
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "i%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          g_string_append_printf (out, "d%.17g", json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          g_string_append_printf (out, "s%" G_GSIZE_FORMAT ":%s", strlen (json_node_get_string (node)),
                                  json_node_get_string (node));
          break;
        default:
          g_assert_not_reached ();
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

static char *
glib_reading (const char *text,
              gsize       len)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GString) out = g_string_new (NULL);

  if (!json_parser_load_from_data (parser, text, (gssize) len, NULL) || json_parser_get_root (parser) == NULL)
    return NULL;
  describe (out, json_parser_get_root (parser));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
our_reading (const char *text,
             gsize       len,
             GError    **error)
{
  g_autoptr(JsonNode) root = care_json_parse (text, len, 64, error);
  g_autoptr(GString) out = g_string_new (NULL);

  if (root == NULL)
    return NULL;
  describe (out, root);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What we accept, JSON-GLib reads the same; returns whether we accepted. */
static gboolean
agree (const char *text,
       gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = our_reading (text, len, &error);
  g_autofree char *theirs = NULL;

  if (ours == NULL)
    {
      g_assert_nonnull (error);
      return FALSE;
    }
  g_assert_no_error (error);
  theirs = glib_reading (text, len);
  if (g_strcmp0 (ours, theirs) != 0)
    g_error ("care_json_parse and JsonParser differ on «%.*s»: %s against %s", (int) len, text, ours,
             theirs ? theirs : "(refused)");
  return TRUE;
}

static void
test_documents (void)
{
  static const char *valid[] = {
    "{}", "[]", " {\"a\" : [1, -2, 3.5, -0.25e3, 1E2, true, false, null, \"x\"]}\n",
    "{\"visit\":\"v-1\",\"client\":\"c-1\",\"at\":1764900000000,\"tasks\":[{\"task\":\"t\",\"done\":true}]}",
    "\"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\\\ \\/ \\\"\"", "\"ünïcødé ✓\"", "0", "-0", "9223372036854775807",
    "-9223372036854775808", "{\"a\":1,\"a\":2}", "{\"b\":1,\"a\":2,\"c\":{\"z\":[],\"y\":{}}}", "[[[[]]]]",
  };
  static const char *invalid[] = {
    "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "+1", "1e", "--1",
    "\"unterminated", "\"bad \\x escape\"", "\"\\ud800\"", "\"\\udc00\"", "\"raw\ncontrol\"", "tru", "nul",
    "[1] 2", "9223372036854775808", "{\"a\":1}}", "\"\xff\"", "NaN", "Infinity", "'single'",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (agree (valid[i], strlen (valid[i])));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (agree (invalid[i], strlen (invalid[i])));
  /* An escaped NUL does not cut the string short. */
  {
    g_autoptr(JsonNode) node = care_json_parse ("\"a\\u0000b\"", 10, 8, NULL);

    g_assert_cmpstr (json_node_get_string (node), ==, "a\x1f" "b");
  }
  /* Depth. */
  g_assert_nonnull (care_json_parse ("[[[]]]", 6, 3, NULL));
  g_assert_null (care_json_parse ("[[[[]]]]", 8, 3, NULL));
}

static void
test_mutations (void)
{
  static const char *seeds[] = {
    "{\"s\":41,\"a\":\"m-carer\",\"e\":[{\"i\":\"AZN3xK2v7kGdQm9wz1Yb5A\",\"t\":\"visit.started\",\"h\":1764900000000,"
    "\"b\":{\"visit\":\"v-1\",\"client\":\"c-1\",\"service\":\"personal-care\",\"at\":1764899990000,"
    "\"location\":{\"lat\":45.4642,\"lon\":9.19,\"accuracy\":12.5}}},{\"i\":\"x\",\"b\":{\"text\":\"Ate well \\u2014 "
    "\\\"soup\\\"\",\"readers\":\"family\",\"ok\":true,\"none\":null,\"n\":[1,2,3e-2]}}],\"g\":\"sig\"}",
    "[{\"p\":12,\"d\":\"dev\",\"s\":-3,\"w\":0.5},[],{},\"caf\\u00e9\",false]",
  };
  static const char bytes[] = "{}[]\",:\\ \n0123456789.-+eEtrufalsn\x7f\xc3\xa9\xff";
  guint accepted = 0;

  for (guint round = 0; round < 30000; round++)
    {
      const char *seed = seeds[round % G_N_ELEMENTS (seeds)];
      g_autoptr(GString) text = g_string_new (seed);
      guint edits = (guint) g_test_rand_int_range (1, 4);

      for (guint e = 0; e < edits; e++)
        {
          gsize at = (gsize) g_test_rand_int_range (0, (gint32) text->len);

          switch (g_test_rand_int_range (0, 3))
            {
            case 0:
              text->str[at] = bytes[g_test_rand_int_range (0, sizeof bytes - 1)];
              break;
            case 1:
              g_string_erase (text, (gssize) at, 1);
              break;
            default:
              g_string_insert_c (text, (gssize) at, bytes[g_test_rand_int_range (0, sizeof bytes - 1)]);
              break;
            }
          if (text->len == 0)
            break;
        }
      if (agree (text->str, text->len))
        accepted++;
    }
  g_test_message ("%u of 30000 mutated documents were still JSON", accepted);
  /* Some mutations keep the text JSON (a digit for a digit): both readers
   * are exercised on valid and on broken text. */
  g_assert_cmpuint (accepted, >, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/json/documents", test_documents);
  g_test_add_func ("/app/json/mutations", test_mutations);
  return g_test_run ();
}
