/*
 * snapshot_stub.c - an empty table of document images, linked into the
 * snapshot tool itself (which makes the real table) and into builds that
 * parse the data files at run time.
 */
#include "embedded.h"

const embedded_snapshot embedded_snapshots[] = {{"", (const unsigned char *)"", 0}};
const size_t embedded_snapshot_count = 0;
const embedded_model_name embedded_model_names[] = {{"", 0}};
const size_t embedded_model_name_count = 0;
const embedded_model_file embedded_model_files[] = {{"", 0, 0}};
const size_t embedded_model_file_count = 0;
