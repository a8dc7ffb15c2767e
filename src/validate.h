/*
 * validate.h - checks a document against its format's key schema.
 *
 * Produces the schema-level findings: unknown keys (with "did you mean"),
 * wrong types as the trainer's loader will see them (with the YAML 1.1
 * pitfalls named), values outside an enum, a range or a pattern, renamed,
 * removed and deprecated keys (with rename fixes), and missing required keys.
 */
#ifndef TRAINLINT_VALIDATE_H
#define TRAINLINT_VALIDATE_H

#include "diag.h"
#include "doc.h"
#include "schema.h"

/* cmd: the command that will read the file (its required keys replace the
 * schema's top-level `required` marks; keys of other commands are unknown to
 * it), or NULL. */
void validate_document(schema_set *ss, format_def *fmt, const command_def *cmd,
                       const doc_node *root, const srcfile *src, diag_list *dl);

#endif
